/// The record families a batch carries (docs/records.md "Export batch layout"): the national
/// platform's four (`national`, in every batch), and the project-defined `sfpj`, `djba` and
/// `ndsh`, only in batches made with `MappingOptions` that include their kind. Raw values are
/// the file stems (`xzcf.csv`, `xzcf.jsonl`).
public enum ExportFamily: String, CaseIterable, Sendable, Codable, Comparable {
    case xzcf, sxmd, xzjc, xzqz
    /// 司法判决, 登记备案, 年审 (ExtraFamilies.swift).
    case sfpj, djba, ndsh

    public var chineseName: String {
        switch self {
        case .xzcf: return "行政处罚"
        case .sxmd: return "失信名单"
        case .xzjc: return "行政检查"
        case .xzqz: return "行政强制"
        case .sfpj: return "司法判决"
        case .djba: return "登记备案"
        case .ndsh: return "年审"
        }
    }

    /// The platform's own columns, in file order; the bookkeeping columns follow them.
    public var columns: [Column] {
        switch self {
        case .xzcf: return Columns.xzcf
        case .sxmd: return Columns.sxmd
        case .xzjc: return Columns.xzjc
        case .xzqz: return Columns.xzqz
        case .sfpj: return Columns.sfpj
        case .djba: return Columns.djba
        case .ndsh: return Columns.ndsh
        }
    }

    /// The position in `allCases`, for tables indexed by family on the export's hot path.
    var ordinal: Int {
        switch self {
        case .xzcf: return 0
        case .sxmd: return 1
        case .xzjc: return 2
        case .xzqz: return 3
        case .sfpj: return 4
        case .djba: return 5
        case .ndsh: return 6
        }
    }

    /// Platform columns plus OPERATION, SOURCE_SEQ and WITHDRAWN_BY.
    public var allColumns: [Column] { columns + Columns.bookkeeping }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// 操作类型: a new record, or the withdrawal of one exported before.
public enum ExportOperation: String, Sendable, Codable {
    case add = "新增"
    case withdraw = "撤回"
}

/// One column: the platform's field code (JSON key), its Chinese name (CSV header), the
/// longest value the platform takes (in Unicode scalars; nil = no limit, or a date/decimal)
/// and whether the national rules require it. `required` covers only the unconditional
/// rules; the conditional ones (by party category or penalty category) live in the mapper.
public struct Column: Sendable, Equatable {
    public let code: String
    public let header: String
    public let maxLength: Int?
    public let required: Bool

    public init(_ code: String, _ header: String, _ maxLength: Int? = nil, required: Bool = false) {
        self.code = code
        self.header = header
        self.maxLength = maxLength
        self.required = required
    }
}
