/// The identifier checks the server needs for principals' bindings. (Records are checked by
/// CreditRecords' validator.)
enum Identifiers {
    private static let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    private static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// A unified social credit code (GB 32100): 18 characters from the code's alphabet, the
    /// 3rd to 8th an administrative region, the last the mod-31 check character.
    static func isValidUSCC(_ code: String) -> Bool {
        let b = Array(code.utf8)
        guard b.count == 18 else { return false }
        var values = [Int]()
        for c in b {
            guard let v = usccAlphabet.firstIndex(of: c) else { return false }
            values.append(v)
        }
        guard b[2..<8].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let sum = zip(values.prefix(17), usccWeights).reduce(0) { $0 + $1.0 * $1.1 }
        return values[17] == (31 - sum % 31) % 31
    }

    /// Six-digit administrative region code (GB/T 2260 form; not checked against the list).
    static func isValidRegion(_ code: String) -> Bool {
        let b = Array(code.utf8)
        return b.count == 6 && b.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && b[0] != 0x30
    }

    /// Principal ids: `^[a-z0-9][a-z0-9._-]{0,63}$`.
    static func isValidPrincipalId(_ id: String) -> Bool {
        let b = Array(id.utf8)
        func allowed(_ c: UInt8, first: Bool) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || (!first && (c == 0x2E || c == 0x5F || c == 0x2D))
        }
        guard (1...64).contains(b.count), allowed(b[0], first: true) else { return false }
        return b.dropFirst().allSatisfy { allowed($0, first: false) }
    }
}
