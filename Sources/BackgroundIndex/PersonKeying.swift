import CreditRecords
import LedgerCrypto

/// How the index keys people when personal data is sealed (docs/background-index.md "Keyed
/// people"): by a keyed hash of the ID type and normalised number — the vault's pseudonym —
/// never by the number itself, so neither memory dumps of the tables nor the snapshot hold an
/// ID number. `keyID` names the key; a snapshot made under another key is stale (rebuilt).
public struct PersonKeying: Sendable {
    public let keyID: String
    /// The keyed digest of `(idType, number)`; the number is normalised (no white space,
    /// upper-case letters), as `PersonKey` holds it.
    public let digest: @Sendable (_ idType: IdType, _ normalisedNumber: String) -> Digest32

    public init(keyID: String, digest: @escaping @Sendable (_ idType: IdType, _ normalisedNumber: String) -> Digest32) {
        self.keyID = keyID
        self.digest = digest
    }

    /// The snapshot header's key tag: the first four bytes of SHA-256(keyID), never 0 (0 is
    /// "people keyed by number").
    var tag: UInt32 {
        let d = SHA256.hash(Array(keyID.utf8))
        let t = d.withUnsafeBytes { raw in raw.loadUnaligned(as: UInt32.self) }
        return t == 0 ? 1 : t
    }

    /// A person's key: the form-4 (keyed) packing of the first 15 bytes of the digest,
    /// under the ID type's tag.
    func key(type: IdType, number: String) -> SubjectRef {
        let d = digest(type, number)
        return d.withUnsafeBytes { raw -> SubjectRef in
            var hi = SubjectRef.tag(type) << 60 | 4 << 56
            var lo: UInt64 = 0
            for i in 0..<7 { hi |= UInt64(raw[i]) << (8 * UInt64(i)) }
            for i in 0..<8 { lo |= UInt64(raw[7 + i]) << (8 * UInt64(i)) }
            return .packed(SubjectKey(hi: hi, lo: lo))
        }
    }

    /// `ref` (a person's key from the raw number, as the entry readers make it) keyed.
    func keyed(_ ref: SubjectRef) -> SubjectRef {
        guard let (type, number) = ref.personIdentifier else { return ref }
        return key(type: type, number: number)
    }
}

extension SubjectRef {
    /// The ID type and normalised number a person's unkeyed key packs (the inverse of
    /// `person(type:number:)`); nil for an institution or an already keyed person.
    var personIdentifier: (IdType, String)? {
        func type(_ tag: UInt64) -> IdType? { IdType.allCases.first { SubjectRef.tag($0) == tag } }
        switch self {
        case .packed(let k):
            guard let idType = type(k.hi >> 60) else { return nil }
            switch (k.hi >> 56) & 0xF {
            case 1:
                let check = k.lo % 11
                var digits = String(k.lo / 11)
                digits = String(repeating: "0", count: max(0, 17 - digits.count)) + digits
                return (idType, digits + (check == 10 ? "X" : String(check)))
            case 2:
                let n = Int((k.hi >> 48) & 0xFF)
                var bytes = [UInt8]()
                for i in 0..<n { bytes.append(i < 6 ? UInt8((k.hi >> (8 * UInt64(i))) & 0xFF) : UInt8((k.lo >> (8 * UInt64(i - 6))) & 0xFF)) }
                return (idType, String(decoding: bytes, as: UTF8.self))
            default:
                return nil
            }
        case .other(let key):
            guard let bar = key.firstIndex(of: "|"), let tag = UInt64(key[..<bar], radix: 16), let idType = type(tag) else { return nil }
            return (idType, String(key[key.index(after: bar)...]))
        }
    }
}
