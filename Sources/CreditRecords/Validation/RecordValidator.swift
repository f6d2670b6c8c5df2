/// What cross-record rules need to know about records already in the log.
public struct RecordSummary: Sendable, Equatable {
    public let seq: UInt64
    public let kind: RecordKind
    /// The recording authority's USCC (body.authority.uscc).
    public let authority: String
    public let decidedAt: LocalDate?
    public var isRevoked: Bool
    public var isRepaired: Bool

    public init(seq: UInt64, kind: RecordKind, authority: String, decidedAt: LocalDate?, isRevoked: Bool = false, isRepaired: Bool = false) {
        self.seq = seq
        self.kind = kind
        self.authority = authority
        self.decidedAt = decidedAt
        self.isRevoked = isRevoked
        self.isRepaired = isRepaired
    }
}

/// The log as the validator sees it.
public protocol RecordLookup: Sendable {
    func summary(of seq: UInt64) -> RecordSummary?
    /// Whether this authority already recorded a document with this number (decision no.,
    /// inspection no., filing no., case no.).
    func isRecorded(documentNumber: String, authority: String) -> Bool
}

public struct ValidationContext: Sendable {
    public let today: LocalDate
    public let lookup: any RecordLookup

    public init(today: LocalDate, lookup: any RecordLookup) {
        self.today = today
        self.lookup = lookup
    }
}

/// A record that passed validation, with what the server needs for authorisation.
public struct ValidatedRecord: Sendable {
    public let kind: RecordKind
    /// The body as it will be stored (identifiers normalised, e.g. an upper-case X).
    public let body: JSONObject
    /// body.authority.uscc: an inspector may submit only in its own authority's name.
    public let authority: String
    /// For revocation and credit_repair: the seq they act on.
    public let target: UInt64?
    public let documentNumber: String?
    public let clientSignature: ClientSignature?
}

public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Checks a submitted record `{"kind","body","clientSignature"?}` and reports every problem
/// at once. (The full rules arrive with the record model; see schemas/records.)
public enum RecordValidator {
    public static func validate(_ document: JSONValue, context: ValidationContext) -> Result<ValidatedRecord, ValidationFailure> {
        guard let object = document.objectValue else {
            return .failure(ValidationFailure([FieldError(pointer: "", code: "type", message: "a record is a JSON object")]))
        }
        var errors = [FieldError]()
        let kind = object["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:))
        if kind == nil { errors.append(FieldError(pointer: "/kind", code: "enum", message: "kind must be one of \(RecordKind.allCases.map(\.rawValue).joined(separator: ", "))")) }
        let body = object["body"]?.objectValue
        if body == nil { errors.append(FieldError(pointer: "/body", code: "type", message: "body must be an object")) }
        let authority = body?["authority"]?.objectValue?["uscc"]?.stringValue
        if body != nil && authority == nil { errors.append(FieldError(pointer: "/body/authority/uscc", code: "required", message: "authority.uscc is required")) }
        guard errors.isEmpty, let kind, let body, let authority else { return .failure(ValidationFailure(errors)) }
        return .success(ValidatedRecord(kind: kind, body: body, authority: authority, target: body["target"]?.integerValue.map { UInt64($0) },
                                        documentNumber: nil, clientSignature: nil))
    }
}
