import LedgerCrypto

/// Every checkpoint the log has signed is kept (as a frame after the entries it covers), so
/// consistency between any two can be shown. The index of them is sorted by size.
extension TransparencyLog {
    /// How many checkpoints the log has signed (the empty tree's included).
    public var checkpointCount: UInt64 {
        var low: UInt64 = 0, high = (try? files.checkpointIndex.fileRecordCount()) ?? 0
        let committed = size
        // Records past the committed size may belong to a batch still being written.
        while low < high {
            let mid = (low + high) / 2
            if recordSize(mid) <= committed { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The `number`th signed checkpoint, oldest first.
    public func checkpoint(number: UInt64) throws -> SignedCheckpoint {
        guard number < checkpointCount else { throw LogError.invalidArgument("no checkpoint number \(number)") }
        return try Recovery.readCheckpoint(files: files, number: number)
    }

    /// The checkpoint the log signed for exactly `size` entries, if it signed one.
    public func checkpoint(size: UInt64) throws -> SignedCheckpoint? {
        var low: UInt64 = 0, high = checkpointCount
        while low < high {
            let mid = (low + high) / 2
            let found = recordSize(mid)
            if found == size { return try checkpoint(number: mid) }
            if found < size { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    private func recordSize(_ number: UInt64) -> UInt64 {
        UInt64(littleEndian: files.checkpointIndex.pointer(number).loadUnaligned(as: UInt64.self))
    }
}
