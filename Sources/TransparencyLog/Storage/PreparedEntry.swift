import LedgerCrypto

/// An entry hashed by its appender: the leaf hash and most of the frame's CRC are computed
/// on the appending task, so they run on every core, and the committer thread only links the
/// entry into the chain and the tree.
package struct PreparedEntry: Sendable {
    package let bytes: [UInt8]
    package let leafHash: Digest32
    /// The files' frame check word, all but the chain hash (other drivers ignore it).
    package let partialCRC: UInt32

    package init(_ bytes: [UInt8], hasher: SHA256Hasher) {
        self.bytes = bytes
        (leafHash, partialCRC) = bytes.withUnsafeBytes { raw in
            (MerkleHashing.leafHash(raw, using: hasher), Frame.partialCRC(entry: raw))
        }
    }

    package static func prepare(_ entries: [[UInt8]]) -> [PreparedEntry] {
        let hasher = SHA256Hasher()
        return entries.map { PreparedEntry($0, hasher: hasher) }
    }
}
