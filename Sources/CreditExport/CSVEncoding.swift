import CreditRecords

/// RFC 4180 CSV as the platform's Excel-era tooling reads it: UTF-8 with a byte-order mark,
/// CRLF after every record, and a field quoted only when it holds a comma, a double quote,
/// CR or LF (quotes inside doubled). Text is written byte for byte, never re-encoded.
public enum CSVEncoding {
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public static func appendRecord(_ fields: [String], to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendField(field, to: &out)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    public static func appendField(_ field: String, to out: inout [UInt8]) {
        var field = field
        field.withUTF8 { appendField(bytes: $0, to: &out) }
    }

    /// The same for a field already held as UTF-8 bytes (the export's fast path).
    static func appendField<Sink: ByteSink>(bytes: UnsafeBufferPointer<UInt8>, to out: inout Sink) {
        guard SWAR.containsCSVSpecial(bytes) else { out.put(bytes); return }
        out.put(UInt8(ascii: "\""))
        for b in bytes {
            if b == UInt8(ascii: "\"") { out.put(b) }
            out.put(b)
        }
        out.put(UInt8(ascii: "\""))
    }
}
