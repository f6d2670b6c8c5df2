/// RFC 8785 JSON Canonicalization Scheme: members sorted by their names' UTF-16 code units,
/// no whitespace, strings with the minimal escapes, numbers as ECMAScript prints them. The
/// same record always yields the same bytes, which is what the log hashes and signs.
public enum CanonicalJSON {
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func encode(_ value: JSONValue) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1024)
        try write(value, to: &out)
        return out
    }

    static func write(_ value: JSONValue, to out: inout [UInt8]) throws {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out += Array(try number(text).utf8)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, key) in sortedKeys(object.keys).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                try write(object[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Member names in RFC 8785 order: by UTF-16 code units. UTF-8 byte order equals it unless
    /// a key holds a character beyond the BMP (a 4-byte UTF-8 sequence); compare the cheaper
    /// bytes when none does.
    static func sortedKeys(_ keys: [String]) -> [String] {
        let astral = keys.contains { $0.utf8.contains { $0 >= 0xF0 } }
        return astral ? keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
                      : keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// An object's member names in RFC 8785 order.
    public static func sortedNames(of object: JSONObject) -> [String] { sortedKeys(object.keys) }

    /// Appends one member, `"name":value`, canonically encoded (for a writer that splices a
    /// member into two objects: a record's body and its public view).
    public static func appendMember(_ name: String, _ value: JSONValue, to out: inout [UInt8]) throws {
        writeString(name, to: &out)
        out.append(UInt8(ascii: ":"))
        try write(value, to: &out)
    }

    /// Appends `s` as a JSON string with RFC 8785's minimal escapes (for writers that emit
    /// canonical JSON of a fixed shape without building a `JSONValue`).
    public static func appendString(_ s: String, to out: inout [UInt8]) { writeString(s, to: &out) }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escape: copy them whole (scanning the contiguous UTF-8, which
        // native strings always have, instead of iterating the view).
        let plain = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain == true {
            out.append(0x22)
            return
        }
        for b in s.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// ECMAScript Number::toString of the IEEE 754 double nearest to `literal` (RFC 8785 §3.2.2.3).
    public static func number(_ literal: String) throws -> String {
        // An integer literal of at most 15 digits, without a leading zero, is exact as a
        // double and ECMAScript prints it as written: most numbers in a record.
        if isShortCanonicalInteger(literal) { return literal }
        guard let value = Double(literal), value.isFinite else { throw Error(message: "number \(literal) is not a finite IEEE 754 double") }
        if value == 0 { return "0" }
        // Swift prints the shortest digits that round-trip, as ECMAScript requires; only the
        // layout differs, so take the digits and exponent and lay them out the ECMAScript way.
        let negative = value < 0
        let (digits, exponent) = decompose(Swift.abs(value).description)
        let k = digits.count
        let n = exponent  // value = 0.d1d2…dk × 10^n
        var body: String
        if k <= n && n <= 21 {
            body = digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            body = String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            body = "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            body = String(digits.prefix(1)) + (k > 1 ? "." + String(digits.dropFirst()) : "") + "e" + (e >= 0 ? "+" : "-") + String(Swift.abs(e))
        }
        return (negative ? "-" : "") + body
    }

    static func isShortCanonicalInteger(_ literal: String) -> Bool {
        var utf8 = Substring(literal).utf8
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        guard let first = utf8.first, first != UInt8(ascii: "0"), utf8.count <= 15 else { return false }
        return utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Splits Swift's shortest representation ("123.45", "1e-07", "1.5e+300") into significant
    /// digits without leading or trailing zeros and n such that value = 0.digits × 10^n.
    private static func decompose(_ text: String) -> (String, Int) {
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...])!
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0]), fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var point = integer.count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits, point)
    }
}
