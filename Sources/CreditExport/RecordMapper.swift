import CreditRecords

/// What one record becomes in the national format.
public enum MappedRecord: Sendable, Equatable {
    /// A 新增 row.
    case row(ExportRow)
    /// It should be exported but cannot satisfy the national rules: the reason goes to
    /// rejects.jsonl. Reasons name fields, never their values (ID numbers stay out).
    case reject(String)
    /// A row about an organisation whose prose carries personal data (`PublicTextRule`):
    /// rejected as `personal_data`. The reason names columns, never values.
    case personalData(String)
    /// A kind the platform does not take (judgments, filings, annual reviews, unless the
    /// options include them).
    case notExported
    /// A revocation or credit repair: the exporter decides what it withdraws.
    case withdrawal(target: UInt64, Withdrawal)
}

/// The part of a revocation or credit repair a withdraw row uses.
public struct Withdrawal: Sendable, Equatable {
    public let decisionNo: String
    public let decidedAt: LocalDate
    public let authority: Authority
    /// 移出原因 for a 失信名单 removal.
    public let reason: String
    /// A repair the credit platform decided (`decidedBy: credit_platform`): the platform
    /// already has it, so nothing is sent back; the target only stops being on the platform.
    public var inbound = false
}

/// Maps typed records to rows (a pure function of the record, its seq and the options, so the
/// same range always gives the same bytes). The 2099-12-31 convention stands for "no end".
public enum RecordMapper {
    public static let noEnd = "2099-12-31"

    public static func map(_ record: Record, seq: UInt64, options: MappingOptions = MappingOptions()) -> MappedRecord {
        let row: ExportRow
        if !options.included.isEmpty, options.included.contains(record.kind) {
            switch record {
            case .judgment(let j): row = judgment(j, seq: seq)
            case .institutionFiling(let f): row = institutionFiling(f, seq: seq)
            case .annualReview(let a): row = annualReview(a, seq: seq)
            default: preconditionFailure("MappingOptions holds only optional kinds")
            }
            if let problem = RequiredFields.problem(in: row, record: record) { return .reject(problem) }
            if let problem = PublicTextRule.problem(in: row) { return .personalData(problem) }
            return .row(row)
        }
        switch record {
        case .penalty(let p): row = penalty(p, seq: seq)
        case .ban(let b): row = ban(b, seq: seq)
        case .inspection(let i): row = inspection(i, seq: seq)
        case .enforcement(let e): row = enforcement(e, seq: seq)
        case .revocation(let r):
            return .withdrawal(target: r.target, Withdrawal(decisionNo: r.decisionNo, decidedAt: r.decidedAt, authority: r.authority,
                                                            reason: r.reason.exportName))
        case .creditRepair(let c):
            return .withdrawal(target: c.target, Withdrawal(decisionNo: c.decisionNo, decidedAt: c.decidedAt, authority: c.authority,
                                                            reason: "信用修复", inbound: c.decidedBy == .creditPlatform))
        case .judgment, .institutionFiling, .annualReview:
            // Only with MappingOptions that include the kind (above).
            return .notExported
        case .erasure, .migration, .banConfirmation:
            // It names no one and is no credit record of the national catalogue.
            return .notExported
        }
        if let problem = RequiredFields.problem(in: row, record: record) { return .reject(problem) }
        if let problem = PublicTextRule.problem(in: row) { return .personalData(problem) }
        return .row(row)
    }

    /// The 撤回 row for `original` (a row exported before). A 失信名单 entry becomes its
    /// removal (状态 移出, with the removal decision's fields); the other families repeat the
    /// withdrawn row so the platform can match it by document number.
    public static func withdrawRow(of original: ExportRow, by withdrawal: Withdrawal, seq: UInt64) -> ExportRow {
        var row = original
        row.operation = .withdraw
        row.withdrawnBy = seq
        if row.family == .sxmd {
            for (column, value) in sxmdRemoval(withdrawal) { row.values[column] = value }
        }
        return row
    }

    /// The 失信名单 columns a removal (移出) fills, and their values (`ByteRow` uses them too).
    static func sxmdRemoval(_ withdrawal: Withdrawal) -> [(column: Int, value: String)] {
        [(removalColumns.reason, withdrawal.reason), (removalColumns.date, withdrawal.decidedAt.description),
         (removalColumns.document, withdrawal.decisionNo), (removalColumns.authority, withdrawal.authority.name),
         (removalColumns.status, "移出")]
    }

    private static let removalColumns = {
        func index(_ code: String) -> Int { Columns.sxmd.firstIndex { $0.code == code }! }
        return (reason: index("SX_YCYY"), date: index("SX_YCRQ"), document: index("SX_YCWH"), authority: index("SX_YCJG"), status: index("SX_ZT"))
    }()

    // MARK: families

    static func penalty(_ p: Penalty, seq: UInt64) -> ExportRow {
        let party = PartyFields(p.party)
        let has = { (c: PenaltyCategory) in p.categories.contains(c) }
        let values = [
            p.party.name, p.party.category.nationalName, party.uscc, party.registrationNo, party.organizationCode,
            party.taxRegistrationNo, party.publicInstitutionCertificateNo, party.socialOrganizationRegistrationNo,
            party.representativeName, party.representativeIdType, party.representativeIdNumber,
            party.personIdType, party.personIdNumber,
            p.decisionNo, p.violationType, p.facts, p.basis,
            p.categories.map(\.nationalName).joined(separator: ";"), p.content,
            // Amounts only where their category applies or the inspector gave one.
            p.fineAmount?.text ?? "", p.confiscatedAmount?.text ?? (has(.confiscation) ? "0" : ""), p.license ?? "",
            p.decidedAt.description, p.validUntil?.description ?? "",
            // Without publicUntil the publication runs the default of the rule in force (docs/records.md
            // "Publication periods"); a penalty not published at all gives its decision date.
            (p.publication.end ?? p.decidedAt).description,
            p.authority.name, p.authority.uscc, p.dataSource.name, p.dataSource.uscc, p.remarks ?? "",
        ]
        return ExportRow(family: .xzcf, values: values, sourceSeq: seq)
    }

    static func ban(_ b: Ban, seq: UInt64) -> ExportRow {
        let reason = "\(b.reason.exportName)（\(b.role.exportName)，\(b.scope.exportName)，\(b.institution.name)）：\(b.facts)"
        let values = [
            b.person.name, b.person.idType.nationalName, b.person.idNumber, reason, b.decidedAt.description, b.decisionNo,
            b.authority.name, b.authority.uscc, b.until?.description ?? noEnd,
            "", "", "", "", "列入", b.remarks ?? "",
        ]
        return ExportRow(family: .sxmd, values: values, sourceSeq: seq)
    }

    static func inspection(_ i: Inspection, seq: UInt64) -> ExportRow {
        let findings = i.findings.map { "\($0.description)（\($0.severity.exportName)）" }.joined(separator: ";")
        let source = i.dataSource ?? Organization(name: i.authority.name, uscc: i.authority.uscc, region: i.authority.region)
        let values = [
            i.institution.name, PartyCategory.organization.nationalName, i.institution.uscc, i.inspectionNo, i.type.exportName,
            i.areas.map(\.exportName).joined(separator: ";"), i.inspectedAt.description, i.result.exportName, findings,
            i.rectifyBy?.description ?? "", i.inspectors.joined(separator: ";"),
            i.authority.name, i.authority.uscc, source.name, source.uscc, i.remarks ?? "",
        ]
        return ExportRow(family: .xzjc, values: values, sourceSeq: seq)
    }

    static func enforcement(_ e: Enforcement, seq: UInt64) -> ExportRow {
        let party = PartyFields(e.party)
        let source = e.dataSource ?? Organization(name: e.authority.name, uscc: e.authority.uscc, region: e.authority.region)
        let values = [
            e.party.name, e.party.category.nationalName, party.uscc, party.registrationNo,
            party.representativeName, party.representativeIdType, party.representativeIdNumber, party.personIdType, party.personIdNumber,
            e.decisionNo, e.measure.exportName, e.facts, e.basis, e.content ?? e.measure.exportName, e.decidedAt.description,
            e.authority.name, e.authority.uscc, source.name, source.uscc, e.remarks ?? "",
        ]
        return ExportRow(family: .xzqz, values: values, sourceSeq: seq)
    }
}

/// A party's identifier columns: organisations and individual businesses fill the codes and
/// the legal representative; natural persons fill 证件类型 and 证件号码 only.
struct PartyFields {
    var uscc = "", registrationNo = "", organizationCode = "", taxRegistrationNo = ""
    var publicInstitutionCertificateNo = "", socialOrganizationRegistrationNo = ""
    var representativeName = "", representativeIdType = "", representativeIdNumber = ""
    var personIdType = "", personIdNumber = ""

    init(_ party: Party) {
        switch party {
        case .organization(let o), .individualBusiness(let o):
            uscc = o.uscc
            registrationNo = o.registrationNo ?? ""
            organizationCode = o.organizationCode ?? ""
            taxRegistrationNo = o.taxRegistrationNo ?? ""
            publicInstitutionCertificateNo = o.publicInstitutionCertificateNo ?? ""
            socialOrganizationRegistrationNo = o.socialOrganizationRegistrationNo ?? ""
            representativeName = o.legalRepresentative.name
            representativeIdType = o.legalRepresentative.idType.nationalName
            representativeIdNumber = o.legalRepresentative.idNumber
        case .person(let p):
            personIdType = p.idType.nationalName
            personIdNumber = p.idNumber
        }
    }
}
