import CreditRecords

/// A 新增 row held as UTF-8 bytes (one buffer and the end of each value), so the fast path
/// goes from entry bytes to file bytes without a `String` per field. It encodes exactly as
/// `ExportRow` does through `CSVEncoding` and `JSONLinesEncoding` (tests compare the two).
struct ByteRow {
    let family: ExportFamily
    let sourceSeq: UInt64
    /// Set on a 撤回 row: the seq of the revocation or credit repair.
    private(set) var withdrawnBy: UInt64?
    private(set) var storage: [UInt8] = []
    private(set) var ends: [Int] = []

    init(family: ExportFamily, sourceSeq: UInt64) {
        self.family = family
        self.sourceSeq = sourceSeq
    }

    /// Builds in the caller's buffers (emptied, capacity kept): `FastRecordMapper.Scratch`
    /// lends them for one entry so rows allocate nothing.
    mutating func adopt(_ storage: inout [UInt8], _ ends: inout [Int]) {
        swap(&self.storage, &storage)
        swap(&self.ends, &ends)
        self.storage.removeAll(keepingCapacity: true)
        self.ends.removeAll(keepingCapacity: true)
    }

    /// Gives the buffers back; the row is empty afterwards.
    mutating func release(_ storage: inout [UInt8], _ ends: inout [Int]) {
        swap(&self.storage, &storage)
        swap(&self.ends, &ends)
    }

    var count: Int { ends.count }

    func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// The values as strings, for a target profile's mapping.
    func strings() -> [String] {
        storage.withUnsafeBufferPointer { b in (0..<ends.count).map { String(decoding: UnsafeBufferPointer(rebasing: b[range($0)]), as: UTF8.self) } }
    }

    /// Appends one value.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { storage.append(contentsOf: $0) }
        ends.append(storage.count)
    }

    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        storage.append(contentsOf: bytes)
        ends.append(storage.count)
    }

    /// A date as `YYYY-MM-DD` (what `LocalDate.description` gives, without a String).
    mutating func append(date: LocalDate) {
        func digits(_ n: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 { storage.append(UInt8(ascii: "0") + UInt8(n / divisor % 10)); divisor /= 10 }
        }
        digits(date.year, 4)
        storage.append(UInt8(ascii: "-"))
        digits(date.month, 2)
        storage.append(UInt8(ascii: "-"))
        digits(date.day, 2)
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

    /// The CSV line and then the JSON line appended to `out` in one piece, encoded in `room`
    /// (the caller's, grown when a row needs more); answers the CSV line's length.
    func appendEncodings(to out: inout [UInt8], room: inout [UInt8]) -> Int {
        let layout = Self.layouts[family.ordinal]
        // At most: a byte doubled in CSV and six bytes in JSON (\u00XX), per value its quotes
        // and separators, every JSON key, and the bookkeeping columns with two 20-digit seqs.
        let bound = 8 * storage.count + 8 * ends.count + layout.jsonKeyBytes.count + 256
        if room.count < bound { room = [UInt8](repeating: 0, count: max(bound, 2 * room.count)) }
        let (csv, total) = room.withUnsafeMutableBufferPointer { r -> (Int, Int) in
            var sink = PointerSink(UnsafeMutableBufferPointer(rebasing: r[..<bound]))
            appendCSV(to: &sink)
            let csv = sink.written
            appendJSONLine(to: &sink)
            return (csv, sink.written)
        }
        room.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<total])) }
        return csv
    }

    func appendCSV<Sink: ByteSink>(to out: inout Sink) {
        storage.withUnsafeBufferPointer { buffer in
            for i in 0..<ends.count {
                if i > 0 { out.put(UInt8(ascii: ",")) }
                CSVEncoding.appendField(bytes: UnsafeBufferPointer(rebasing: buffer[range(i)]), to: &out)
            }
        }
        // OPERATION, SOURCE_SEQ, WITHDRAWN_BY (empty on a 新增 row).
        out.put(UInt8(ascii: ","))
        out.put(withdrawnBy == nil ? Self.added : Self.withdrawn)
        out.put(UInt8(ascii: ","))
        out.put(decimal: sourceSeq)
        out.put(UInt8(ascii: ","))
        if let withdrawnBy { out.put(decimal: withdrawnBy) }
        out.put(0x0D)
        out.put(0x0A)
    }

    func appendJSONLine<Sink: ByteSink>(to out: inout Sink) {
        let layout = Self.layouts[family.ordinal]
        out.put(UInt8(ascii: "{"))
        // The keys from one flat buffer: an array per key cost a retain and a release per
        // column, which perf put at ~5 % of the export's CPU.
        layout.jsonKeyBytes.withUnsafeBufferPointer { keys in
            storage.withUnsafeBufferPointer { buffer in
                for i in 0..<ends.count {
                    out.put(UnsafeBufferPointer(rebasing: keys[(i == 0 ? 0 : layout.jsonKeyEnds[i - 1])..<layout.jsonKeyEnds[i]]))
                    JSONLinesEncoding.appendString(bytes: UnsafeBufferPointer(rebasing: buffer[range(i)]), to: &out)
                    out.put(UInt8(ascii: ","))
                }
            }
        }
        out.put(Self.operationKey)
        out.put(UInt8(ascii: "\""))
        out.put(withdrawnBy == nil ? Self.added : Self.withdrawn)
        out.put(UInt8(ascii: "\""))
        out.put(UInt8(ascii: ","))
        out.put(Self.sourceSeqKey)
        out.put(decimal: sourceSeq)
        if let withdrawnBy {
            out.put(UInt8(ascii: ","))
            out.put(Self.withdrawnByKey)
            out.put(decimal: withdrawnBy)
        }
        out.put(UInt8(ascii: "}"))
        out.put(0x0A)
    }

    /// This row's 撤回 (RecordMapper.withdrawRow, on bytes): the same values, and for a
    /// 失信名单 entry its removal (移出) filled in from the withdrawal.
    func withdrawn(by withdrawal: Withdrawal, seq: UInt64) -> ByteRow {
        var row = ByteRow(family: family, sourceSeq: sourceSeq)
        row.withdrawnBy = seq
        let removal = family == .sxmd ? RecordMapper.sxmdRemoval(withdrawal) : []
        storage.withUnsafeBufferPointer { buffer in
            for i in 0..<ends.count {
                if let value = removal.first(where: { $0.column == i })?.value {
                    row.append(value)
                } else {
                    row.append(bytes: UnsafeBufferPointer(rebasing: buffer[range(i)]))
                }
            }
        }
        return row
    }

    /// The same value as `ExportRow`, for tests.
    var exportRow: ExportRow {
        var row = ExportRow(family: family, values: (0..<ends.count).map { String(decoding: storage[range($0)], as: UTF8.self) }, sourceSeq: sourceSeq)
        if let withdrawnBy { row.operation = .withdraw; row.withdrawnBy = withdrawnBy }
        return row
    }

    private static let added = Array(ExportOperation.add.rawValue.utf8)
    private static let withdrawn = Array(ExportOperation.withdraw.rawValue.utf8)
    private static let withdrawnByKey = Array("\"WITHDRAWN_BY\":".utf8)
    private static let operationKey = Array("\"OPERATION\":".utf8)
    private static let sourceSeqKey = Array("\"SOURCE_SEQ\":".utf8)

    /// What a row needs of its family's columns, by `ExportFamily.ordinal`, so a row reads
    /// plain arrays instead of copying each `Column` (and retaining its strings).
    private struct Layout {
        /// `"CODE":` of every column, one after the other; column i's ends at `jsonKeyEnds[i]`.
        let jsonKeyBytes: [UInt8]
        let jsonKeyEnds: [Int]
        let required: [Bool]
        /// In Unicode scalars; Int.max where there is no limit.
        let maxLength: [Int]
    }

    private static let layouts: [Layout] = ExportFamily.allCases.map { family in
        var keys: [UInt8] = [], ends: [Int] = []
        for column in family.columns {
            keys += Array("\"\(column.code)\":".utf8)
            ends.append(keys.count)
        }
        return Layout(jsonKeyBytes: keys, jsonKeyEnds: ends, required: family.columns.map(\.required),
                      maxLength: family.columns.map { $0.maxLength ?? Int.max })
    }

    // MARK: national rules

    /// True when every rule of `RequiredFields` holds: the unconditional required columns,
    /// `extraRequired`, and the length limits. On false the caller takes the full path, which
    /// words the reason.
    func satisfiesNationalRules(extraRequired: [Int]) -> Bool {
        let layout = Self.layouts[family.ordinal]
        guard ends.count == layout.required.count else { return false }
        return storage.withUnsafeBufferPointer { buffer in
            for i in 0..<ends.count {
                let value = UnsafeBufferPointer(rebasing: buffer[range(i)])
                if layout.required[i] || extraRequired.contains(i), RequiredFields.isBlank(bytes: value) { return false }
                if RequiredFields.isLonger(value, than: layout.maxLength[i]) { return false }
            }
            // Prose that might hold an identifier, on a row about an organisation: the full
            // path decides and words the rejection (`PublicTextRule`).
            for i in PublicTextRule.textColumns[family.ordinal] {
                let value = UnsafeBufferPointer(rebasing: buffer[range(i)])
                guard PublicTextRule.mayHoldIdentifier(value), PersonalDataScan.find(in: String(decoding: value, as: UTF8.self)) != nil else { continue }
                let category = PublicTextRule.categoryColumn[family.ordinal].map { String(decoding: UnsafeBufferPointer(rebasing: buffer[range($0)]), as: UTF8.self) }
                if PublicTextRule.isAboutOrganization(family: family, category: { category }) { return false }
            }
            return true
        }
    }
}
