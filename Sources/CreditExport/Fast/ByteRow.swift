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
                let value = UnsafeBufferPointer(rebasing: buffer[range(i)])
                if value.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }) {
                    out.append(UInt8(ascii: "\""))
                    for b in value {
                        if b == UInt8(ascii: "\"") { out.append(b) }
                        out.append(b)
                    }
                    out.append(UInt8(ascii: "\""))
                } else {
                    out.append(contentsOf: value)
                }
            }
        }
        // OPERATION, SOURCE_SEQ, WITHDRAWN_BY (empty on a 新增 row).
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: Self.added)
        out.append(UInt8(ascii: ","))
        Self.appendDecimal(sourceSeq, to: &out)
        out.append(contentsOf: [UInt8(ascii: ","), 0x0D, 0x0A])
    }

    func appendJSONLine(to out: inout [UInt8]) {
        let keys = Self.jsonKeys[family]!
        out.append(UInt8(ascii: "{"))
        storage.withUnsafeBufferPointer { buffer in
            for i in 0..<ends.count {
                out.append(contentsOf: keys[i])
                Self.appendJSONString(UnsafeBufferPointer(rebasing: buffer[range(i)]), to: &out)
                out.append(UInt8(ascii: ","))
            }
        }
        out.append(contentsOf: Self.operationKey)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: Self.added)
        out.append(contentsOf: Array("\",".utf8))
        out.append(contentsOf: Self.sourceSeqKey)
        Self.appendDecimal(sourceSeq, to: &out)
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

    static func appendDecimal(_ n: UInt64, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0, n = n
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            } while n > 0
            out.append(contentsOf: d[(20 - count)...])
        }
    }

    /// JSONLinesEncoding.appendString over bytes: `"` `\` and control characters escaped.
    static func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var run = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            run = i + 1
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, b])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, JSONLinesEncoding.hex[Int(b >> 4)], JSONLinesEncoding.hex[Int(b & 15)]])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        out.append(UInt8(ascii: "\""))
    }

    // MARK: national rules

    /// True when every rule of `RequiredFields` holds: the unconditional required columns,
    /// `extraRequired`, and the length limits. On false the caller takes the full path, which
    /// words the reason.
    func satisfiesNationalRules(extraRequired: [Int]) -> Bool {
        let columns = family.columns
        return storage.withUnsafeBufferPointer { buffer in
            for (i, column) in columns.enumerated() {
                let value = UnsafeBufferPointer(rebasing: buffer[range(i)])
                if column.required || extraRequired.contains(i), Self.mayBeBlank(value) { return false }
                if let limit = column.maxLength, value.count > limit {
                    // UTF-8 length bounds the scalar count from above; count scalars only then.
                    if value.reduce(0, { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }) > limit { return false }
                }
            }
            return true
        }
    }

    /// Empty or only white space, as far as the first character that is not ASCII white
    /// space tells: a Unicode white space there leaves the answer to the full path.
    private static func mayBeBlank(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        for (k, b) in value.enumerated() {
            if b == 0x20 || (0x09...0x0D).contains(b) { continue }
            guard b >= 0x80 else { return false }
            var bytes = UnsafeBufferPointer(rebasing: value[k...]).makeIterator()
            var decoder = UTF8()
            guard case .scalarValue(let scalar) = decoder.decode(&bytes) else { return true }
            return scalar.properties.isWhitespace
        }
        return true
    }
}
