/// Zero-copy reading of one stored entry (RFC 8785 JSON, as the log writes it): an object is
/// read as the byte ranges of its members, nothing is allocated per value, and anything
/// outside the canonical form (white space, a malformed token) stops the scan. The fast
/// mapper uses it and, when it gives up, the entry goes through the full decoder instead,
/// so a scan only ever needs to be right, never complete.
struct EntryScanner {
    enum ValueType: UInt8 { case string, escapedString, number, object, array, null, bool }

    /// One value: `start..<end` is the content (inside the quotes for a string).
    struct Value {
        let type: ValueType
        let start: Int
        let end: Int
    }

    struct Member {
        let keyStart: Int
        let keyEnd: Int
        let value: Value
    }

    let bytes: UnsafeBufferPointer<UInt8>

    /// The members of the object whose `{` is at `start`, in stored order.
    func object(_ value: Value) -> [Member]? {
        guard value.type == .object else { return nil }
        var members = [Member]()
        members.reserveCapacity(16)
        var i = value.start + 1
        guard i < value.end else { return nil }
        if bytes[i] == UInt8(ascii: "}") { return members }
        while true {
            guard i < value.end, bytes[i] == UInt8(ascii: "\"") else { return nil }
            guard let key = self.value(at: i), key.type == .string else { return nil }
            i = key.end + 1
            guard i < value.end, bytes[i] == UInt8(ascii: ":") else { return nil }
            guard let member = self.value(at: i + 1) else { return nil }
            members.append(Member(keyStart: key.start, keyEnd: key.end, value: member))
            i = next(after: member)
            guard i < value.end else { return nil }
            if bytes[i] == UInt8(ascii: "}") { return members }
            guard bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }

    /// The elements of the array value.
    func array(_ value: Value) -> [Value]? {
        guard value.type == .array else { return nil }
        var elements = [Value]()
        var i = value.start + 1
        guard i < value.end else { return nil }
        if bytes[i] == UInt8(ascii: "]") { return elements }
        while true {
            guard let element = self.value(at: i) else { return nil }
            elements.append(element)
            i = next(after: element)
            guard i < value.end else { return nil }
            if bytes[i] == UInt8(ascii: "]") { return elements }
            guard bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }

    /// The whole entry as one value.
    var root: Value? {
        guard let value = value(at: 0), next(after: value) == bytes.count else { return nil }
        return value
    }

    /// The index just past `value` in the text.
    func next(after value: Value) -> Int {
        switch value.type {
        case .string, .escapedString: return value.end + 1
        default: return value.end
        }
    }

    /// Scans the value starting at `i`. Objects and arrays are skipped over (their end is
    /// one past the closing bracket); their members are read on demand.
    func value(at i: Int) -> Value? {
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            var j = i + 1, escaped = false
            while j < bytes.count {
                let b = bytes[j]
                if b == UInt8(ascii: "\"") { return Value(type: escaped ? .escapedString : .string, start: i + 1, end: j) }
                if b == UInt8(ascii: "\\") { escaped = true; j += 2; continue }
                if b < 0x20 { return nil }
                j += 1
            }
            return nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0, j = i
            while j < bytes.count {
                switch bytes[j] {
                case UInt8(ascii: "\""):
                    guard let s = value(at: j) else { return nil }
                    j = s.end + 1
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return Value(type: bytes[i] == UInt8(ascii: "{") ? .object : .array, start: i, end: j + 1) }
                default: break
                }
                j += 1
            }
            return nil
        case UInt8(ascii: "n"): return literal("null", at: i, .null)
        case UInt8(ascii: "t"): return literal("true", at: i, .bool)
        case UInt8(ascii: "f"): return literal("false", at: i, .bool)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var j = i + 1
            while j < bytes.count, Self.isNumberByte(bytes[j]) { j += 1 }
            return Value(type: .number, start: i, end: j)
        default:
            return nil
        }
    }

    private func literal(_ word: StaticString, at i: Int, _ type: ValueType) -> Value? {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return nil }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return nil }
        return Value(type: type, start: i, end: i + n)
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }

    // MARK: reading members

    func keyEquals(_ member: Member, _ key: StaticString) -> Bool {
        let n = key.utf8CodeUnitCount
        guard member.keyEnd - member.keyStart == n else { return false }
        return memcmp(bytes.baseAddress! + member.keyStart, key.utf8Start, n) == 0
    }

    func equals(_ value: Value, _ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard value.type == .string, value.end - value.start == n else { return false }
        return memcmp(bytes.baseAddress! + value.start, text.utf8Start, n) == 0
    }

    /// A string value as a Swift string (unescaped); nil for any other type.
    func string(_ value: Value) -> String? {
        switch value.type {
        case .string: return String(decoding: UnsafeBufferPointer(rebasing: bytes[value.start..<value.end]), as: UTF8.self)
        case .escapedString:
            var out = [UInt8]()
            guard appendUnescaped(value, to: &out) else { return nil }
            return String(decoding: out, as: UTF8.self)
        default: return nil
        }
    }

    /// Appends a string value's text (unescaped). False for another type or an escape the
    /// fast path leaves to the full decoder (`\u`).
    func appendUnescaped(_ value: Value, to out: inout [UInt8]) -> Bool {
        switch value.type {
        case .string:
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[value.start..<value.end]))
            return true
        case .escapedString:
            var i = value.start
            while i < value.end {
                let b = bytes[i]
                guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                default: return false
                }
                i += 2
            }
            return true
        default:
            return false
        }
    }
}

import Glibc
