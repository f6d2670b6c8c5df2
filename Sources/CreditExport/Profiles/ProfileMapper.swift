import CreditRecords
import Glibc

/// One cell of a profile's upload file: text (codes, ID numbers and dates stay text, so a
/// spreadsheet never turns them into numbers), a number (amounts in 万元, kept as the
/// record's decimal text until the writer), or empty.
public enum ProfileCell: Sendable, Equatable {
    case text(String)
    case number(String)
    case empty
}

/// A row of one of a profile's templates.
public struct ProfiledRow: Sendable, Equatable {
    public let family: ExportFamily
    /// The index of the template in `profile.families[family]`.
    public let template: Int
    public var cells: [ProfileCell]
    public let sourceSeq: UInt64
}

public enum ProfileMapping: Sendable, Equatable {
    case row(ProfiledRow)
    /// Not reported to this target (a 简易程序 penalty under a 双公示 profile): counted as
    /// not exported, like a kind the platform does not take.
    case excluded
    case reject(String)
}

/// Turns the project's row (`RecordMapper`, whose output the csv-2.0 profile writes as it
/// is) into a profile's template row: the columns the template lists, in its order, with
/// the profile's value rules. A pure function of (row, record, profile), so a range always
/// gives the same files.
public enum ProfileMapper {
    /// The legal representative's ID columns: left empty unless the profile asks (信用宝鸡's
    /// guide: "不是必填项, 不推荐选择和填写").
    static let representativeID: Set<String> = ["CF_FR_ZJLX", "CF_FR_ZJHM", "QZ_FR_ZJLX", "QZ_FR_ZJHM"]

    public static func map(_ row: ExportRow, record: Record, profile: ExportProfile) -> ProfileMapping {
        var summary = false
        if case .penalty(let p) = record { summary = p.procedure == .summary }
        return map(row, summaryProcedure: summary, profile: profile)
    }

    /// The same from the row alone (party category and credit code are columns of it) and
    /// whether the penalty was decided under the 简易程序, so the fast path needs no record.
    /// The rules are `ProfileByteMapper`'s, on the row's bytes.
    static func map(_ row: ExportRow, summaryProcedure: Bool, profile: ExportProfile) -> ProfileMapping {
        var bytes = ByteRow(family: row.family, sourceSeq: row.sourceSeq)
        for value in row.values { bytes.append(value) }
        var cells = [UInt8]()
        switch ProfileByteMapper.map(bytes, summaryProcedure: summaryProcedure, profile: profile, into: &cells) {
        case .row(let template):
            let decoded = cells.withUnsafeBufferPointer { CellBytes.cells($0) }
            return .row(ProfiledRow(family: row.family, template: template, cells: decoded, sourceSeq: row.sourceSeq))
        case .excluded: return .excluded
        case .reject(let reason): return .reject(reason)
        }
    }

    /// The row withdrawing `original` on a flag channel: the same cells, the flag turned.
    static func flagged(_ original: ProfiledRow, profile: ExportProfile) -> ProfiledRow {
        guard case .flag(_, _, let withdraw) = profile.withdrawals,
              let i = profile.families[original.family]?[original.template].columns.firstIndex(where: { $0.code == ProfileFiles.flagCode }) else {
            return original
        }
        var row = original
        row.cells[i] = .text(withdraw)
        return row
    }

    /// Where the party's category and credit code are in a row (looked up once, not per row).
    static let xzcfCategory = ExportFamily.xzcf.columns.firstIndex { $0.code == "CF_XDR_LB" }!
    static let xzqzCategory = ExportFamily.xzqz.columns.firstIndex { $0.code == "QZ_XDR_LB" }!
    static let xzcfCode = ExportFamily.xzcf.columns.firstIndex { $0.code == "CF_XDR_SHXYM" }!
    static let xzqzCode = ExportFamily.xzqz.columns.firstIndex { $0.code == "QZ_XDR_SHXYM" }!

    /// `"procedure":"summary"` in a stored entry: canonical JSON escapes every quote inside a
    /// string, so these bytes occur only as the member itself, and the fast path has already
    /// checked that no nested object of a penalty has a `procedure` member.
    static func isSummaryProcedure(_ entry: [UInt8]) -> Bool {
        // memchr to each quote, then one memcmp (memmem is not in Glibc's Swift module).
        entry.withUnsafeBytes { hay in
            summaryNeedle.withUnsafeBytes { needle in
                guard var at = hay.baseAddress, hay.count >= needle.count else { return false }
                let last = hay.baseAddress! + (hay.count - needle.count)
                while at <= last, let quote = memchr(at, 0x22, last - at + 1) {
                    if memcmp(quote, needle.baseAddress!, needle.count) == 0 { return true }
                    at = UnsafeRawPointer(quote) + 1
                }
                return false
            }
        }
    }

    private static let summaryNeedle: [UInt8] = Array(#""procedure":"summary""#.utf8)

    /// A `92…` credit code is an individual business's (GB 32100: 登记管理部门 9, 机构类别 2),
    /// and platforms refuse the upload otherwise (信用宝鸡's checks). Validation enforces it
    /// at append; records appended before the rule are held back here, naming the column.
    static func creditCodeProblem(_ row: ExportRow, _ party: PartyCategory?) -> String? {
        let column: String, uscc: String
        switch row.family {
        case .xzcf: (column, uscc) = ("CF_XDR_SHXYM", row.values[Self.xzcfCode])
        case .xzqz: (column, uscc) = ("QZ_XDR_SHXYM", row.values[Self.xzqzCode])
        default: return nil
        }
        switch party {
        case .organization? where uscc.hasPrefix("92"):
            return "\(column) (行政相对人代码_1): a credit code starting 92 belongs to a 个体工商户, but the party category is 法人及非法人组织"
        case .individualBusiness? where !uscc.hasPrefix("92") && uscc != "00000000000000000X":
            return "\(column) (行政相对人代码_1): a 个体工商户's credit code starts 92"
        default: return nil
        }
    }
}

/// A withdrawal on a list channel: one line of `<family>-withdrawals`, for the platform's
/// 撤销/修改 route (the original's document number, party and date to find it; what withdraws it).
enum WithdrawalList {
    static let headers = ["原决定书文号", "行政相对人名称", "原决定日期", "操作", "原因", "撤回决定书文号", "撤回决定日期", "撤回机关", "撤回机关统一社会信用代码"]

    /// The original's document number, party name and decision date, by family.
    private static func keys(_ family: ExportFamily) -> (doc: String, name: String, date: String) {
        switch family {
        case .xzcf: return ("CF_WSH", "CF_XDR_MC", "CF_JDRQ")
        case .sxmd: return ("SX_LRWH", "SX_MC", "SX_LRRQ")
        case .xzjc: return ("JC_WSH", "JC_XDR_MC", "JC_RQ")
        case .xzqz: return ("QZ_WSH", "QZ_XDR_MC", "QZ_JDRQ")
        case .sfpj: return ("PJ_AH", "PJ_XM", "PJ_PJRQ")
        case .djba: return ("BA_BH", "BA_JGMC", "BA_RQ")
        case .ndsh: return ("NS_SHXYM", "NS_JGMC", "NS_RQ")
        }
    }

    static func cells(original: ExportRow, _ w: Withdrawal, kind: RecordKind) -> [ProfileCell] {
        let k = keys(original.family)
        let values = [original[k.doc] ?? "", original[k.name] ?? "", original[k.date] ?? "",
                      kind == .creditRepair ? "信用修复" : "撤销", w.reason, w.decisionNo, w.decidedAt.description,
                      w.authority.name, w.authority.uscc]
        return values.map { $0.isEmpty ? .empty : .text($0) }
    }
}
