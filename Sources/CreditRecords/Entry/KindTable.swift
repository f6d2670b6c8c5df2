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
        fieldNumbers = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.key, $0) })
        self.documentNumber = documentNumber
        documentNumberKey = documentNumber.map { "\($0)" }
        self.decisionDate = decisionDate
        decisionDateKey = "\(decisionDate)"
    }

    /// Each member's place in `fields`: `field(_:)` runs for every member of every append
    /// (the validator, the leaf view), where a scan of twenty names cost more than a lookup.
    private let fieldNumbers: [String: Int]

    public func field(_ key: String) -> FieldSpec? { fieldNumbers[key].map { fields[$0] } }
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
        /// A non-empty array of distinct seqs (an erasure's records).
        case seqList
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
        /// A machine-made string of a fixed alphabet (an origin, a key, a hash): never prose,
        /// so it may be public; `pattern` is the JSON Schema's (the kind's reader checks the same).
        case token(pattern: String, maxLength: Int)
    }

    /// Who may read a member (docs/records.md "Who sees which field").
    public enum Visibility: String, Sendable, Equatable {
        /// Published: the institution disclosure and the public list show it (allow-list).
        case `public`
        /// About a person (names, identity documents, a party that may be a person): for the
        /// authorities and the person's own record only; the later personal-data vault keeps it.
        case personal
        /// Free text written by an authority: kept and exported where the national format
        /// requires it, never in the disclosure (it may mention people in ways no scan sees).
        case restricted
    }

    public let name: StaticString
    public let key: String
    public let type: FieldType
    /// Every row states it, so a new member is never published by default.
    public let visibility: Visibility
    public let required: Bool

    init(_ name: StaticString, _ type: FieldType, _ visibility: Visibility, required: Bool = true) {
        (self.name, self.key, self.type, self.visibility, self.required) = (name, "\(name)", type, visibility, required)
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
        case .erasure: return erasure
        case .migration: return migration
        case .banConfirmation: return banConfirmation
        }
    }

    /// Every kind, in `RecordKind.allCases` order.
    public static var all: [KindSpec] { RecordKind.allCases.map(of) }

    public static let institutionFiling = KindSpec(.institutionFiling, "登记备案", [
        FieldSpec("action", .enumeration(FilingAction.rawValues), .public),
        FieldSpec("institution", .object("FiledInstitution"), .public),
        FieldSpec("registrar", .organization, .public),
        FieldSpec("filingNo", .documentNumber, .public),
        FieldSpec("filedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
        FieldSpec("remarks", .remarks, .restricted, required: false),
    ], documentNumber: "filingNo", decisionDate: "filedAt", subjects: [SubjectSpec("institution", .organization)])

    public static let inspection = KindSpec(.inspection, "行政检查", [
        FieldSpec("institution", .organization, .public),
        FieldSpec("authority", .authority, .public),
        FieldSpec("inspectionNo", .documentNumber, .public),
        FieldSpec("inspectedAt", .date, .public),
        FieldSpec("type", .enumeration(InspectionType.rawValues), .public),
        FieldSpec("areas", .enumSet(InspectionArea.rawValues), .public),
        FieldSpec("result", .enumeration(InspectionResult.rawValues), .public),
        FieldSpec("findings", .objectList("Finding"), .restricted),
        FieldSpec("rectifyBy", .date, .public, required: false),
        FieldSpec("inspectors", .nameList, .personal),
        FieldSpec("dataSource", .organization, .public, required: false),
        FieldSpec("remarks", .remarks, .restricted, required: false),
        FieldSpec("followUpOf", .seq, .public, required: false),
        // The one prose the disclosure publishes (docs/records.md "Who sees which field").
        FieldSpec("publicSummary", .text(maxLength: FieldLimit.publicSummary), .public, required: false),
    ], documentNumber: "inspectionNo", decisionDate: "inspectedAt", subjects: [SubjectSpec("institution", .organization)])

    public static let penalty = KindSpec(.penalty, "行政处罚", [
        FieldSpec("party", .party, .personal),
        FieldSpec("decisionNo", .documentNumber, .public),
        FieldSpec("violationType", .text(maxLength: FieldLimit.violationType), .restricted),
        FieldSpec("facts", .text(maxLength: FieldLimit.facts), .restricted),
        FieldSpec("basis", .text(maxLength: FieldLimit.basis), .restricted),
        FieldSpec("categories", .enumSet(PenaltyCategory.rawValues), .public),
        FieldSpec("content", .text(maxLength: FieldLimit.content), .restricted),
        FieldSpec("fineAmount", .amount, .public, required: false),
        FieldSpec("confiscatedAmount", .amount, .public, required: false),
        FieldSpec("license", .text(maxLength: FieldLimit.license), .restricted, required: false),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("validUntil", .date, .public, required: false),
        FieldSpec("publicUntil", .date, .public, required: false),
        FieldSpec("authority", .authority, .public),
        FieldSpec("dataSource", .organization, .public),
        FieldSpec("remarks", .remarks, .restricted, required: false),
        FieldSpec("offenceCategory", .enumeration(OffenceCategory.rawValues), .public, required: false),
        // 信用修复管理办法 (NDRC Order 2025 No. 36) classes and 行政处罚法 procedures; they
        // choose the publication period (`PublicationRules`).
        FieldSpec("class", .enumeration(PenaltyClass.rawValues), .public, required: false),
        FieldSpec("procedure", .enumeration(PenaltyProcedure.rawValues), .public, required: false),
        // The one prose the disclosure publishes (docs/records.md "Who sees which field").
        FieldSpec("publicSummary", .text(maxLength: FieldLimit.publicSummary), .public, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", subjects: [SubjectSpec("party", .party)],
       finding: FindingSpec(reason: "violationType", scope: nil))

    public static let enforcement = KindSpec(.enforcement, "行政强制", [
        FieldSpec("party", .party, .personal),
        FieldSpec("decisionNo", .documentNumber, .public),
        FieldSpec("measure", .enumeration(EnforcementMeasure.rawValues), .public),
        FieldSpec("facts", .text(maxLength: FieldLimit.facts), .restricted),
        FieldSpec("basis", .text(maxLength: FieldLimit.basis), .restricted),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
        FieldSpec("content", .text(maxLength: FieldLimit.content), .restricted, required: false),
        FieldSpec("dataSource", .organization, .public, required: false),
        FieldSpec("remarks", .remarks, .restricted, required: false),
        // The seq of the measure this decision lifts (解除, 行政强制法 art. 28).
        FieldSpec("lifts", .seq, .public, required: false),
        // The one prose the disclosure publishes (docs/records.md "Who sees which field").
        FieldSpec("publicSummary", .text(maxLength: FieldLimit.publicSummary), .public, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", subjects: [SubjectSpec("party", .party)],
       finding: FindingSpec(reason: "measure", scope: nil))

    public static let judgment = KindSpec(.judgment, "司法判决", [
        FieldSpec("person", .person, .personal),
        FieldSpec("court", .organization, .public),
        FieldSpec("caseNo", .documentNumber, .public),
        FieldSpec("offence", .text(maxLength: FieldLimit.violationType), .restricted),
        FieldSpec("sentence", .text(maxLength: FieldLimit.violationType), .restricted),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("practiceBanUntil", .date, .public, required: false),
        FieldSpec("authority", .authority, .public),
        FieldSpec("offenceCategory", .enumeration(OffenceCategory.rawValues), .public, required: false),
    ], documentNumber: "caseNo", decisionDate: "decidedAt", subjects: [SubjectSpec("person", .person)],
       finding: FindingSpec(reason: "offence", scope: nil))

    public static let ban = KindSpec(.ban, "终身禁入 / 从业禁止", [
        FieldSpec("person", .person, .personal),
        FieldSpec("role", .enumeration(BanRole.rawValues), .public),
        FieldSpec("reason", .enumeration(BanReason.rawValues), .public),
        FieldSpec("scope", .enumeration(BanScope.rawValues), .public),
        FieldSpec("until", .dateOrNull, .public, required: false),
        FieldSpec("institution", .organization, .public),
        FieldSpec("decisionNo", .documentNumber, .public),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("basis", .text(maxLength: FieldLimit.basis), .restricted),
        FieldSpec("facts", .text(maxLength: FieldLimit.facts), .restricted),
        FieldSpec("authority", .authority, .public),
        FieldSpec("remarks", .remarks, .restricted, required: false),
        FieldSpec("managerOf", .seq, .public, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt",
       subjects: [SubjectSpec("person", .person), SubjectSpec("institution", .organization, .workplace)],
       finding: FindingSpec(reason: "reason", scope: "scope"))

    public static let annualReview = KindSpec(.annualReview, "年审", [
        FieldSpec("institution", .organization, .public),
        FieldSpec("year", .integer(minimum: 2000), .public),
        FieldSpec("result", .enumeration(ReviewResult.rawValues), .public),
        FieldSpec("reviewedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
        FieldSpec("notes", .remarks, .restricted, required: false),
    ], documentNumber: nil, decisionDate: "reviewedAt", subjects: [SubjectSpec("institution", .organization)])

    public static let revocation = KindSpec(.revocation, "撤销 / 更正", [
        FieldSpec("target", .seq, .public),
        FieldSpec("reason", .enumeration(RevocationReason.rawValues), .public),
        FieldSpec("decisionNo", .documentNumber, .public),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
        FieldSpec("notes", .remarks, .restricted, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", target: "target")

    public static let creditRepair = KindSpec(.creditRepair, "信用修复", [
        FieldSpec("target", .seq, .public),
        FieldSpec("decisionNo", .documentNumber, .public),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
        FieldSpec("notes", .remarks, .restricted, required: false),
        // The repair conditions the authority found met (信用修复管理办法 NDRC Order 2025 No. 36).
        FieldSpec("conditions", .enumSet(RepairCondition.rawValues), .public, required: false),
        // credit_platform: a repair 信用中国 decided, recorded by the authority citing its
        // decision (decisionNo); the export sends nothing back for it (docs/export.md).
        FieldSpec("decidedBy", .enumeration(RepairDecider.rawValues), .public, required: false),
    ], documentNumber: "decisionNo", decisionDate: "decidedAt", target: "target")

    /// Public throughout: it says which records lost their personal parts and why, never whose.
    public static let erasure = KindSpec(.erasure, "个人信息删除", [
        FieldSpec("seqs", .seqList, .public),
        FieldSpec("scope", .enumeration(ErasureScope.allCases.map(\.rawValue)), .public),
        FieldSpec("basis", .enumeration(ErasureBasis.allCases.map(\.rawValue)), .public),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
        // The one prose the disclosure publishes, scanned at append like every public text
        // (PersonalDataScan): free text is never public under any other name.
        FieldSpec("publicSummary", .text(maxLength: FieldLimit.publicSummary), .public, required: false),
    ], documentNumber: nil, decisionDate: "decidedAt")

    /// The first record of a migrated log (docs/operations.md "Migrating a data directory"):
    /// public throughout, it names the old log and the checkpoint the new one continues from,
    /// so anyone can check it against the old log, which stays published read-only.
    public static let migration = KindSpec(.migration, "日志迁移", [
        FieldSpec("fromOrigin", .token(pattern: Migration.printable, maxLength: 255), .public),
        // The old log's verifier key (`careledger log vkey`): name+keyid+base64(0x01‖pubkey).
        FieldSpec("fromVerifierKey", .token(pattern: Migration.printable, maxLength: 512), .public),
        // The tree size and base64 root hash of the old log's last signed checkpoint.
        FieldSpec("fromSize", .integer(minimum: 0), .public),
        FieldSpec("fromRootHash", .token(pattern: Migration.base64Hash, maxLength: 44), .public),
        // SHA-256 (hex) of that checkpoint's signed note, exactly as `log checkpoint` prints it.
        FieldSpec("fromCheckpointSHA256", .token(pattern: Migration.hexHash, maxLength: 64), .public),
        // The old record at seq n is the new record at seq n + seqOffset.
        FieldSpec("seqOffset", .integer(minimum: 1), .public),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
    ], documentNumber: nil, decisionDate: "decidedAt")

    /// Public throughout and names no one: which record is confirmed, by which authority, when.
    /// The confirmer is the envelope's `submittedBy`, the signature its `clientSignature`.
    public static let banConfirmation = KindSpec(.banConfirmation, "终身禁入确认", [
        FieldSpec("target", .seq, .public),
        FieldSpec("decidedAt", .date, .public),
        FieldSpec("authority", .authority, .public),
    ], documentNumber: nil, decisionDate: "decidedAt", target: "target")
}
