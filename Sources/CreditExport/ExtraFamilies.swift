import Foundation
import CreditRecords

/// Which record kinds beyond the national four families an export maps. Judgments, filings
/// and annual reviews have no layout on the national platform and are not exported by
/// default (docs/records.md "Export details"); a provincial platform that takes them gets them with
/// `careledger export --include …` (docs/export.md, "Optional families"). The mapping is a
/// pure function of (record, seq, options), so the same range with the same options always
/// gives the same bytes; a spool keeps one setting for its whole life (`Exporter` refuses a
/// run with another one).
public struct MappingOptions: Sendable, Hashable {
    /// The kinds that can be included, in the order `--include` lists them in messages.
    public static let optionalKinds: [RecordKind] = [.judgment, .institutionFiling, .annualReview]

    /// A subset of `optionalKinds`.
    public let included: Set<RecordKind>

    /// Nothing beyond the national families: today's batches, byte for byte.
    public init() { included = [] }

    /// Throws `ExportError.configuration` for a kind that is not optional (penalties, bans,
    /// inspections and enforcements are always exported; revocations and repairs are not rows).
    public init(including kinds: some Sequence<RecordKind>) throws {
        let set = Set(kinds)
        if let wrong = set.first(where: { !Self.optionalKinds.contains($0) }) {
            throw ExportError.configuration("\(wrong.rawValue) cannot be included: only \(Self.optionalNames) can")
        }
        included = set
    }

    /// Parses `--include` values: each a kind name or a comma-separated list of them. An unknown
    /// or non-optional name throws `ExportError.configuration` naming `flag`.
    public static func parse(_ values: [String], flag: String = "--include") throws -> MappingOptions {
        var kinds = Set<RecordKind>()
        for value in values {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingCharacters(in: .whitespaces)
                guard let kind = RecordKind(rawValue: name), optionalKinds.contains(kind) else {
                    throw ExportError.configuration("\(flag): unknown kind \"\(name)\"; it takes \(optionalNames) (comma-separated)")
                }
                kinds.insert(kind)
            }
        }
        return try MappingOptions(including: kinds)
    }

    static var optionalNames: String { optionalKinds.map(\.rawValue).joined(separator: ", ") }

    /// The included kinds' names, sorted: how the manifest and the cursor record them.
    public var names: [String] { included.map(\.rawValue).sorted() }

    /// From `names` as stored; nil if one is not an optional kind.
    init?(names: [String]) {
        let kinds = names.compactMap(RecordKind.init(rawValue:))
        guard kinds.count == names.count, let options = try? MappingOptions(including: kinds) else { return nil }
        self = options
    }

    /// The families a batch made with these options holds, in file order.
    public var families: [ExportFamily] {
        (ExportFamily.national + included.map(ExportFamily.init(optionalKind:))).sorted()
    }

    /// Human wording for messages: "none" or the names.
    var summary: String { included.isEmpty ? "none" : names.joined(separator: ",") }
}

extension ExportFamily {
    /// The families every batch holds: the national platform's layouts.
    public static let national: [ExportFamily] = [.xzcf, .sxmd, .xzjc, .xzqz]

    init(optionalKind kind: RecordKind) {
        switch kind {
        case .judgment: self = .sfpj
        case .institutionFiling: self = .djba
        case .annualReview: self = .ndsh
        default: preconditionFailure("\(kind) is not an optional kind")
        }
    }
}

extension Columns {
    /// 司法判决 (judgments): the person, the court's case, offence and sentence, and the
    /// authority that recorded it as the data source.
    public static let sfpj: [Column] = [
        Column("PJ_XM", "姓名", 200, required: true),
        Column("PJ_ZJLX", "证件类型", 64, required: true),
        Column("PJ_ZJHM", "证件号码", 64, required: true),
        Column("PJ_AH", "案号", 128, required: true),
        Column("PJ_ZM", "罪名", 2000, required: true),
        Column("PJ_XF", "判处刑罚", 2000, required: true),
        Column("PJ_PJRQ", "判决日期", required: true),
        Column("PJ_CYJZ", "从业禁止期限至"),
        Column("PJ_FY", "审判法院", 200, required: true),
        Column("PJ_FYDM", "审判法院统一社会信用代码", 18, required: true),
        Column("PJ_SJLY", "数据来源单位", 200, required: true),
        Column("PJ_SJLYDM", "数据来源单位统一社会信用代码", 18, required: true),
        Column("BZ", "备注", 512),
    ]

    /// 登记备案 (institution filings): the institution as filed, the action, filing number
    /// and date, the registrar and the 备案 authority.
    public static let djba: [Column] = [
        Column("BA_JGMC", "机构名称", 200, required: true),
        Column("BA_SHXYM", "统一社会信用代码", 18, required: true),
        Column("BA_JGXZ", "机构性质", 64, required: true),
        Column("BA_XZQH", "所在行政区划代码", 6, required: true),
        Column("BA_DZ", "机构地址", 200, required: true),
        Column("BA_TWS", "托位数", required: true),
        Column("BA_FRDB", "法定代表人", 50, required: true),
        Column("BA_FR_ZJLX", "法定代表人证件类型", 64, required: true),
        Column("BA_FR_ZJHM", "法定代表人证件号码", 64, required: true),
        Column("BA_LX", "备案类型", required: true),
        Column("BA_BH", "备案编号", 128, required: true),
        Column("BA_RQ", "备案日期", required: true),
        Column("BA_DJJG", "登记机关", 200, required: true),
        Column("BA_DJJGDM", "登记机关统一社会信用代码", 18, required: true),
        Column("BA_BAJG", "备案机关", 200, required: true),
        Column("BA_BAJGDM", "备案机关统一社会信用代码", 18, required: true),
        Column("BZ", "备注", 512),
    ]

    /// 年审 (annual reviews): the institution, the year reviewed, the result and the authority.
    public static let ndsh: [Column] = [
        Column("NS_JGMC", "机构名称", 200, required: true),
        Column("NS_SHXYM", "统一社会信用代码", 18, required: true),
        Column("NS_ND", "年审年度", required: true),
        Column("NS_JG", "年审结果", required: true),
        Column("NS_RQ", "年审日期", required: true),
        Column("NS_SHJG", "年审机关", 200, required: true),
        Column("NS_SHJGDM", "年审机关统一社会信用代码", 18, required: true),
        Column("BZ", "备注", 512),
    ]
}

extension FilingAction {
    var exportName: String {
        switch self {
        case .filed: return "备案"
        case .changed: return "变更"
        case .deregistered: return "注销"
        }
    }
}

extension InstitutionType {
    var exportName: String {
        switch self {
        case .forProfit: return "营利性"
        case .nonProfit: return "非营利性"
        case .publicInstitution: return "事业单位"
        }
    }
}

extension ReviewResult {
    var exportName: String {
        switch self {
        case .pass: return "合格"
        case .fail: return "不合格"
        }
    }
}

extension RecordMapper {
    static func judgment(_ j: Judgment, seq: UInt64) -> ExportRow {
        let values = [
            j.person.name, j.person.idType.nationalName, j.person.idNumber, j.caseNo, j.offence, j.sentence,
            j.decidedAt.description, j.practiceBanUntil?.description ?? "",
            j.court.name, j.court.uscc, j.authority.name, j.authority.uscc, "",
        ]
        return ExportRow(family: .sfpj, values: values, sourceSeq: seq)
    }

    static func institutionFiling(_ f: InstitutionFiling, seq: UInt64) -> ExportRow {
        let i = f.institution
        let values = [
            i.name, i.uscc, i.type.exportName, i.region, i.address, String(i.capacity),
            i.legalRepresentative.name, i.legalRepresentative.idType.nationalName, i.legalRepresentative.idNumber,
            f.action.exportName, f.filingNo, f.filedAt.description,
            f.registrar.name, f.registrar.uscc, f.authority.name, f.authority.uscc, f.remarks ?? "",
        ]
        return ExportRow(family: .djba, values: values, sourceSeq: seq)
    }

    static func annualReview(_ a: AnnualReview, seq: UInt64) -> ExportRow {
        let values = [
            a.institution.name, a.institution.uscc, String(a.year), a.result.exportName, a.reviewedAt.description,
            a.authority.name, a.authority.uscc, a.notes ?? "",
        ]
        return ExportRow(family: .ndsh, values: values, sourceSeq: seq)
    }
}
