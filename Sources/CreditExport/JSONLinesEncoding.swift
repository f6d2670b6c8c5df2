import CreditRecords

/// One JSON object per line (LF), keys in column order, strings escaped minimally and
/// deterministically: `"` `\` and control characters; everything else, Chinese included,
/// stays UTF-8 as it is. Seqs are JSON numbers; every other value is a string.
public enum JSONLinesEncoding {
    public static func appendRow(_ row: ExportRow, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (column, value) in zip(row.family.columns, row.values) {
            appendKey(column.code, to: &out)
            appendString(value, to: &out)
            out.append(UInt8(ascii: ","))
        }
        appendKey("OPERATION", to: &out)
        appendString(row.operation.rawValue, to: &out)
        out.append(UInt8(ascii: ","))
        appendKey("SOURCE_SEQ", to: &out)
        out.append(contentsOf: String(row.sourceSeq).utf8)
        if let by = row.withdrawnBy {
            out.append(UInt8(ascii: ","))
            appendKey("WITHDRAWN_BY", to: &out)
            out.append(contentsOf: String(by).utf8)
        }
        out.append(UInt8(ascii: "}"))
        out.append(0x0A)
    }

    static func appendKey(_ key: String, to out: inout [UInt8]) {
        appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    static let hex = Array("0123456789abcdef".utf8)

    public static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString(bytes: $0, to: &out) }
    }

    /// The same for text already held as UTF-8 bytes (the export's fast path).
    static func appendString<Sink: ByteSink>(bytes: UnsafeBufferPointer<UInt8>, to out: inout Sink) {
        out.put(UInt8(ascii: "\""))
        // Runs of bytes that need no escape are copied at once.
        var run = 0
        guard bytes.baseAddress != nil else { out.put(UInt8(ascii: "\"")); return }
        var i = SWAR.firstJSONSpecial(bytes, from: 0)
        while i < bytes.count {
            let b = bytes[i]
            out.put(UnsafeBufferPointer(rebasing: bytes[run..<i]))
            run = i + 1
            out.put(0x5C)
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.put(b)
            case 0x0A: out.put(UInt8(ascii: "n"))
            case 0x0D: out.put(UInt8(ascii: "r"))
            case 0x09: out.put(UInt8(ascii: "t"))
            default:
                out.put(UInt8(ascii: "u")); out.put(0x30); out.put(0x30)
                out.put(hex[Int(b >> 4)]); out.put(hex[Int(b & 15)])
            }
            i = SWAR.firstJSONSpecial(bytes, from: i + 1)
        }
        out.put(UnsafeBufferPointer(rebasing: bytes[run...]))
        out.put(UInt8(ascii: "\""))
    }
}
