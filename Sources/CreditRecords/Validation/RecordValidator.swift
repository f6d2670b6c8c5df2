/// What cross-record rules need to know about records already in the log.
public struct RecordSummary: Sendable, Equatable {
    public let seq: UInt64
    public let kind: RecordKind
    /// The recording authority's USCC (body.authority.uscc).
    public let authority: String
    public let decidedAt: LocalDate?
    public var isRevoked: Bool
    public var isRepaired: Bool
    /// A penalty's repair window by its publication rule (nil for other kinds).
    public var repair: RepairWindow?

    public init(seq: UInt64, kind: RecordKind, authority: String, decidedAt: LocalDate?, isRevoked: Bool = false, isRepaired: Bool = false,
                repair: RepairWindow? = nil) {
        self.seq = seq
        self.kind = kind
        self.authority = authority
        self.decidedAt = decidedAt
        self.isRevoked = isRevoked
        self.isRepaired = isRepaired
        self.repair = repair
    }
}

/// When a credit repair may end a penalty's publication, and by which rule.
public struct RepairWindow: Sendable, Equatable {
    public let rule: PublicationRule.ID
    /// The first day a repair may be decided; nil when the rule allows none.
    public let from: LocalDate?

    public init(rule: PublicationRule.ID, from: LocalDate?) { (self.rule, self.from) = (rule, from) }

    public init(_ publication: Publication) { self.init(rule: publication.rule, from: publication.repairFrom) }
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
    /// The typed record (the same content as `body`).
    public let record: Record
}

public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Checks a submitted record `{"kind","body","clientSignature"?}` and reports every problem
/// at once, each as a `FieldError` with an RFC 6901 pointer into the submitted document, a
/// stable snake_case code and an English message naming the rule. Messages never repeat a
/// submitted value, so no ID number can leak through them.
///
/// The rules are docs/records.md's ("Kinds", "Validation"), the national format's field lengths, and these decisions
/// where the documents are silent:
/// - Fields docs/records.md "Kinds" shows without `?` or "required when" are required; the
///   optional additions (national identifiers on a party, `dataSource`, `content`,
///   `remarks`, `notes`) are listed in each kind's doc comment and in schemas/records.
/// - `null` is accepted only for a ban's `until` (docs/records.md "Kinds"); elsewhere it is a
///   type error. Required strings must not be empty or white space only (`empty`); `remarks`
///   and `notes` may be empty. Nothing is trimmed.
/// - Lengths count Unicode scalar values, like JSON Schema `maxLength` and the national
///   platform's character columns. Integers must be written without fraction or exponent
///   (`60`, not `60.0` or `6e1`).
/// - A fine needs `fineAmount` > 0; `license` and `confiscatedAmount` may appear without
///   their categories. `rectifyBy` is refused on a `pass`; `findings` must not be empty
///   unless the result is `pass`. `year` of an annual review must not be after the year of
///   `reviewedAt`. A revocation may not be dated before its target's decision.
/// - A credit repair of a penalty follows the publication rule in force at the penalty's
///   decision (`PublicationRules`, `repairRule`); of an enforcement measure or judgment it is
///   too early before the target's `decidedAt` + 3 calendar months (clamped to the month's end).
/// - A document number is compared exactly (no trimming or width folding), per authority
///   USCC; once every record carrying it has been revoked it may be used again (the
///   corrected record after a `data_error` revocation keeps its decision number).
/// - An inspection's optional `followUpOf` (the seq of the earlier record it follows up)
///   must name a record in the log that has not been revoked (`target_not_found`,
///   `target_revoked`); that it concerns the same institution is not checked.
/// - Text published about an organisation carries no ID number, mobile number or individual
///   business's USCC (`PersonalDataScan`, `personal_data_in_public_text`).
/// - A penalty's or enforcement's party with a credit code starting `92` is an
///   `individual_business`, and an individual business's code starts `92` or is the
///   placeholder (`PartyCodeRule`, `uscc_category`).
/// - `clientSignature` is `{"keyId": non-empty string of at most 256 characters, "sig":
///   standard base64 of 64 bytes (88 characters ending in "==")}`.
public enum RecordValidator {
    public static func validate(_ document: JSONValue, context: ValidationContext) -> Result<ValidatedRecord, ValidationFailure> {
        guard let object = document.objectValue else {
            return .failure(ValidationFailure([FieldError(pointer: "", code: "type", message: "a record is a JSON object")]))
        }
        let sink = ErrorSink(today: context.today)
        let top = ObjectReader(object: object, pointer: "", path: [], sink: sink)
        top.allow(["kind", "body", "clientSignature"])
        let kind = top.enumValue("kind", RecordKind.self)
        let bodyObject: JSONObject?
        if let value = top.value("body", required: true) {
            bodyObject = value.objectValue
            if bodyObject == nil { sink.add("/body", "type", "body must be an object") }
        } else {
            bodyObject = nil
        }
        let signature = top.object("clientSignature", required: false).flatMap(readSignature)

        var record: Record?
        if let kind, let bodyObject {
            record = Record.read(kind: kind, ObjectReader(object: bodyObject, pointer: "/body", path: [], sink: sink))
            crossRecordRules(kind: kind, body: bodyObject, context: context, sink: sink)
            // The one prose a disclosure publishes; read here so no kind's struct changes.
            if KindSpec.of(kind).field("publicSummary") != nil {
                _ = ObjectReader(object: bodyObject, pointer: "/body", path: [], sink: sink)
                    .string("publicSummary", required: false, maxLength: FieldLimit.publicSummary)
            }
            sink.errors += PersonalDataScan.errors(kind: kind, body: bodyObject)
            sink.errors += PartyCodeRule.errors(kind: kind, body: bodyObject)
        }
        guard sink.errors.isEmpty, let kind, let bodyObject, let record else {
            if sink.errors.isEmpty { sink.add("/body", "invalid", "the body is not a valid record") }
            return .failure(ValidationFailure(sink.errors))
        }
        var body = bodyObject
        for (path, value) in sink.replacements { body = replacing(in: body, path: path[...], with: .string(value)) }
        return .success(ValidatedRecord(kind: kind, body: body, authority: record.authority.uscc, target: record.target,
                                        documentNumber: record.documentNumber, clientSignature: signature, record: record))
    }

    private static func readSignature(_ r: ObjectReader) -> ClientSignature? {
        r.allow(["keyId", "sig"])
        let keyId = r.string("keyId", maxLength: 256)
        var sig = r.string("sig")
        if let s = sig, !isBase64Signature(s) {
            r.sink.add(r.at("sig"), "signature_format", "sig must be the standard base64 encoding of a 64-byte Ed25519 signature")
            sig = nil
        }
        guard let keyId, let sig else { return nil }
        return ClientSignature(keyId: keyId, sig: sig)
    }

    static func isBase64Signature(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 88, b[86] == UInt8(ascii: "="), b[87] == UInt8(ascii: "=") else { return false }
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        // The last data character carries 4 zero bits after 64 bytes: one of A, Q, g, w.
        return b[0..<86].allSatisfy(alphabet.contains) && "AQgw".utf8.contains(b[85])
    }

    /// Rules that need the log: targets of revocations and repairs, document numbers. They
    /// run on whatever of the body is readable, so they are reported with the other errors.
    private static func crossRecordRules(kind: RecordKind, body: JSONObject, context: ValidationContext, sink: ErrorSink) {
        let authority = body["authority"]?.objectValue?["uscc"]?.stringValue.flatMap { USCC.validate($0) == nil ? $0 : nil }
        let decidedAt = RecordRegistry.decisionDate(kind: kind, body: body)
        if let authority, let number = RecordRegistry.documentNumber(kind: kind, body: body),
           characterCount(number) <= FieldLimit.documentNumber,
           context.lookup.isRecorded(documentNumber: number, authority: authority), let field = KindSpec.of(kind).documentNumberKey {
            sink.add("/body/" + field, "duplicate_document_number", "this authority has already recorded a document with this \(field)")
        }
        if kind == .inspection { followUpRule(body: body, context: context, sink: sink) }
        if kind == .ban { managerOfRule(body: body, context: context, sink: sink) }
        if kind == .enforcement { liftRule(body: body, context: context, sink: sink) }
        guard kind == .revocation || kind == .creditRepair,
              let n = body["target"]?.integerValue, let seq = UInt64(exactly: n) else { return }
        guard let target = context.lookup.summary(of: seq) else {
            sink.add("/body/target", "target_not_found", "target must be the seq of a record in the log")
            return
        }
        if kind == .revocation {
            if target.kind == .revocation || target.kind == .creditRepair || target.kind == .banConfirmation {
                sink.add("/body/target", "target_kind", "a revocation cannot withdraw a revocation, a credit repair or a ban confirmation")
            } else if target.isRevoked {
                sink.add("/body/target", "already_revoked", "the target record has already been revoked")
            }
            if let decidedAt, let targetDate = target.decidedAt, decidedAt < targetDate {
                sink.add("/body/decidedAt", "date_order", "a revocation must not be dated before the decision it withdraws")
            }
        } else {
            switch target.kind {
            case .ban:
                sink.add("/body/target", "repair_of_ban", "a ban (终身禁入 / 从业禁止) can never be repaired")
                return
            case .penalty, .enforcement, .judgment: break
            default:
                sink.add("/body/target", "target_kind", "credit repair applies only to penalties, enforcement measures and judgments")
                return
            }
            if target.isRevoked {
                sink.add("/body/target", "target_revoked", "the target record has been revoked; there is nothing to repair")
            } else if target.isRepaired {
                sink.add("/body/target", "already_repaired", "the target record has already been repaired")
            }
            if let window = target.repair {
                repairRule(window, body: body, decidedAt: decidedAt, sink: sink)
            } else if let decidedAt, let targetDate = target.decidedAt, decidedAt < targetDate.adding(months: 3) {
                sink.add("/body/decidedAt", "repair_too_early", "credit repair may be decided no earlier than 3 months after the target's decision")
            }
        }
    }

    /// A repair of a penalty, by the publication rule in force at the penalty's decision
    /// (docs/records.md "Revocations and credit repairs"): not before the rule's minimum
    /// period (`repair_too_early`), never where the rule allows no early end
    /// (`repair_not_available`), and under the 2025 rule with all four conditions recorded
    /// (`repair_conditions`).
    private static func repairRule(_ window: RepairWindow, body: JSONObject, decidedAt: LocalDate?, sink: ErrorSink) {
        let rule = PublicationRules.rule(window.rule)
        guard let from = window.from else {
            sink.add("/body/target", "repair_not_available", "\(rule.citation) allows no early end to the publication of this penalty")
            return
        }
        if let decidedAt, decidedAt < from {
            sink.add("/body/decidedAt", "repair_too_early", "credit repair of this penalty may be decided from \(from), the minimum period of \(rule.citation)")
        }
        if window.rule == .ndrc2025 {
            let given = Set(body["conditions"]?.arrayValue?.compactMap { $0.stringValue.flatMap(RepairCondition.init(rawValue:)) } ?? [])
            if given != Set(RepairCondition.allCases) {
                sink.add("/body/conditions", "repair_conditions",
                         "\(rule.citation) requires all four conditions: \(RepairCondition.rawValues.joined(separator: ", "))")
            }
        }
    }

    /// An inspection's `followUpOf` names the earlier record it follows up (an inspection
    /// whose rectification it checks, a penalty, …): a record in the log, so below its size,
    /// that has not been revoked. Its institution cannot be compared here (`RecordLookup`
    /// keeps kind, authority and date, not subjects), so naming another institution's record
    /// is the submitting authority's mistake to avoid, not one the service catches.
    private static func followUpRule(body: JSONObject, context: ValidationContext, sink: ErrorSink) {
        guard let n = body["followUpOf"]?.integerValue, let seq = UInt64(exactly: n) else { return }
        guard let earlier = context.lookup.summary(of: seq) else {
            sink.add("/body/followUpOf", "target_not_found", "followUpOf must be the seq of a record in the log")
            return
        }
        if earlier.isRevoked {
            sink.add("/body/followUpOf", "target_revoked", "the record followUpOf names has been revoked")
        }
    }

    /// A ban's `managerOf` names the record that opened a responsible-manager task: a penalty
    /// or ban in the log, not revoked (docs/records.md "Responsible managers").
    private static func managerOfRule(body: JSONObject, context: ValidationContext, sink: ErrorSink) {
        guard let n = body["managerOf"]?.integerValue, let seq = UInt64(exactly: n) else { return }
        guard let earlier = context.lookup.summary(of: seq) else {
            sink.add("/body/managerOf", "target_not_found", "managerOf must be the seq of a record in the log")
            return
        }
        if earlier.kind != .penalty && earlier.kind != .ban {
            sink.add("/body/managerOf", "target_kind", "managerOf must name a penalty or a ban (the record that the institution abused infants)")
        } else if earlier.isRevoked {
            sink.add("/body/managerOf", "target_revoked", "the record managerOf names has been revoked")
        }
    }

    /// The object with the string at `path` replaced (members keep their order).
    private static func replacing(in object: JSONObject, path: ArraySlice<String>, with value: JSONValue) -> JSONObject {
        guard let key = path.first, let current = object[key] else { return object }
        var copy = object
        copy[key] = replacing(in: current, path: path.dropFirst(), with: value)
        return copy
    }

    private static func replacing(in current: JSONValue, path: ArraySlice<String>, with value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        switch current {
        case .object(let o): return .object(replacing(in: o, path: path, with: value))
        case .array(var a):
            guard let i = Int(key), a.indices.contains(i) else { return current }
            a[i] = replacing(in: a[i], path: path.dropFirst(), with: value)
            return .array(a)
        default: return current
        }
    }
}
