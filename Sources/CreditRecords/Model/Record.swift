/// A record of any kind, as a typed value.
public enum Record: Sendable, Equatable {
    case institutionFiling(InstitutionFiling)
    case inspection(Inspection)
    case penalty(Penalty)
    case enforcement(Enforcement)
    case judgment(Judgment)
    case ban(Ban)
    case annualReview(AnnualReview)
    case revocation(Revocation)
    case creditRepair(CreditRepair)
    case erasure(Erasure)
    case migration(Migration)
    case banConfirmation(BanConfirmation)

    /// Builds the typed record from a body that passed `RecordValidator` (e.g. one read back
    /// from the log). Rules that depend on today or on other records are not re-checked.
    public init(kind: RecordKind, validated body: JSONObject) throws(ValidationFailure) {
        let sink = ErrorSink(today: nil)
        let record = Record.read(kind: kind, ObjectReader(object: body, pointer: "/body", path: [], sink: sink))
        guard let record, sink.errors.isEmpty else {
            throw ValidationFailure(sink.errors.isEmpty ? [FieldError(pointer: "/body", code: "invalid", message: "the body is not a valid record")] : sink.errors)
        }
        self = record
    }

    static func read(kind: RecordKind, _ r: ObjectReader) -> Record? {
        switch kind {
        case .institutionFiling: return InstitutionFiling(r).map(Record.institutionFiling)
        case .inspection: return Inspection(r).map(Record.inspection)
        case .penalty: return Penalty(r).map(Record.penalty)
        case .enforcement: return Enforcement(r).map(Record.enforcement)
        case .judgment: return Judgment(r).map(Record.judgment)
        case .ban: return Ban(r).map(Record.ban)
        case .annualReview: return AnnualReview(r).map(Record.annualReview)
        case .revocation: return Revocation(r).map(Record.revocation)
        case .creditRepair: return CreditRepair(r).map(Record.creditRepair)
        case .erasure: return Erasure(r).map(Record.erasure)
        case .migration: return Migration(r).map(Record.migration)
        case .banConfirmation: return BanConfirmation(r).map(Record.banConfirmation)
        }
    }

    public var kind: RecordKind {
        switch self {
        case .institutionFiling: return .institutionFiling
        case .inspection: return .inspection
        case .penalty: return .penalty
        case .enforcement: return .enforcement
        case .judgment: return .judgment
        case .ban: return .ban
        case .annualReview: return .annualReview
        case .revocation: return .revocation
        case .creditRepair: return .creditRepair
        case .erasure: return .erasure
        case .migration: return .migration
        case .banConfirmation: return .banConfirmation
        }
    }

    public var authority: Authority {
        switch self {
        case .institutionFiling(let x): return x.authority
        case .inspection(let x): return x.authority
        case .penalty(let x): return x.authority
        case .enforcement(let x): return x.authority
        case .judgment(let x): return x.authority
        case .ban(let x): return x.authority
        case .annualReview(let x): return x.authority
        case .revocation(let x): return x.authority
        case .creditRepair(let x): return x.authority
        case .erasure(let x): return x.authority
        case .migration(let x): return x.authority
        case .banConfirmation(let x): return x.authority
        }
    }

    /// The date the decision was taken (filedAt, inspectedAt, reviewedAt or decidedAt).
    public var decidedAt: LocalDate {
        switch self {
        case .institutionFiling(let x): return x.filedAt
        case .inspection(let x): return x.inspectedAt
        case .penalty(let x): return x.decidedAt
        case .enforcement(let x): return x.decidedAt
        case .judgment(let x): return x.decidedAt
        case .ban(let x): return x.decidedAt
        case .annualReview(let x): return x.reviewedAt
        case .revocation(let x): return x.decidedAt
        case .creditRepair(let x): return x.decidedAt
        case .erasure(let x): return x.decidedAt
        case .migration(let x): return x.decidedAt
        case .banConfirmation(let x): return x.decidedAt
        }
    }

    /// The document number (RecordRegistry.documentNumber); nil for annual reviews.
    public var documentNumber: String? {
        switch self {
        case .institutionFiling(let x): return x.filingNo
        case .inspection(let x): return x.inspectionNo
        case .penalty(let x): return x.decisionNo
        case .enforcement(let x): return x.decisionNo
        case .judgment(let x): return x.caseNo
        case .ban(let x): return x.decisionNo
        case .annualReview: return nil
        case .revocation(let x): return x.decisionNo
        case .creditRepair(let x): return x.decisionNo
        case .erasure, .migration, .banConfirmation: return nil
        }
    }

    /// The seq a revocation, credit repair or ban confirmation acts on.
    public var target: UInt64? {
        switch self {
        case .revocation(let x): return x.target
        case .creditRepair(let x): return x.target
        case .banConfirmation(let x): return x.target
        default: return nil
        }
    }
}
