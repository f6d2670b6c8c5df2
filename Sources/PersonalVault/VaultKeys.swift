import DurableStorage
import LedgerCrypto
#if canImport(Glibc)
import Glibc
#endif

/// The vault's secrets (docs/operations.md "Vault keys"): the key-encryption key (KEK) that
/// wraps every subject's data key, and the index keys pseudonyms are made with, each with an
/// id. The newest index key makes new pseudonyms; older ones stay so that erasure and
/// lookups still find pseudonyms made before a rotation.
///
/// The key file is text, so a container secret can hold it in an environment variable:
///
///     careledger-vault-keys 1
///     kek <base64 of 32 bytes>
///     index k1 <base64 of 32 bytes>
///     index k2 <base64 of 32 bytes>
///
/// Lines starting with `#` and blank lines are ignored; index keys are listed oldest first.
public struct VaultKeys: Sendable, Equatable {
    public static let header = "careledger-vault-keys 1"
    public let kek: [UInt8]
    /// Oldest first; never empty.
    public let indexKeys: [IndexKey]

    public struct IndexKey: Sendable, Equatable {
        public let id: String
        public let key: [UInt8]
    }

    public init(kek: [UInt8], indexKeys: [IndexKey]) {
        precondition(kek.count == 32 && !indexKeys.isEmpty)
        self.kek = kek
        self.indexKeys = indexKeys
    }

    /// A new KEK and a first index key `k1`, from the system's secure random source.
    public static func generate() -> VaultKeys {
        VaultKeys(kek: SecureRandom.bytes(32), indexKeys: [IndexKey(id: "k1", key: SecureRandom.bytes(32))])
    }

    /// The key new pseudonyms are made with.
    public var currentIndexKey: IndexKey { indexKeys.last! }

    /// These keys with one more index key, `k<n+1>`, which becomes the current one.
    public func rotatingIndexKey() -> VaultKeys {
        let highest = indexKeys.compactMap { Int($0.id.dropFirst()) }.max() ?? 0
        return VaultKeys(kek: kek, indexKeys: indexKeys + [IndexKey(id: "k\(highest + 1)", key: SecureRandom.bytes(32))])
    }

    /// The subject's pseudonym under the given index key.
    public func pseudonym(_ subject: SubjectIdentifier, under key: IndexKey) -> Pseudonym {
        Pseudonym(keyID: key.id, digest: HMACSHA256.authenticationCode(for: subject.canonicalBytes, key: key.key))
    }

    /// The subject's pseudonyms under every index key, the current one first.
    public func pseudonyms(_ subject: SubjectIdentifier) -> [Pseudonym] {
        indexKeys.reversed().map { pseudonym(subject, under: $0) }
    }

    public func serialized() -> String {
        var lines = [
            "# CareLedger vault keys. Keep this file OUT of the data directory and out of its backups:",
            "# a backup holding both is a backup of the plaintext (docs/operations.md \"Vault keys\").",
            Self.header,
            "kek " + Base64.encode(kek),
        ]
        for key in indexKeys { lines.append("index \(key.id) " + Base64.encode(key.key)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a key file's text; `origin` names it in errors (never the key material).
    public static func parse(_ text: String, origin: String) throws(VaultError) -> VaultKeys {
        var sawHeader = false
        var kek: [UInt8]?
        var index: [IndexKey] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            func bad(_ why: String) -> VaultError { .keyFile("\(origin), line \(number + 1): \(why)") }
            guard sawHeader else {
                guard line == header else { throw bad("expected `\(header)` as the first line; is this a CareLedger vault key file?") }
                sawHeader = true
                continue
            }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            func key32(_ text: String) throws(VaultError) -> [UInt8] {
                guard let bytes = Base64.decode(text), bytes.count == 32 else { throw bad("a key must be 32 bytes in base64") }
                return bytes
            }
            switch fields.first {
            case "kek":
                guard fields.count == 2 else { throw bad("expected `kek <base64>`") }
                guard kek == nil else { throw bad("a second `kek` line") }
                kek = try key32(fields[1])
            case "index":
                guard fields.count == 3 else { throw bad("expected `index <id> <base64>`") }
                let id = fields[1]
                guard id.hasPrefix("k"), id.count <= 12, let n = Int(id.dropFirst()), n > 0, "k\(n)" == id else {
                    throw bad("an index key id is k1, k2, …")
                }
                guard !index.contains(where: { $0.id == id }) else { throw bad("index key \(id) listed twice") }
                index.append(IndexKey(id: id, key: try key32(fields[2])))
            default:
                throw bad("unknown line (expected `kek` or `index`)")
            }
        }
        guard sawHeader else { throw .keyFile("\(origin) is empty") }
        guard let kek else { throw .keyFile("\(origin) has no `kek` line") }
        guard !index.isEmpty else { throw .keyFile("\(origin) has no `index` key") }
        return VaultKeys(kek: kek, indexKeys: index)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        guard let first = firstIndex(where: { !drop.contains($0) }), let last = lastIndex(where: { !drop.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}
