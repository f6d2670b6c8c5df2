/// The kinds of record (nine recorded by authorities, and the erasure and ban confirmation the service appends) (docs/records.md "Kinds"). Raw values are the `kind` strings on the wire.
public enum RecordKind: String, CaseIterable, Sendable, Codable {
    case institutionFiling = "institution_filing"
    case inspection
    case penalty
    case enforcement
    case judgment
    case ban
    case annualReview = "annual_review"
    case revocation
    case creditRepair = "credit_repair"
    /// Personal data destroyed under PIPL art. 47 (appended by the erasure use case only).
    case erasure
    /// The first record of a log migrated from an older one (`careledger migrate`): commits to
    /// the old log's last signed checkpoint; names no one.
    case migration
    /// A second inspector of the same authority confirms a lifetime ban or its revocation,
    /// which takes effect only then (docs/records.md "Bans need two people").
    case banConfirmation = "ban_confirmation"
}

/// One bad field: where (RFC 6901 pointer into the submitted document), a stable code
/// for programs, and a message for people. Never contains a personal ID number.
public struct FieldError: Sendable, Equatable, Codable, CustomStringConvertible {
    public let pointer: String
    public let code: String
    public let message: String

    public init(pointer: String, code: String, message: String) {
        self.pointer = pointer
        self.code = code
        self.message = message
    }

    public var description: String { "\(pointer): \(code): \(message)" }
}
