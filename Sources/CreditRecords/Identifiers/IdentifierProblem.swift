/// Why an identifier was refused: a stable snake_case code and an English message naming the
/// rule. Messages never repeat the identifier itself (it may be a personal ID number).
public struct IdentifierProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Byte-level helpers shared by the identifier checks (all identifiers are ASCII).
enum ASCII {
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    static func allDigits<S: Sequence>(_ bytes: S) -> Bool where S.Element == UInt8 { bytes.allSatisfy(isDigit) }
    static func number<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
