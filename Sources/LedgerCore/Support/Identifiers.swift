import CreditRecords

/// The identifier checks the server needs for principals' bindings, through the same
/// validators the records use.
package enum PrincipalIdentifiers {
    package static func isValidUSCC(_ code: String) -> Bool { USCC.validate(code) == nil }

    package static func isValidRegion(_ code: String) -> Bool { RegionCode.validate(code) == nil }

    /// Principal ids: `^[a-z0-9][a-z0-9._-]{0,63}$`.
    package static func isValidPrincipalId(_ id: String) -> Bool {
        let b = Array(id.utf8)
        func allowed(_ c: UInt8, first: Bool) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || (!first && (c == 0x2E || c == 0x5F || c == 0x2D))
        }
        guard (1...64).contains(b.count), allowed(b[0], first: true) else { return false }
        return b.dropFirst().allSatisfy { allowed($0, first: false) }
    }
}
