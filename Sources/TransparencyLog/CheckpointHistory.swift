import LedgerCrypto

/// Every checkpoint the log has signed is kept by its storage (files: a frame after the
/// entries it covers), so consistency between any two can be shown. They are kept in the
/// order signed, so sorted by size.
extension TransparencyLog {
    /// How many checkpoints the log has signed (the empty tree's included).
    public var checkpointCount: UInt64 { driver.checkpointCount(upTo: size) }

    /// The `number`th signed checkpoint, oldest first.
    public func checkpoint(number: UInt64) throws -> SignedCheckpoint {
        guard number < checkpointCount else { throw LogError.invalidArgument("no checkpoint number \(number)") }
        return try driver.checkpoint(number: number)
    }

    /// The checkpoint the log signed for exactly `size` entries, if it signed one.
    public func checkpoint(size: UInt64) throws -> SignedCheckpoint? {
        try driver.checkpoint(size: size, committed: self.size)
    }
}
