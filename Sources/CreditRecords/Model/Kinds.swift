// The nine record kinds (docs/records.md "Kinds"). Each is built from a body by reading every field with
// an ObjectReader, which reports each problem with its JSON pointer; a kind's value exists only
// when its body had no problem. Fields docs/records.md "Kinds" shows without "?" or "required
// when …" are required; the optional fields added for the national format are marked below.

public enum FilingAction: String, CaseIterable, Sendable, Codable { case filed, changed, deregistered }
public enum InstitutionType: String, CaseIterable, Sendable, Codable {
    case forProfit = "for_profit", nonProfit = "non_profit", publicInstitution = "public_institution"
}
public enum InspectionType: String, CaseIterable, Sendable, Codable { case routine, random, joint, complaint, special }
/// Inspected areas (docs/records.md "Kinds"). The first five are the original list; the rest cover the remaining items of the
/// childcare standards (设置标准/管理规范) an inspection may look at.
public enum InspectionArea: String, CaseIterable, Sendable, Codable {
    case fireSafety = "fire_safety", foodSafety = "food_safety", hygiene, securityVideo = "security_video", staffing
    case facilities, healthCare = "health_care", careQuality = "care_quality", records, other
}
public enum InspectionResult: String, CaseIterable, Sendable, Codable {
    case pass, rectificationRequired = "rectification_required", fail
}
public enum Severity: String, CaseIterable, Sendable, Codable { case minor, major, critical }
public enum PenaltyCategory: String, CaseIterable, Sendable, Codable {
    case warning, publicCriticism = "public_criticism", fine, confiscation
    case licenseSuspension = "license_suspension", qualificationDowngrade = "qualification_downgrade"
    case licenseRevocation = "license_revocation", businessRestriction = "business_restriction"
    case suspensionOfBusiness = "suspension_of_business", closure, practiceRestriction = "practice_restriction"
    case detention, other

    /// 处罚类别 as the national platform writes it (Administrative Penalty Law 2021, art. 9).
    public var nationalName: String {
        switch self {
        case .warning: return "警告"
        case .publicCriticism: return "通报批评"
        case .fine: return "罚款"
        case .confiscation: return "没收违法所得、没收非法财物"
        case .licenseSuspension: return "暂扣许可证件"
        case .qualificationDowngrade: return "降低资质等级"
        case .licenseRevocation: return "吊销许可证件"
        case .businessRestriction: return "限制开展生产经营活动"
        case .suspensionOfBusiness: return "责令停产停业"
        case .closure: return "责令关闭"
        case .practiceRestriction: return "限制从业"
        case .detention: return "行政拘留"
        case .other: return "其他"
        }
    }
}
public enum EnforcementMeasure: String, CaseIterable, Sendable, Codable { case seal, seize, freeze, other }
public enum BanRole: String, CaseIterable, Sendable, Codable { case perpetrator, responsibleManager = "responsible_manager" }
public enum BanReason: String, CaseIterable, Sendable, Codable {
    case childAbuse = "child_abuse", harmToInfant = "harm_to_infant", sexualOffence = "sexual_offence"
    case seriousSafetyAccident = "serious_safety_accident", foodSafetyAccident = "food_safety_accident", other
}
public enum BanScope: String, CaseIterable, Sendable, Codable { case lifetime, until }
public enum ReviewResult: String, CaseIterable, Sendable, Codable { case pass, fail }
public enum RevocationReason: String, CaseIterable, Sendable, Codable {
    case overturnedOnReview = "overturned_on_review", overturnedInCourt = "overturned_in_court", dataError = "data_error"
}

/// Reads optional free text that may be empty (remarks, notes).
private func readRemarks(_ r: ObjectReader, _ key: String) -> (ok: Bool, value: String?) {
    let value = r.string(key, required: false, maxLength: FieldLimit.remarks, allowEmpty: true)
    return (value != nil || !r.has(key), value)
}

private func readAuthority(_ r: ObjectReader) -> Authority? { r.object("authority").flatMap { Authority($0) } }

// MARK: - institution_filing

/// The institution in a filing: an organisation with region, type, address, capacity (托位数)
/// and legal representative, all required.
public struct FiledInstitution: Sendable, Equatable {
    public let name: String, uscc: String, region: String
    public let type: InstitutionType
    public let address: String
    public let capacity: Int
    public let legalRepresentative: Person

    init?(_ r: ObjectReader) {
        r.allow(["name", "uscc", "region", "type", "address", "capacity", "legalRepresentative"])
        let name = r.string("name", maxLength: FieldLimit.organizationName)
        let uscc = r.uscc()
        let region = r.region(required: true)
        let type = r.enumValue("type", InstitutionType.self)
        let address = r.string("address", maxLength: FieldLimit.address)
        var capacity = r.integer("capacity")
        if let c = capacity, c <= 0 || c > Int64(Int32.max) {
            r.sink.add(r.at("capacity"), "range", "capacity (托位数) must be a positive integer")
            capacity = nil
        }
        let representative = r.object("legalRepresentative").flatMap { Person($0) }
        guard let name, let uscc, let region, let type, let address, let capacity, let representative else { return nil }
        (self.name, self.uscc, self.region, self.type, self.address, self.capacity, self.legalRepresentative) =
            (name, uscc, region, type, address, Int(capacity), representative)
    }
}

/// 登记备案. `remarks` is an optional addition.
public struct InstitutionFiling: Sendable, Equatable {
    public let action: FilingAction
    public let institution: FiledInstitution
    public let registrar: Organization
    public let filingNo: String
    public let filedAt: LocalDate
    public let authority: Authority
    public let remarks: String?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.institutionFiling.keys)
        let action = r.enumValue("action", FilingAction.self)
        let institution = r.object("institution").flatMap { FiledInstitution($0) }
        let registrar = r.object("registrar").flatMap { Organization($0) }
        let filingNo = r.string("filingNo", maxLength: FieldLimit.documentNumber)
        let filedAt = r.date("filedAt", notFuture: true)
        let authority = readAuthority(r)
        let remarks = readRemarks(r, "remarks")
        guard let action, let institution, let registrar, let filingNo, let filedAt, let authority, remarks.ok else { return nil }
        (self.action, self.institution, self.registrar, self.filingNo, self.filedAt, self.authority, self.remarks) =
            (action, institution, registrar, filingNo, filedAt, authority, remarks.value)
    }
}

// MARK: - inspection

public struct Finding: Sendable, Equatable {
    /// A snake_case code for the kind of finding (`video_retention`).
    public let code: String
    public let description: String
    public let severity: Severity

    init?(_ r: ObjectReader) {
        r.allow(["code", "description", "severity"])
        var code = r.string("code", maxLength: FieldLimit.findingCode)
        if let c = code, !c.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) || $0 == 0x5F }) || !(c.utf8.first.map { $0 >= 0x61 && $0 <= 0x7A } ?? false) {
            r.sink.add(r.at("code"), "pattern", "a finding code is snake_case: a lower-case letter, then lower-case letters, digits and _")
            code = nil
        }
        let description = r.string("description", maxLength: FieldLimit.facts)
        let severity = r.enumValue("severity", Severity.self)
        guard let code, let description, let severity else { return nil }
        (self.code, self.description, self.severity) = (code, description, severity)
    }
}

/// 行政检查. Rules: `areas` non-empty and distinct; `findings` present (may be empty for a
/// pass) and non-empty otherwise; `rectifyBy` required when the result is not `pass`, refused
/// when it is, and not before `inspectedAt`; at least one inspector. `dataSource` and `remarks`
/// are optional additions for the provincial 行政检查 layout. `followUpOf`, optional, is the
/// seq of the earlier record this inspection follows up (a rectification check); the
/// validator's cross-record rules check that it names an unrevoked record in the log.
public struct Inspection: Sendable, Equatable {
    public let institution: Organization
    public let authority: Authority
    public let inspectionNo: String
    public let inspectedAt: LocalDate
    public let type: InspectionType
    public let areas: [InspectionArea]
    public let result: InspectionResult
    public let findings: [Finding]
    public let rectifyBy: LocalDate?
    public let inspectors: [String]
    public let dataSource: Organization?
    public let remarks: String?
    public let followUpOf: UInt64?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.inspection.keys)
        let institution = r.object("institution").flatMap { Organization($0) }
        let authority = readAuthority(r)
        let inspectionNo = r.string("inspectionNo", maxLength: FieldLimit.documentNumber)
        let inspectedAt = r.date("inspectedAt", notFuture: true)
        let type = r.enumValue("type", InspectionType.self)
        let areas = r.enumArray("areas", InspectionArea.self)
        let result = r.enumValue("result", InspectionResult.self)
        var findings: [Finding]? = nil
        if let array = r.array("findings") {
            var list: [Finding] = []
            var ok = true
            for (i, item) in array.enumerated() {
                let p = r.at("findings") + "/\(i)"
                guard let object = item.objectValue else { r.sink.add(p, "type", "each finding must be an object"); ok = false; continue }
                if let f = Finding(ObjectReader(object: object, pointer: p, path: r.path + ["findings", "\(i)"], sink: r.sink)) { list.append(f) } else { ok = false }
            }
            if ok, let result, result != .pass, list.isEmpty {
                r.sink.add(r.at("findings"), "min_items", "findings must list at least one finding when the result is not pass")
                ok = false
            }
            findings = ok ? list : nil
        }
        var rectifyBy = r.date("rectifyBy", required: false)
        if let result {
            if result != .pass && !r.has("rectifyBy") {
                r.sink.add(r.at("rectifyBy"), "required", "rectifyBy is required when the result is not pass")
            } else if result == .pass && r.has("rectifyBy") {
                r.sink.add(r.at("rectifyBy"), "not_allowed", "rectifyBy is only for results that require rectification")
                rectifyBy = nil
            }
        }
        if let rectify = rectifyBy, let inspectedAt, rectify < inspectedAt {
            r.sink.add(r.at("rectifyBy"), "date_order", "rectifyBy must not be before inspectedAt")
            rectifyBy = nil
        }
        var inspectors: [String]? = nil
        if let array = r.array("inspectors") {
            var names: [String] = []
            var ok = true
            if array.isEmpty { r.sink.add(r.at("inspectors"), "min_items", "inspectors must name at least one inspector"); ok = false }
            for (i, item) in array.enumerated() {
                let p = r.at("inspectors") + "/\(i)"
                guard let name = item.stringValue else { r.sink.add(p, "type", "each inspector is a name string"); ok = false; continue }
                if name.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { r.sink.add(p, "empty", "an inspector's name must not be empty"); ok = false; continue }
                if characterCount(name) > FieldLimit.personName { r.sink.add(p, "max_length", "an inspector's name is limited to \(FieldLimit.personName) characters"); ok = false; continue }
                names.append(name)
            }
            inspectors = ok ? names : nil
        }
        let dataSource = r.object("dataSource", required: false).flatMap { Organization($0) }
        let remarks = readRemarks(r, "remarks")
        let followUpOf = readSeq(r, "followUpOf", required: false)
        let needsRectify = result.map { $0 != .pass } ?? false
        guard let institution, let authority, let inspectionNo, let inspectedAt, let type, let areas, let result, let findings,
              let inspectors, remarks.ok, dataSource != nil || !r.has("dataSource"), !needsRectify || rectifyBy != nil,
              followUpOf != nil || !r.has("followUpOf") else { return nil }
        (self.institution, self.authority, self.inspectionNo, self.inspectedAt, self.type, self.areas, self.result, self.findings) =
            (institution, authority, inspectionNo, inspectedAt, type, areas, result, findings)
        (self.rectifyBy, self.inspectors, self.dataSource, self.remarks, self.followUpOf) = (rectifyBy, inspectors, dataSource, remarks.value, followUpOf)
    }
}

// MARK: - penalty

/// Checks decidedAt ≤ validUntil and decidedAt ≤ publicUntil ≤ decidedAt + 3 years; returns
/// false when one of them is broken.
private func checkPublication(_ r: ObjectReader, decidedAt: LocalDate?, validUntil: LocalDate?, publicUntil: LocalDate?) -> Bool {
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
        } else if publicUntil > decidedAt.adding(years: 3) {
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
        let datesOK = checkPublication(r, decidedAt: decidedAt, validUntil: validUntil, publicUntil: publicUntil)
        let authority = readAuthority(r)
        let dataSource = r.object("dataSource").flatMap { Organization($0) }
        let remarks = readRemarks(r, "remarks")
        let optionalsOK = [("fineAmount", fineAmount != nil), ("confiscatedAmount", confiscatedAmount != nil), ("license", license != nil),
                           ("validUntil", validUntil != nil), ("publicUntil", publicUntil != nil)].allSatisfy { !r.has($0.0) || $0.1 }
        guard let party, let decisionNo, let violationType, let facts, let basis, let categories, let content, let decidedAt,
              let authority, let dataSource, remarks.ok, datesOK, optionalsOK,
              !has(.fine) || fineAmount != nil, !has(.confiscation) || confiscatedAmount != nil, !licenseNeeded || license != nil else { return nil }
        (self.party, self.decisionNo, self.violationType, self.facts, self.basis, self.categories, self.content) =
            (party, decisionNo, violationType, facts, basis, categories, content)
        (self.fineAmount, self.confiscatedAmount, self.license, self.decidedAt, self.validUntil, self.publicUntil) =
            (fineAmount, confiscatedAmount, license, decidedAt, validUntil, publicUntil)
        (self.authority, self.dataSource, self.remarks) = (authority, dataSource, remarks.value)
    }
}

// MARK: - enforcement

/// 行政强制. `content`, `dataSource` and `remarks` are optional additions for the provincial
/// 行政强制 layout.
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
        guard let party, let decisionNo, let measure, let facts, let basis, let decidedAt, let authority, remarks.ok,
              content != nil || !r.has("content"), dataSource != nil || !r.has("dataSource") else { return nil }
        (self.party, self.decisionNo, self.measure, self.facts, self.basis, self.decidedAt, self.authority) =
            (party, decisionNo, measure, facts, basis, decidedAt, authority)
        (self.content, self.dataSource, self.remarks) = (content, dataSource, remarks.value)
    }
}

// MARK: - judgment

/// 司法判决. `practiceBanUntil` (从业禁止), when given, must be after `decidedAt`.
public struct Judgment: Sendable, Equatable {
    public let person: Person
    public let court: Organization
    public let caseNo: String
    public let offence: String
    public let sentence: String
    public let decidedAt: LocalDate
    public let practiceBanUntil: LocalDate?
    public let authority: Authority

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
        guard let person, let court, let caseNo, let offence, let sentence, let decidedAt, let authority,
              banUntil != nil || !r.has("practiceBanUntil") else { return nil }
        (self.person, self.court, self.caseNo, self.offence, self.sentence, self.decidedAt, self.practiceBanUntil, self.authority) =
            (person, court, caseNo, offence, sentence, decidedAt, banUntil, authority)
    }
}

// MARK: - ban

/// 终身禁入 / 从业禁止. `until` is required (a date after `decidedAt`) when `scope` is
/// `until`; with `lifetime` it must be absent or null. `remarks` (BZ of the 失信名单 layout) is
/// an optional addition.
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
        guard let person, let role, let reason, let scope, let institution, let decisionNo, let decidedAt, let basis, let facts,
              let authority, remarks.ok, untilOK else { return nil }
        (self.person, self.role, self.reason, self.scope, self.until, self.institution, self.decisionNo, self.decidedAt) =
            (person, role, reason, scope, until, institution, decisionNo, decidedAt)
        (self.basis, self.facts, self.authority, self.remarks) = (basis, facts, authority, remarks.value)
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

// MARK: - revocation and credit_repair

/// A member naming a log seq (a revocation's target, an inspection's followUpOf).
private func readSeq(_ r: ObjectReader, _ key: String, required: Bool = true) -> UInt64? {
    guard let n = r.integer(key, required: required) else { return nil }
    guard n >= 0 else { r.sink.add(r.at(key), "range", "\(key) is a log seq, a non-negative integer"); return nil }
    return UInt64(n)
}

private func readTarget(_ r: ObjectReader) -> UInt64? { readSeq(r, "target") }

/// 撤销 / 更正: withdraws the record at `target`.
public struct Revocation: Sendable, Equatable {
    public let target: UInt64
    public let reason: RevocationReason
    public let decisionNo: String
    public let decidedAt: LocalDate
    public let authority: Authority
    public let notes: String?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.revocation.keys)
        let target = readTarget(r)
        let reason = r.enumValue("reason", RevocationReason.self)
        let decisionNo = r.string("decisionNo", maxLength: FieldLimit.documentNumber)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        let notes = readRemarks(r, "notes")
        guard let target, let reason, let decisionNo, let decidedAt, let authority, notes.ok else { return nil }
        (self.target, self.reason, self.decisionNo, self.decidedAt, self.authority, self.notes) = (target, reason, decisionNo, decidedAt, authority, notes.value)
    }
}

/// 信用修复: ends the publication of the record at `target` early (never deletes it).
/// `notes` is an optional addition.
public struct CreditRepair: Sendable, Equatable {
    public let target: UInt64
    public let decisionNo: String
    public let decidedAt: LocalDate
    public let authority: Authority
    public let notes: String?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.creditRepair.keys)
        let target = readTarget(r)
        let decisionNo = r.string("decisionNo", maxLength: FieldLimit.documentNumber)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        let notes = readRemarks(r, "notes")
        guard let target, let decisionNo, let decidedAt, let authority, notes.ok else { return nil }
        (self.target, self.decisionNo, self.decidedAt, self.authority, self.notes) = (target, decisionNo, decidedAt, authority, notes.value)
    }
}

// MARK: - Record

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
        }
    }

    /// The seq a revocation or credit repair acts on.
    public var target: UInt64? {
        switch self {
        case .revocation(let x): return x.target
        case .creditRepair(let x): return x.target
        default: return nil
        }
    }
}
