// MARK: - enforcement

/// 行政强制. `content`, `dataSource` and `remarks` are optional additions for the provincial
/// 行政强制 layout; `lifts`, optional, is the seq of an earlier measure this decision lifts
/// (解除查封, 行政强制法 art. 28; docs/background-index.md "Institution status").
public struct Enforcement: Sendable, Equatable {
    public let party: Party
    public let decisionNo: String
    public let measure: EnforcementMeasure
    public let facts: String
    public let basis: String
    public let decidedAt: LocalDate
    public let authority: Authority
    public let content: String?
    public let dataSource: Organization?
    public let remarks: String?
    public let lifts: UInt64?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.enforcement.keys)
        let party = r.object("party").flatMap { Party($0) }
        let decisionNo = r.string("decisionNo", maxLength: FieldLimit.documentNumber)
        let measure = r.enumValue("measure", EnforcementMeasure.self)
        let facts = r.string("facts", maxLength: FieldLimit.facts)
        let basis = r.string("basis", maxLength: FieldLimit.basis)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        let content = r.string("content", required: false, maxLength: FieldLimit.content)
        let dataSource = r.object("dataSource", required: false).flatMap { Organization($0) }
        let remarks = readRemarks(r, "remarks")
        let lifts = readSeq(r, "lifts", required: false)
        guard let party, let decisionNo, let measure, let facts, let basis, let decidedAt, let authority, remarks.ok,
              content != nil || !r.has("content"), dataSource != nil || !r.has("dataSource"), lifts != nil || !r.has("lifts") else { return nil }
        self.lifts = lifts
        (self.party, self.decisionNo, self.measure, self.facts, self.basis, self.decidedAt, self.authority) =
            (party, decisionNo, measure, facts, basis, decidedAt, authority)
        (self.content, self.dataSource, self.remarks) = (content, dataSource, remarks.value)
    }
}

// MARK: - judgment

/// 司法判决. `practiceBanUntil` (从业禁止), when given, must be after `decidedAt`.
/// `offenceCategory` (optional) places the offence in the kind table's closed list, which
/// decides the statutory bar (docs/background-index.md "Statutory bars").
public struct Judgment: Sendable, Equatable {
    public let person: Person
    public let court: Organization
    public let caseNo: String
    public let offence: String
    public let sentence: String
    public let decidedAt: LocalDate
    public let practiceBanUntil: LocalDate?
    public let authority: Authority
    public let offenceCategory: OffenceCategory?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.judgment.keys)
        let person = r.object("person").flatMap { Person($0) }
        let court = r.object("court").flatMap { Organization($0) }
        let caseNo = r.string("caseNo", maxLength: FieldLimit.documentNumber)
        let offence = r.string("offence", maxLength: FieldLimit.violationType)
        let sentence = r.string("sentence", maxLength: FieldLimit.violationType)
        let decidedAt = r.date("decidedAt", notFuture: true)
        var banUntil = r.date("practiceBanUntil", required: false)
        if let until = banUntil, let decidedAt, until <= decidedAt {
            r.sink.add(r.at("practiceBanUntil"), "date_order", "practiceBanUntil must be after decidedAt")
            banUntil = nil
        }
        let authority = readAuthority(r)
        let offenceCategory = r.enumValue("offenceCategory", OffenceCategory.self, required: false)
        guard let person, let court, let caseNo, let offence, let sentence, let decidedAt, let authority,
              banUntil != nil || !r.has("practiceBanUntil"), offenceCategory != nil || !r.has("offenceCategory") else { return nil }
        (self.person, self.court, self.caseNo, self.offence, self.sentence, self.decidedAt, self.practiceBanUntil, self.authority) =
            (person, court, caseNo, offence, sentence, decidedAt, banUntil, authority)
        self.offenceCategory = offenceCategory
    }
}
