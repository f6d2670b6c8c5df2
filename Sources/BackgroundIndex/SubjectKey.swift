import CreditRecords

/// A subject's identifier packed into 16 bytes, so the tables hold no strings for the common
/// cases (and no heap allocation per subject):
/// - an 18-character number of 17 digits and a check character (resident IDs, the 2023
///   foreign permanent resident ID) as a 60-bit integer;
/// - any other number of up to 14 bytes inline;
/// - a unified social credit code (18 characters of the GB 32100 alphabet) at 5 bits a character.
/// Anything else goes to a string-keyed overflow table (`SubjectRef.other`).
///
/// Layout of `hi`: bits 60–63 the tag (IdType index + 1, or 0xF for an institution), 56–59 the
/// form (1 numeric, 2 inline, 3 USCC), 48–55 the inline length, 0–47 inline bytes 0–5 or the
/// first 8 USCC characters; `lo` holds the number, inline bytes 6–13 or USCC characters 8–17.
struct SubjectKey: Hashable, Sendable {
    var hi: UInt64
    var lo: UInt64
}

/// A subject as the index keys it: packed, or (rarely) a string.
enum SubjectRef: Hashable, Sendable {
    case packed(SubjectKey)
    case other(String)

    static let institutionTag: UInt64 = 0xF

    static func tag(_ type: IdType) -> UInt64 {
        switch type {
        case .residentId: return 1
        case .passport: return 2
        case .hkMacauPermit: return 3
        case .taiwanPermit: return 4
        case .foreignPermanentResidentId: return 5
        }
    }

    /// A person's key from the raw number: white space dropped, ASCII letters upper-cased
    /// (docs/records.md "Identity documents": upper-case `X`, no spaces).
    static func person(type: IdType, number: UnsafeBufferPointer<UInt8>) -> SubjectRef {
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw -> SubjectRef in
            let out = raw.bindMemory(to: UInt8.self)
            var n = 0
            for b in number {
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { continue }
                if n == out.count { return .other(otherKey(SubjectRef.tag(type), normalised(number))) }
                out[n] = (b >= 0x61 && b <= 0x7A) ? b - 0x20 : b
                n += 1
            }
            let tag = SubjectRef.tag(type) << 60
            if n == 18 {
                var value: UInt64 = 0
                var numeric = true
                for i in 0..<17 {
                    let d = out[i] &- 0x30
                    if d > 9 { numeric = false; break }
                    value = value * 10 + UInt64(d)
                }
                let check = out[17]
                if numeric && ((check >= 0x30 && check <= 0x39) || check == 0x58) {
                    value = value * 11 + (check == 0x58 ? 10 : UInt64(check - 0x30))
                    return .packed(SubjectKey(hi: tag | 1 << 56, lo: value))
                }
            }
            if n <= 14 {
                var hi = tag | 2 << 56 | UInt64(n) << 48
                var lo: UInt64 = 0
                for i in 0..<n {
                    if i < 6 { hi |= UInt64(out[i]) << (8 * UInt64(i)) } else { lo |= UInt64(out[i]) << (8 * UInt64(i - 6)) }
                }
                return .packed(SubjectKey(hi: hi, lo: lo))
            }
            return .other(otherKey(SubjectRef.tag(type), Array(UnsafeBufferPointer(rebasing: out[0..<n]))))
        }
    }

    static func person(type: IdType, number: String) -> SubjectRef {
        var number = number
        return number.withUTF8 { person(type: type, number: $0) }
    }

    /// The GB 32100 alphabet: digits and the capitals without I, O, S, V, Z.
    private static let usccValue: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "0123456789ABCDEFGHJKLMNPQRTUWXY".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
            if c >= 0x41 { table[Int(c) + 0x20] = UInt8(i) }  // lower case accepted, as upper
        }
        return table
    }()

    /// An institution's key from its USCC (upper-cased, white space dropped).
    static func institution(uscc: UnsafeBufferPointer<UInt8>) -> SubjectRef {
        if uscc.count == 18 {
            var hi = institutionTag << 60 | 3 << 56
            var lo: UInt64 = 0
            var ok = true
            usccValue.withUnsafeBufferPointer { table in
                for i in 0..<18 {
                    let v = table[Int(uscc[i])]
                    if v == 0xFF { ok = false; break }
                    if i < 8 { hi |= UInt64(v) << (5 * UInt64(i)) } else { lo |= UInt64(v) << (5 * UInt64(i - 8)) }
                }
            }
            if ok { return .packed(SubjectKey(hi: hi, lo: lo)) }
        }
        let clean = normalised(uscc)
        if clean.count == 18 && !clean.elementsEqual(uscc), case .packed(let key) = clean.withUnsafeBufferPointer({ institution(uscc: $0) }) {
            return .packed(key)
        }
        return .other(otherKey(institutionTag, clean))
    }

    static func institution(uscc: String) -> SubjectRef {
        var uscc = uscc
        return uscc.withUTF8 { institution(uscc: $0) }
    }

    /// An institution key's code as text (the inverse of `institution(uscc:)` for the
    /// upper-case codes validation lets through); nil for a person's key.
    var institutionCode: String? {
        switch self {
        case .packed(let k):
            guard k.hi >> 60 == SubjectRef.institutionTag, (k.hi >> 56) & 0xF == 3 else { return nil }
            let alphabet = USCC.alphabet
            var out = [UInt8]()
            out.reserveCapacity(18)
            for i in 0..<18 {
                let v = i < 8 ? (k.hi >> (5 * UInt64(i))) & 31 : (k.lo >> (5 * UInt64(i - 8))) & 31
                out.append(alphabet[Int(v)])
            }
            return String(decoding: out, as: UTF8.self)
        case .other(let key):
            guard let bar = key.firstIndex(of: "|"), key[..<bar] == String(SubjectRef.institutionTag, radix: 16) else { return nil }
            return String(key[key.index(after: bar)...])
        }
    }

    private static func normalised(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        bytes.compactMap { b in
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { return nil }
            return (b >= 0x61 && b <= 0x7A) ? b - 0x20 : b
        }
    }

    private static func otherKey(_ tag: UInt64, _ bytes: [UInt8]) -> String {
        String(tag, radix: 16) + "|" + String(decoding: bytes, as: UTF8.self)
    }
}
