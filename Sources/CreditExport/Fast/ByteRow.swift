/// A 新增 row held as UTF-8 bytes (one buffer and the end of each value), so the fast path
/// goes from entry bytes to file bytes without a `String` per field. It encodes exactly as
/// `ExportRow` does through `CSVEncoding` and `JSONLinesEncoding` (tests compare the two).
struct ByteRow {
    let family: ExportFamily
    let sourceSeq: UInt64
    private(set) var storage: [UInt8] = []
    private(set) var ends: [Int] = []

    init(family: ExportFamily, sourceSeq: UInt64) {
        self.family = family
        self.sourceSeq = sourceSeq
        storage.reserveCapacity(1024)
        ends.reserveCapacity(family.columns.count)
    }

    var count: Int { ends.count }

    func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// Starts a value; bytes appended to `storage` until `end()` belong to it.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { storage.append(contentsOf: $0) }
        ends.append(storage.count)
    }

    mutating func appendEmpty() { ends.append(storage.count) }

    /// Builds one value from pieces (joined lists, composed reasons).
    mutating func build(_ body: (inout [UInt8]) -> Bool) -> Bool {
        guard body(&storage) else { return false }
        ends.append(storage.count)
        return true
    }

    // MARK: encoding

    func appendCSV(to out: inout [UInt8]) {
        storage.withUnsafeBufferPointer { buffer in
            for i in 0..<ends.count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                CSVEncoding.appendField(bytes: UnsafeBufferPointer(rebasing: buffer[range(i)]), to: &out)
            }
        }
        // OPERATION, SOURCE_SEQ, WITHDRAWN_BY (empty on a 新增 row).
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: Self.added)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: String(sourceSeq).utf8)
        out.append(contentsOf: [UInt8(ascii: ","), 0x0D, 0x0A])
    }

    func appendJSONLine(to out: inout [UInt8]) {
        let keys = Self.jsonKeys[family]!
        out.append(UInt8(ascii: "{"))
        storage.withUnsafeBufferPointer { buffer in
            for i in 0..<ends.count {
                out.append(contentsOf: keys[i])
                JSONLinesEncoding.appendString(bytes: UnsafeBufferPointer(rebasing: buffer[range(i)]), to: &out)
                out.append(UInt8(ascii: ","))
            }
        }
        out.append(contentsOf: Self.operationKey)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: Self.added)
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ",")])
        out.append(contentsOf: Self.sourceSeqKey)
        out.append(contentsOf: String(sourceSeq).utf8)
        out.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
    }

    /// The same value as `ExportRow`, for withdrawals and tests.
    var exportRow: ExportRow {
        ExportRow(family: family, values: (0..<ends.count).map { String(decoding: storage[range($0)], as: UTF8.self) }, sourceSeq: sourceSeq)
    }

    private static let added = Array(ExportOperation.add.rawValue.utf8)
    private static let operationKey = Array("\"OPERATION\":".utf8)
    private static let sourceSeqKey = Array("\"SOURCE_SEQ\":".utf8)
    /// `"CODE":` per column, per family.
    private static let jsonKeys: [ExportFamily: [[UInt8]]] = Dictionary(uniqueKeysWithValues: ExportFamily.allCases.map { family in
        (family, family.columns.map { Array("\"\($0.code)\":".utf8) })
    })

    // MARK: national rules

    /// True when every rule of `RequiredFields` holds: the unconditional required columns,
    /// `extraRequired`, and the length limits. On false the caller takes the full path, which
    /// words the reason.
    func satisfiesNationalRules(extraRequired: [Int]) -> Bool {
        storage.withUnsafeBufferPointer { buffer in
            family.columns.enumerated().allSatisfy { i, column in
                let value = UnsafeBufferPointer(rebasing: buffer[range(i)])
                if column.required || extraRequired.contains(i), RequiredFields.isBlank(bytes: value) { return false }
                return column.maxLength.map { !RequiredFields.isLonger(value, than: $0) } ?? true
            }
        }
    }
}
