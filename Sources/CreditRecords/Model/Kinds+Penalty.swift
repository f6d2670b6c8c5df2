// MARK: - penalty

/// Checks decidedAt ≤ validUntil and that publicUntil lies where the publication rule in force
/// at decidedAt puts it (`PublicationRules`: without a `class`, decidedAt … decidedAt + 3
/// years, as before the classes); returns false when one of them is broken.
private func checkPublication(_ r: ObjectReader, decidedAt: LocalDate?, validUntil: LocalDate?, publicUntil: LocalDate?,
                              publication: Publication? = nil) -> Bool {
    guard let decidedAt else { return true }
    var ok = true
    if let validUntil, validUntil < decidedAt {
        r.sink.add(r.at("validUntil"), "date_order", "validUntil must not be before decidedAt")
        ok = false
    }
    if let publicUntil {
        if publicUntil < decidedAt {
            r.sink.add(r.at("publicUntil"), "date_order", "publicUntil must not be before decidedAt")
            ok = false
        } else if let publication, publicUntil < publication.earliestEnd || publicUntil > publication.latestEnd {
            let rule = PublicationRules.rule(publication.rule)
            r.sink.add(r.at("publicUntil"), "publication_limit",
                       "publicUntil must be from \(publication.earliestEnd) to \(publication.latestEnd) for a \(publication.penaltyClass.rawValue) penalty under \(rule.citation)")
            ok = false
        } else if publication == nil, publicUntil > decidedAt.adding(years: 3) {
            r.sink.add(r.at("publicUntil"), "publication_limit", "publicUntil must be within 3 years of decidedAt")
            ok = false
        }
    }
    return ok
}

/// 行政处罚. Rules beyond docs/records.md "Kinds": a fine in `categories` needs a `fineAmount` above zero;
/// `confiscatedAmount` (may be zero) and `license` are accepted even when their category is
/// absent; `dataSource` is required (national fields 28
/// and 29); `validUntil`/`publicUntil` are optional (docs/records.md "Publication periods" has the defaults).
public struct Penalty: Sendable, Equatable {
    public let party: Party
    public let decisionNo: String
    public let violationType: String
    public let facts: String
    public let basis: String
    public let categories: [PenaltyCategory]
    public let content: String
    public let fineAmount: Amount?
    public let confiscatedAmount: Amount?
    public let license: String?
    public let decidedAt: LocalDate
    public let validUntil: LocalDate?
    public let publicUntil: LocalDate?
    public let authority: Authority
    public let dataSource: Organization
    public let remarks: String?
    /// What the violation was, from the kind table's closed list (docs/background-index.md
    /// "Statutory bars"); optional, nil on penalties recorded before it existed.
    public let offenceCategory: OffenceCategory?
    /// 轻微 / 一般 / 严重 and 简易 / 普通程序, when recorded (`PublicationRules`).
    public let penaltyClass: PenaltyClass?
    public let procedure: PenaltyProcedure?

    /// The publication by the rule in force at `decidedAt` (docs/records.md "Publication periods").
    public var publication: Publication {
        PublicationRules.penalty(decidedAt: decidedAt, penaltyClass: penaltyClass, procedure: procedure, categories: categories,
                                 publicUntil: publicUntil, marketRegulator: PublicationRules.isMarketRegulator(name: authority.name.utf8))
    }

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.penalty.keys)
        let party = r.object("party").flatMap { Party($0) }
        let decisionNo = r.string("decisionNo", maxLength: FieldLimit.documentNumber)
        let violationType = r.string("violationType", maxLength: FieldLimit.violationType)
        let facts = r.string("facts", maxLength: FieldLimit.facts)
        let basis = r.string("basis", maxLength: FieldLimit.basis)
        let categories = r.enumArray("categories", PenaltyCategory.self)
        let content = r.string("content", maxLength: FieldLimit.content)
        let has = { (c: PenaltyCategory) in categories?.contains(c) ?? false }
        var fineAmount = r.amount("fineAmount", required: has(.fine))
        if has(.fine), let amount = fineAmount, amount.isZero {
            r.sink.add(r.at("fineAmount"), "amount", "fineAmount must be greater than zero when categories has fine")
            fineAmount = nil
        }
        let confiscatedAmount = r.amount("confiscatedAmount", required: has(.confiscation))
        let licenseNeeded = has(.licenseSuspension) || has(.licenseRevocation)
        if licenseNeeded && !r.has("license") {
            r.sink.add(r.at("license"), "required", "license is required when categories has license_suspension or license_revocation")
        }
        let license = r.string("license", required: false, maxLength: FieldLimit.license)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let validUntil = r.date("validUntil", required: false)
        let publicUntil = r.date("publicUntil", required: false)
        let authority = readAuthority(r)
        let penaltyClass = r.enumValue("class", PenaltyClass.self, required: false)
        let procedure = r.enumValue("procedure", PenaltyProcedure.self, required: false)
        // Bounds by class only when the record states one (records before classes keep theirs).
        let publication = decidedAt.flatMap { d in penaltyClass.map { c in
            PublicationRules.penalty(decidedAt: d, penaltyClass: c, procedure: procedure, categories: categories ?? [], publicUntil: publicUntil,
                                     marketRegulator: PublicationRules.isMarketRegulator(name: (authority?.name ?? "").utf8))
        } }
        let datesOK = checkPublication(r, decidedAt: decidedAt, validUntil: validUntil, publicUntil: publicUntil, publication: publication)
        let dataSource = r.object("dataSource").flatMap { Organization($0) }
        let remarks = readRemarks(r, "remarks")
        let offenceCategory = r.enumValue("offenceCategory", OffenceCategory.self, required: false)
        let optionalsOK = [("offenceCategory", offenceCategory != nil), ("fineAmount", fineAmount != nil), ("confiscatedAmount", confiscatedAmount != nil),
                           ("license", license != nil), ("validUntil", validUntil != nil), ("publicUntil", publicUntil != nil),
                           ("class", penaltyClass != nil), ("procedure", procedure != nil)].allSatisfy { !r.has($0.0) || $0.1 }
        guard let party, let decisionNo, let violationType, let facts, let basis, let categories, let content, let decidedAt,
              let authority, let dataSource, remarks.ok, datesOK, optionalsOK,
              !has(.fine) || fineAmount != nil, !has(.confiscation) || confiscatedAmount != nil, !licenseNeeded || license != nil else { return nil }
        (self.party, self.decisionNo, self.violationType, self.facts, self.basis, self.categories, self.content) =
            (party, decisionNo, violationType, facts, basis, categories, content)
        (self.fineAmount, self.confiscatedAmount, self.license, self.decidedAt, self.validUntil, self.publicUntil) =
            (fineAmount, confiscatedAmount, license, decidedAt, validUntil, publicUntil)
        (self.authority, self.dataSource, self.remarks, self.offenceCategory) = (authority, dataSource, remarks.value, offenceCategory)
        (self.penaltyClass, self.procedure) = (penaltyClass, procedure)
    }
}
