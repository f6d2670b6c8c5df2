// MARK: - ban

/// 终身禁入 / 从业禁止. `until` is required (a date after `decidedAt`) when `scope` is
/// `until`; with `lifetime` it must be absent or null. `remarks` (BZ of the 失信名单 layout) is
/// an optional addition. `managerOf` (optional, only with role `responsible_manager`) is the
/// seq of the record that the institution abused infants (人口与计划生育法 art. 41(2)) whose
/// directly responsible manager this ban names: it closes that record's task.
public struct Ban: Sendable, Equatable {
    public let person: Person
    public let role: BanRole
    public let reason: BanReason
    public let scope: BanScope
    public let until: LocalDate?
    public let institution: Organization
    public let decisionNo: String
    public let decidedAt: LocalDate
    public let basis: String
    public let facts: String
    public let authority: Authority
    public let remarks: String?
    public let managerOf: UInt64?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.ban.keys)
        let person = r.object("person").flatMap { Person($0) }
        let role = r.enumValue("role", BanRole.self)
        let reason = r.enumValue("reason", BanReason.self)
        let scope = r.enumValue("scope", BanScope.self)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let untilGiven = r.has("until") && r.value("until", required: false) != .null
        var until: LocalDate? = nil
        var untilOK = true
        switch scope {
        case .until?:
            if untilGiven {
                until = r.date("until")
                if let u = until, let decidedAt, u <= decidedAt {
                    r.sink.add(r.at("until"), "date_order", "until must be after decidedAt")
                    until = nil
                }
                untilOK = until != nil
            } else {
                r.sink.add(r.at("until"), "required", "until is required when scope is until")
                untilOK = false
            }
        case .lifetime?:
            if untilGiven { r.sink.add(r.at("until"), "not_allowed", "until must be null or absent when scope is lifetime"); untilOK = false }
        case nil:
            if untilGiven { until = r.date("until") }
        }
        let institution = r.object("institution").flatMap { Organization($0) }
        let decisionNo = r.string("decisionNo", maxLength: FieldLimit.documentNumber)
        let basis = r.string("basis", maxLength: FieldLimit.basis)
        let facts = r.string("facts", maxLength: FieldLimit.facts)
        let authority = readAuthority(r)
        let remarks = readRemarks(r, "remarks")
        var managerOf = readSeq(r, "managerOf", required: false)
        if managerOf != nil, let role, role != .responsibleManager {
            r.sink.add(r.at("managerOf"), "not_allowed", "managerOf is only for a ban whose role is responsible_manager")
            managerOf = nil
        }
        guard let person, let role, let reason, let scope, let institution, let decisionNo, let decidedAt, let basis, let facts,
              let authority, remarks.ok, untilOK, managerOf != nil || !r.has("managerOf") else { return nil }
        (self.person, self.role, self.reason, self.scope, self.until, self.institution, self.decisionNo, self.decidedAt) =
            (person, role, reason, scope, until, institution, decisionNo, decidedAt)
        (self.basis, self.facts, self.authority, self.remarks, self.managerOf) = (basis, facts, authority, remarks.value, managerOf)
    }
}

// MARK: - annual_review

/// 年审. `year` is an integer from 2000 to today's year and not after the year of `reviewedAt`.
public struct AnnualReview: Sendable, Equatable {
    public let institution: Organization
    public let year: Int
    public let result: ReviewResult
    public let reviewedAt: LocalDate
    public let authority: Authority
    public let notes: String?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.annualReview.keys)
        let institution = r.object("institution").flatMap { Organization($0) }
        var year = r.integer("year")
        if let y = year, y < 2000 || y > Int64(r.today?.year ?? 9999) {
            r.sink.add(r.at("year"), "range", "year must be between 2000 and the current year")
            year = nil
        }
        let result = r.enumValue("result", ReviewResult.self)
        let reviewedAt = r.date("reviewedAt", notFuture: true)
        if let y = year, let reviewedAt, y > Int64(reviewedAt.year) {
            r.sink.add(r.at("year"), "date_order", "year must not be after the year of reviewedAt")
            year = nil
        }
        let authority = readAuthority(r)
        let notes = readRemarks(r, "notes")
        guard let institution, let year, let result, let reviewedAt, let authority, notes.ok else { return nil }
        (self.institution, self.year, self.result, self.reviewedAt, self.authority, self.notes) =
            (institution, Int(year), result, reviewedAt, authority, notes.value)
    }
}
