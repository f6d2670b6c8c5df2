import LedgerCrypto

/// Bearer tokens: 32 random bytes, shown once as base64url without padding (43 characters),
/// stored only as the SHA-256 of that text.
package enum BearerToken {
    package static let byteCount = 32
    package static let textLength = 43

    package static func generate() -> String {
        let standard = Base64.encode(SecureRandom.bytes(byteCount))
        var out = ""
        out.reserveCapacity(textLength)
        for c in standard.unicodeScalars {
            switch c {
            case "+": out.append("-")
            case "/": out.append("_")
            case "=": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    package static func hash(_ token: String) -> Digest32 { SHA256.hash(Array(token.utf8)) }

    /// Whether the text has a token's shape, checked before hashing so that junk is refused
    /// cheaply (and never reaches a log line).
    package static func isWellFormed(_ text: Substring) -> Bool {
        text.utf8.count == textLength && text.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
        }
    }

    /// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive),
    /// or nil when the header does not carry a well-formed bearer token.
    package static func parse(authorization value: String) -> Substring? {
        let trimmed = value.drop(while: { $0 == " " })
        guard let space = trimmed.firstIndex(of: " ") else { return nil }
        guard trimmed[..<space].lowercased() == "bearer" else { return nil }
        let token = trimmed[trimmed.index(after: space)...].drop(while: { $0 == " " })
        var end = token.endIndex
        while end > token.startIndex, token[token.index(before: end)] == " " { end = token.index(before: end) }
        let result = token[..<end]
        return isWellFormed(result) ? result : nil
    }
}
