/// The kind table: for each record kind, the members its body may have (name, type, whether
/// required, enumerations), and which of them carry what every reader of an entry looks for
/// — the document number, the decision date, the subjects, a finding's reason. It is the one
/// place these per-kind facts are written (docs/architecture.md, "The entry format and the
/// kind table"): the validator's allowed members and cross-record rules, `RecordRegistry`,
/// the index's `RecordFacts`, the export's fast mapper and the JSON Schemas
/// (`tools/gen-record-schemas.py`, fed by `swift run kind-table`) all read it. Rules between
/// fields (a fine needs an amount, dates in order, …) stay in each kind's reader in Kinds.swift.
public struct KindSpec: Sendable {
    public let kind: RecordKind
    /// The kind's Chinese name (the schema's title).
    public let title: String
    /// The body's members, in the order the schemas list them.
    public let fields: [FieldSpec]
    /// The member names, for the byte readers (`EntryScanner` compares them without a String).
    public let names: [StaticString]
    /// The member names as strings, for the validator's `allow`.
    public let keys: [String]
    /// The member holding the document number (decision, inspection, filing or case no.); nil
    /// for an annual review.
    public let documentNumber: StaticString?
    public let documentNumberKey: String?
    /// The member holding the date the decision was taken.
    public let decisionDate: StaticString
    public let decisionDateKey: String
    /// Whom the record names.
    public let subjects: [SubjectSpec]
    /// What a check's finding shows of it; nil for kinds that are not findings.
    public let finding: FindingSpec?
    /// The member holding the seq a revocation or credit repair acts on.
    public let target: StaticString?

    init(_ kind: RecordKind, _ title: String, _ fields: [FieldSpec], documentNumber: StaticString?, decisionDate: StaticString,
         subjects: [SubjectSpec] = [], finding: FindingSpec? = nil, target: StaticString? = nil) {
        (self.kind, self.title, self.fields, self.subjects, self.finding, self.target) = (kind, title, fields, subjects, finding, target)
        names = fields.map(\.name)
        keys = fields.map(\.key)
        self.documentNumber = documentNumber
        documentNumberKey = documentNumber.map { "\($0)" }
        self.decisionDate = decisionDate
        decisionDateKey = "\(decisionDate)"
    }

    public func field(_ key: String) -> FieldSpec? { fields.first { $0.key == key } }
}

/// One member of a body.
public struct FieldSpec: Sendable {
    public enum FieldType: Sendable, Equatable {
        /// A string that must not be empty or white space, of at most `maxLength` characters.
        case text(maxLength: Int)
        /// Free text that may be empty (remarks, notes), at most `FieldLimit.remarks` characters.
        case remarks
        /// A document number (`FieldLimit.documentNumber`).
        case documentNumber
        /// `YYYY-MM-DD`, a real day.
        case date
        /// A date or `null` (only a ban's `until`).
        case dateOrNull
        /// 万元 as a decimal string (`Amount`).
        case amount
        case integer(minimum: Int)
        /// The seq of a record in the log: a non-negative integer.
        case seq
        /// One of the raw values.
        case enumeration([String])
        /// A non-empty array of distinct raw values.
        case enumSet([String])
        case organization, authority, person, party
        /// An object of the kind's own shape (the schema's `$defs` entry of that name).
        case object(String)
        /// An array of such objects.
        case objectList(String)
        /// A non-empty array of person names (inspectors).
        case nameList
    }

    public let name: StaticString
    public let key: String
    public let type: FieldType
    public let required: Bool

    init(_ name: StaticString, _ type: FieldType, required: Bool = true) {
        (self.name, self.key, self.type, self.required) = (name, "\(name)", type, required)
    }
}

/// A person or institution a record names.
public struct SubjectSpec: Sendable {
    public enum Shape: String, Sendable {
        /// `{name, idType, idNumber}`.
        case person
        /// `{name, uscc, …}`.
        case organization
        /// A penalty's or enforcement's party: a person or an organisation by its `category`.
        case party
    }

    public enum Role: String, Sendable {
        /// Whom the record is about.
        case subject
        /// Where the subject worked (a ban's institution): the institution's record shows it too.
        case workplace
    }

    public let field: StaticString
    public let key: String
    public let shape: Shape
    public let role: Role

    init(_ field: StaticString, _ shape: Shape, _ role: Role = .subject) {
        (self.field, self.key, self.shape, self.role) = (field, "\(field)", shape, role)
    }
}

/// The members a finding (a check's answer) shows besides number, date and authority.
public struct FindingSpec: Sendable {
    /// Why: ban.reason, judgment.offence, penalty.violationType, enforcement.measure.
    public let reason: StaticString
    /// How long: ban.scope.
    public let scope: StaticString?
}

extension KindSpec {
    /// The spec of `kind`.
    @inlinable public static func of(_ kind: RecordKind) -> KindSpec {
        switch kind {
        case .institutionFiling: return institutionFiling
        case .inspection: return inspection
        case .penalty: return penalty
        case .enforcement: return enforcement
        case .judgment: return judgment
        case .ban: return ban
        case .annualReview: return annualReview
        case .revocation: return revocation
        case .creditRepair: return creditRepair
        }
    }

    /// Every kind, in `RecordKind.allCases` order.
    public static var all: [KindSpec] { RecordKind.allCases.map(of) }

    public static let institutionFiling = KindSpec(.institutionFiling, "登记备案", [
        FieldSpec("action", .enumeration(FilingAction.rawValues)),
        FieldSpec("institution", .object("FiledInstitution")),
        FieldSpec("registrar", .organization),
        FieldSpec("filingNo", .documentNumber),
        FieldSpec("filedAt", .date),
        FieldSpec("authority", .authority),
        FieldSpec("remarks", .remarks, required: false),
    ], documentNumber: "filingNo", decisionDate: "filedAt", subjects: [SubjectSpec("institution", .organization)])

    public static let inspection = KindSpec(.inspection, "行政检查", [
        FieldSpec("institution", .organization),
        FieldSpec("authority", .authority),
        FieldSpec("inspectionNo", .documentNumber),
        FieldSpec("inspectedAt", .date),
        FieldSpec("type", .enumeration(InspectionType.rawValues)),
        FieldSpec("areas", .enumSet(InspectionArea.rawValues)),
        FieldSpec("result", .enumeration(InspectionResult.rawValues)),
        FieldSpec("findings", .objectList("Finding")),
        FieldSpec("rectifyBy", .date, required: false),
        FieldSpec("inspectors", .nameList),
        FieldSpec("dataSource", .organization, required: false),
        FieldSpec("remarks", .remarks, required: false),
        FieldSpec("followUpOf", .seq, required: false),
    ], documentNumber: "inspectionNo", decisionDate: "inspectedAt", subjects: [SubjectSpec("institution", .organization)])

    public static let penalty = KindSpec(.penalty, "行政处罚", [
        FieldSpec("party", .party),
        FieldSpec("decisionNo", .documentNumber),
        FieldSpec("violationType", .text(maxLength: FieldLimit.violationType)),
        FieldSpec("facts", .text(maxLength: FieldLimit.facts)),
        FieldSpec("basis", .text(maxLength: FieldLimit.basis)),
        FieldSpec("categories", .enumSet(PenaltyCategory.rawValues)),
        FieldSpec("content", .text(maxLength: FieldLimit.content)),
        FieldSpec("fineAmount", .amount, required: false),
        FieldSpec("confiscatedAmount", .amount, required: false),
        FieldSpec("license", .text(maxLength: FieldLimit.license), required: false),
        FieldSpec("decidedAt", .date),
        FieldSpec("validUntil", .date, required: false),
        FieldSpec("publicUntil", .date, required: false),
        FieldSpec("authority", .authority),
        FieldSpec("dataSource", .organization),
        FieldSpec("remarks", .remarks, required: false),
        FieldSpec("offenceCategory", .enumeration(OffenceCategory.rawValues), required: false),
        // 信用修复管理办法 (NDRC Order 2025 No. 36) classes and 行政处罚法 procedures; they
        // choose the publication period (`PublicationRules`).
        FieldSpec("class", .enumeration(PenaltyClass.rawValues), required: false),
        FieldSpec("procedure", .enumeration(PenaltyProcedure.rawValues), required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", subjects: [SubjectSpec("party", .party)],
       finding: FindingSpec(reason: "violationType", scope: nil))

    public static let enforcement = KindSpec(.enforcement, "行政强制", [
        FieldSpec("party", .party),
        FieldSpec("decisionNo", .documentNumber),
        FieldSpec("measure", .enumeration(EnforcementMeasure.rawValues)),
        FieldSpec("facts", .text(maxLength: FieldLimit.facts)),
        FieldSpec("basis", .text(maxLength: FieldLimit.basis)),
        FieldSpec("decidedAt", .date),
        FieldSpec("authority", .authority),
        FieldSpec("content", .text(maxLength: FieldLimit.content), required: false),
        FieldSpec("dataSource", .organization, required: false),
        FieldSpec("remarks", .remarks, required: false),
        // The seq of the measure this decision lifts (解除, 行政强制法 art. 28).
        FieldSpec("lifts", .seq, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", subjects: [SubjectSpec("party", .party)],
       finding: FindingSpec(reason: "measure", scope: nil))

    public static let judgment = KindSpec(.judgment, "司法判决", [
        FieldSpec("person", .person),
        FieldSpec("court", .organization),
        FieldSpec("caseNo", .documentNumber),
        FieldSpec("offence", .text(maxLength: FieldLimit.violationType)),
        FieldSpec("sentence", .text(maxLength: FieldLimit.violationType)),
        FieldSpec("decidedAt", .date),
        FieldSpec("practiceBanUntil", .date, required: false),
        FieldSpec("authority", .authority),
        FieldSpec("offenceCategory", .enumeration(OffenceCategory.rawValues), required: false),
    ], documentNumber: "caseNo", decisionDate: "decidedAt", subjects: [SubjectSpec("person", .person)],
       finding: FindingSpec(reason: "offence", scope: nil))

    public static let ban = KindSpec(.ban, "终身禁入 / 从业禁止", [
        FieldSpec("person", .person),
        FieldSpec("role", .enumeration(BanRole.rawValues)),
        FieldSpec("reason", .enumeration(BanReason.rawValues)),
        FieldSpec("scope", .enumeration(BanScope.rawValues)),
        FieldSpec("until", .dateOrNull, required: false),
        FieldSpec("institution", .organization),
        FieldSpec("decisionNo", .documentNumber),
        FieldSpec("decidedAt", .date),
        FieldSpec("basis", .text(maxLength: FieldLimit.basis)),
        FieldSpec("facts", .text(maxLength: FieldLimit.facts)),
        FieldSpec("authority", .authority),
        FieldSpec("remarks", .remarks, required: false),
        FieldSpec("managerOf", .seq, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt",
       subjects: [SubjectSpec("person", .person), SubjectSpec("institution", .organization, .workplace)],
       finding: FindingSpec(reason: "reason", scope: "scope"))

    public static let annualReview = KindSpec(.annualReview, "年审", [
        FieldSpec("institution", .organization),
        FieldSpec("year", .integer(minimum: 2000)),
        FieldSpec("result", .enumeration(ReviewResult.rawValues)),
        FieldSpec("reviewedAt", .date),
        FieldSpec("authority", .authority),
        FieldSpec("notes", .remarks, required: false),
    ], documentNumber: nil, decisionDate: "reviewedAt", subjects: [SubjectSpec("institution", .organization)])

    public static let revocation = KindSpec(.revocation, "撤销 / 更正", [
        FieldSpec("target", .seq),
        FieldSpec("reason", .enumeration(RevocationReason.rawValues)),
        FieldSpec("decisionNo", .documentNumber),
        FieldSpec("decidedAt", .date),
        FieldSpec("authority", .authority),
        FieldSpec("notes", .remarks, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", target: "target")

    public static let creditRepair = KindSpec(.creditRepair, "信用修复", [
        FieldSpec("target", .seq),
        FieldSpec("decisionNo", .documentNumber),
        FieldSpec("decidedAt", .date),
        FieldSpec("authority", .authority),
        FieldSpec("notes", .remarks, required: false),
        // The repair conditions the authority found met (信用修复管理办法 NDRC Order 2025 No. 36).
        FieldSpec("conditions", .enumSet(RepairCondition.rawValues), required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", target: "target")
}
