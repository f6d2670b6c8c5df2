/// One row of a family file: the platform columns' values in `family.columns` order ("" for
/// an empty field), and the bookkeeping the exactly-once rules need.
public struct ExportRow: Sendable, Equatable {
    public let family: ExportFamily
    public var values: [String]
    public var operation: ExportOperation
    /// The seq of the record the row is about (for a withdrawal: the withdrawn record).
    public var sourceSeq: UInt64
    /// For a withdrawal: the seq of the revocation or credit repair.
    public var withdrawnBy: UInt64?

    public init(family: ExportFamily, values: [String], operation: ExportOperation = .add, sourceSeq: UInt64, withdrawnBy: UInt64? = nil) {
        precondition(values.count == family.columns.count, "a \(family) row has \(family.columns.count) values")
        self.family = family
        self.values = values
        self.operation = operation
        self.sourceSeq = sourceSeq
        self.withdrawnBy = withdrawnBy
    }

    /// The value of the column with `code`, for tests and checks.
    public subscript(code: String) -> String? {
        switch code {
        case "OPERATION": return operation.rawValue
        case "SOURCE_SEQ": return String(sourceSeq)
        case "WITHDRAWN_BY": return withdrawnBy.map(String.init) ?? ""
        default: return family.columns.firstIndex { $0.code == code }.map { values[$0] }
        }
    }
}
