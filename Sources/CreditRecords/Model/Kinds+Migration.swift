import LedgerCrypto

// MARK: - migration

/// 日志迁移: the first record of a log that `careledger migrate` made from an older one. It
/// commits to the old log's last signed checkpoint (origin, verifier key, size, root hash and
/// the SHA-256 of the note), so a reader holding both logs can check that the new one took
/// over exactly that tree; every old record follows it, at its old seq plus `seqOffset`.
/// Holds no personal data.
public struct Migration: Sendable, Equatable {
    public let fromOrigin: String
    public let fromVerifierKey: String
    public let fromSize: UInt64
    public let fromRootHash: String
    public let fromCheckpointSHA256: String
    public let seqOffset: UInt64
    public let decidedAt: LocalDate
    public let authority: Authority

    /// The kind table's patterns (JSON Schema), checked the same way here.
    public static let printable = "^[!-~]+$"
    public static let base64Hash = "^[A-Za-z0-9+/]{43}=$"
    public static let hexHash = "^[0-9a-f]{64}$"

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.migration.keys)
        func token(_ key: String, maxLength: Int, _ valid: (String) -> Bool, _ message: String) -> String? {
            guard let text = r.string(key, maxLength: maxLength) else { return nil }
            guard valid(text) else {
                r.sink.add(r.at(key), "format", message)
                return nil
            }
            return text
        }
        let printable: (String) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { (0x21...0x7E).contains($0) } }
        let origin = token("fromOrigin", maxLength: 255, printable, "fromOrigin is a log origin: printable ASCII without spaces")
        let vkey = token("fromVerifierKey", maxLength: 512, printable, "fromVerifierKey is a note verifier key: printable ASCII without spaces")
        let root = token("fromRootHash", maxLength: 44, { $0.utf8.count == 44 && $0.hasSuffix("=") && Base64.decode($0)?.count == 32 },
                         "fromRootHash is the base64 of a 32-byte SHA-256 root hash")
        let note = token("fromCheckpointSHA256", maxLength: 64,
                         { $0.utf8.count == 64 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } },
                         "fromCheckpointSHA256 is 64 lower-case hex digits")
        let size = r.integer("fromSize")
        if let size, size < 0 { r.sink.add(r.at("fromSize"), "minimum", "fromSize is a tree size, at least 0") }
        let offset = r.integer("seqOffset")
        if let offset, offset < 1 { r.sink.add(r.at("seqOffset"), "minimum", "seqOffset is at least 1 (the migration record comes first)") }
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        guard let origin, let vkey, let size, size >= 0, let root, let note, let offset, offset >= 1, let decidedAt, let authority else { return nil }
        (fromOrigin, fromVerifierKey, fromSize, fromRootHash, fromCheckpointSHA256) = (origin, vkey, UInt64(size), root, note)
        (seqOffset, self.decidedAt, self.authority) = (UInt64(offset), decidedAt, authority)
    }
}
