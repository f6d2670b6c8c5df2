#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zero-copy reading of one stored entry (RFC 8785 JSON, as the log writes it): the one
/// reader of the entry format (docs/architecture.md, "The entry format and the kind table").
/// One pass over the bytes lays every value out on a flat "tape" (each container knows where
/// its subtree ends), so members are looked up without scanning anything twice, and nothing
/// is allocated per entry once the caller's tape has grown. Anything outside the canonical
/// form (white space, a malformed token, nesting deeper than records go) stops the scan.
/// Its readers (the export's fast mapper, the index's `RecordFacts`) fall back to the full
/// decoder when it gives up, so a scan only ever needs to be right, never complete. The
/// lookups are `@inlinable`: the export calls them per field from another module.
public struct EntryScanner {
    public enum ValueType: UInt8, Sendable { case string, escapedString, number, object, array, null, bool }

    /// One value on the tape. `start..<end` is its text (inside the quotes for a string,
    /// brackets included for a container); `next` is the tape index just past its subtree.
    public struct Value: Sendable {
        public let type: ValueType
        public let start: Int32
        public var end: Int32
        public let index: Int32
        public var next: Int32

        @inlinable public var isString: Bool { type == .string || type == .escapedString }
        @inlinable public var length: Int { Int(end - start) }
        /// An array or object with no elements.
        @inlinable public var isEmptyContainer: Bool { next == index + 1 }
    }

    public let bytes: UnsafeBufferPointer<UInt8>
    /// Valid while the caller's tape array is (see `read(_:tape:_:)`).
    public let tape: UnsafeBufferPointer<Value>

    @inlinable public init(bytes: UnsafeBufferPointer<UInt8>, tape: UnsafeBufferPointer<Value>) {
        self.bytes = bytes
        self.tape = tape
    }

    /// Records nest objects four deep (envelope, body, party, representative); anything
    /// deeper is not a record the fast path maps.
    public static let maxDepth = 8

    /// Scans `bytes` onto `tape` (emptied first; its capacity is kept for the next entry).
    /// False when the bytes are not one canonical JSON value.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, tape: inout [Value]) -> Bool {
        tape.removeAll(keepingCapacity: true)
        let builder = TapeBuilder(bytes: bytes)
        return withUnsafeMutablePointer(to: &tape) { builder.value(at: 0, depth: 0, tape: $0) } == bytes.count
    }

    /// Like `scan(_:tape:)`, but an object member whose key is not in `keep` is only checked,
    /// not laid out: neither its key nor its value (nor anything inside) is on the tape, so
    /// `get` answers nil for it. For readers that need a few members of every entry (the
    /// index's rebuild reads every entry of the log); the bytes must still be canonical JSON.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, tape: inout [Value], keep: KeepList) -> Bool {
        tape.removeAll(keepingCapacity: true)
        let builder = TapeBuilder(bytes: bytes, keep: keep)
        return withUnsafeMutablePointer(to: &tape) { builder.value(at: 0, depth: 0, tape: $0) } == bytes.count
    }

    /// Scans `bytes` onto `tape` (only the members in `keep`, when given) and hands `read` a
    /// scanner over both; nil when the bytes are not one canonical JSON value. For one-off
    /// reads (the index's facts, a finding's text).
    /// Inlinable so that it is specialised for the caller's `R` (unspecialised, it looked up
    /// `Optional<R>`'s metadata on every entry of a rebuild).
    @inlinable public static func read<R>(_ bytes: UnsafeBufferPointer<UInt8>, tape: inout [Value], keep: KeepList? = nil, _ read: (EntryScanner) -> R?) -> R? {
        let scanned: Bool
        if let keep { scanned = scan(bytes, tape: &tape, keep: keep) } else { scanned = scan(bytes, tape: &tape) }
        guard scanned else { return nil }
        return tape.withUnsafeBufferPointer { read(EntryScanner(bytes: bytes, tape: $0)) }
    }

    /// The member names a keep-list scan lays out, at any depth (a name is kept wherever it
    /// occurs). Built once by a reader from the kind table and its own needs.
    public struct KeepList: Sendable {
        /// One name: its first 8 bytes and (longer than 8) its last 8 as little-endian words,
        /// and where its bytes are in `bytes` (compared only for names over 16 bytes).
        public struct Name: Sendable {
            @usableFromInline let first: UInt64
            @usableFromInline let last: UInt64
            @usableFromInline let offset: Int
        }

        /// The names, shortest first; those of length n are `names[bounds[n]..<bounds[n + 1]]`.
        @usableFromInline let names: [Name]
        @usableFromInline let bounds: [Int]
        @usableFromInline let bytes: [UInt8]

        public init(_ names: some Sequence<String>) {
            let sorted = Set(names).map { Array($0.utf8) }.filter { !$0.isEmpty }.sorted { $0.count < $1.count }
            let longest = sorted.last?.count ?? 0
            var bounds = [Int](repeating: 0, count: longest + 2)
            var list: [Name] = [], bytes: [UInt8] = []
            for n in 0...longest {
                bounds[n] = list.count
                for name in sorted where name.count == n {
                    let words = name.withUnsafeBufferPointer { Self.words($0.baseAddress!, count: n) }
                    list.append(Name(first: words.0, last: words.1, offset: bytes.count))
                    bytes += name
                }
            }
            bounds[longest + 1] = list.count
            (self.names, self.bounds, self.bytes) = (list, bounds, bytes)
        }

        public init(_ names: some Sequence<StaticString>) {
            self.init(names.map { "\($0)" })
        }

        /// The first 8 bytes (zero-padded) and, for more than 8, the last 8, little-endian.
        @inlinable @inline(__always) static func words(_ key: UnsafePointer<UInt8>, count: Int) -> (UInt64, UInt64) {
            if count >= 8 {
                let first = UInt64(littleEndian: UnsafeRawPointer(key).loadUnaligned(as: UInt64.self))
                let last = count > 8 ? UInt64(littleEndian: UnsafeRawPointer(key + count - 8).loadUnaligned(as: UInt64.self)) : 0
                return (first, last)
            }
            var first: UInt64 = 0
            for i in 0..<count { first |= UInt64(key[i]) << (8 * UInt64(i)) }
            return (first, 0)
        }

        /// Whether the key at `key` (its text, `count` bytes) is kept.
        @inlinable public func contains(_ key: UnsafePointer<UInt8>, count: Int) -> Bool {
            guard count > 0, count + 1 < bounds.count else { return false }
            let (first, last) = Self.words(key, count: count)
            return names.withUnsafeBufferPointer { names in
                for i in bounds[count]..<bounds[count + 1] where names[i].first == first && names[i].last == last {
                    if count <= 16 || bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + names[i].offset, key, count) == 0 }) { return true }
                }
                return false
            }
        }
    }

    /// The whole entry.
    @inlinable public var root: Value { tape[0] }

    // MARK: walking the tape

    /// The members of an object, in stored order (canonical JSON sorts them).
    @inlinable public func members(_ object: Value) -> Members { Members(tape: tape, index: Int(object.index) + 1, end: Int(object.next)) }

    public struct Members: Sequence, IteratorProtocol {
        @usableFromInline let tape: UnsafeBufferPointer<Value>
        @usableFromInline var index: Int
        @usableFromInline let end: Int

        @inlinable init(tape: UnsafeBufferPointer<Value>, index: Int, end: Int) {
            self.tape = tape
            self.index = index
            self.end = end
        }

        @inlinable public mutating func next() -> (key: Value, value: Value)? {
            guard index < end else { return nil }
            let key = tape[index], value = tape[index + 1]
            index = Int(value.next)
            return (key, value)
        }
    }

    /// The elements of an array, in order.
    @inlinable public func elements(_ array: Value) -> Elements { Elements(tape: tape, index: Int(array.index) + 1, end: Int(array.next)) }

    public struct Elements: Sequence, IteratorProtocol {
        @usableFromInline let tape: UnsafeBufferPointer<Value>
        @usableFromInline var index: Int
        @usableFromInline let end: Int

        @inlinable init(tape: UnsafeBufferPointer<Value>, index: Int, end: Int) {
            self.tape = tape
            self.index = index
            self.end = end
        }

        @inlinable public mutating func next() -> Value? {
            guard index < end else { return nil }
            let value = tape[index]
            index = Int(value.next)
            return value
        }
    }

    /// The value of `key` in `object`, if the object has it.
    @inlinable public func get(_ object: Value, _ key: StaticString) -> Value? {
        for (k, v) in members(object) where equals(k, key) { return v }
        return nil
    }

    // MARK: reading values

    @inlinable public func text(_ value: Value) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(value.start)..<Int(value.end)])
    }

    /// A plain (unescaped) string equal to `literal`; a key is a string too.
    @inlinable public func equals(_ value: Value, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard value.type == .string, value.length == n else { return false }
        // The first byte before a call to memcmp: `get` tries every key of an object, most
        // of them the same length as some other, and a key differs in its first byte often.
        guard n > 0 else { return true }
        let start = bytes.baseAddress! + Int(value.start)
        return start.pointee == literal.utf8Start.pointee && memcmp(start, literal.utf8Start, n) == 0
    }

    /// A plain string equal to `literal` (an enumeration's raw value).
    @inlinable public func equals(_ value: Value, _ literal: String) -> Bool {
        guard value.type == .string else { return false }
        var literal = literal
        return literal.withUTF8 { $0.count == value.length && memcmp(bytes.baseAddress! + Int(value.start), $0.baseAddress!, $0.count) == 0 }
    }

    /// A string value as a Swift string (unescaped); nil for any other type.
    public func string(_ value: Value) -> String? {
        switch value.type {
        case .string: return String(decoding: text(value), as: UTF8.self)
        case .escapedString:
            var out = [UInt8]()
            guard appendUnescaped(value, to: &out) else { return nil }
            return String(decoding: out, as: UTF8.self)
        default: return nil
        }
    }

    /// Appends a string value's text (unescaped). False for another type or an escape the
    /// fast path leaves to the full decoder (`\u`).
    @inlinable public func appendUnescaped(_ value: Value, to out: inout [UInt8]) -> Bool {
        switch value.type {
        case .string:
            out.append(contentsOf: text(value))
            return true
        case .escapedString:
            var i = Int(value.start)
            while i < Int(value.end) {
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

/// The one pass that lays an entry out on the tape.
private struct TapeBuilder {
    let bytes: UnsafeBufferPointer<UInt8>
    /// nil: every member is laid out.
    var keep: EntryScanner.KeepList? = nil
    typealias Value = EntryScanner.Value

    /// Scans the value at `i` onto the tape; returns the index just past it, or -1.
    func value(at i: Int, depth: Int, tape: UnsafeMutablePointer<[Value]>) -> Int {
        guard i < bytes.count else { return -1 }
        let index = Int32(tape.pointee.count)
        switch bytes[i] {
        case UInt8(ascii: "\""):
            let (end, escaped) = stringEnd(from: i + 1)
            guard end >= 0 else { return -1 }
            tape.pointee.append(Value(type: escaped ? .escapedString : .string, start: Int32(i + 1), end: Int32(end), index: index, next: index + 1))
            return end + 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < EntryScanner.maxDepth else { return -1 }
            let isObject = bytes[i] == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            tape.pointee.append(Value(type: isObject ? .object : .array, start: Int32(i), end: 0, index: index, next: 0))
            var j = i + 1
            guard j < bytes.count else { return -1 }
            if bytes[j] != close {
                while true {
                    if isObject {
                        // A key, then a colon.
                        guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") else { return -1 }
                        let (keyEnd, escaped) = stringEnd(from: j + 1)
                        guard keyEnd >= 0, keyEnd + 1 < bytes.count, bytes[keyEnd + 1] == UInt8(ascii: ":") else { return -1 }
                        if let keep, escaped || !keep.contains(bytes.baseAddress! + j + 1, count: keyEnd - j - 1) {
                            // Not wanted: checked, not laid out.
                            j = skip(at: keyEnd + 2, depth: depth + 1)
                        } else {
                            let keyIndex = Int32(tape.pointee.count)
                            tape.pointee.append(Value(type: escaped ? .escapedString : .string, start: Int32(j + 1), end: Int32(keyEnd), index: keyIndex, next: keyIndex + 1))
                            j = value(at: keyEnd + 2, depth: depth + 1, tape: tape)
                        }
                    } else {
                        j = value(at: j, depth: depth + 1, tape: tape)
                    }
                    guard j >= 0, j < bytes.count else { return -1 }
                    if bytes[j] == close { break }
                    guard bytes[j] == UInt8(ascii: ",") else { return -1 }
                    j += 1
                }
            }
            tape.pointee[Int(index)].end = Int32(j + 1)
            tape.pointee[Int(index)].next = Int32(tape.pointee.count)
            return j + 1
        case UInt8(ascii: "n"): return literal("null", at: i, .null, index: index, tape: tape)
        case UInt8(ascii: "t"): return literal("true", at: i, .bool, index: index, tape: tape)
        case UInt8(ascii: "f"): return literal("false", at: i, .bool, index: index, tape: tape)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var j = i + 1
            while j < bytes.count, Self.isNumberByte(bytes[j]) { j += 1 }
            tape.pointee.append(Value(type: .number, start: Int32(i), end: Int32(j), index: index, next: index + 1))
            return j
        default:
            return -1
        }
    }

    /// Checks the value at `i` as `value(at:)` does, laying nothing out; the index just past it, or -1.
    func skip(at i: Int, depth: Int) -> Int {
        guard i < bytes.count else { return -1 }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            let (end, _) = stringEnd(from: i + 1)
            return end >= 0 ? end + 1 : -1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < EntryScanner.maxDepth else { return -1 }
            let isObject = bytes[i] == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            var j = i + 1
            guard j < bytes.count else { return -1 }
            if bytes[j] == close { return j + 1 }
            while true {
                if isObject {
                    guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") else { return -1 }
                    let (keyEnd, _) = stringEnd(from: j + 1)
                    guard keyEnd >= 0, keyEnd + 1 < bytes.count, bytes[keyEnd + 1] == UInt8(ascii: ":") else { return -1 }
                    j = keyEnd + 2
                }
                j = skip(at: j, depth: depth + 1)
                guard j >= 0, j < bytes.count else { return -1 }
                if bytes[j] == close { return j + 1 }
                guard bytes[j] == UInt8(ascii: ",") else { return -1 }
                j += 1
            }
        case UInt8(ascii: "n"): return word("null", at: i)
        case UInt8(ascii: "t"): return word("true", at: i)
        case UInt8(ascii: "f"): return word("false", at: i)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var j = i + 1
            while j < bytes.count, Self.isNumberByte(bytes[j]) { j += 1 }
            return j
        default:
            return -1
        }
    }

    private func word(_ word: StaticString, at i: Int) -> Int {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, n) == 0 else { return -1 }
        return i + n
    }

    /// The index of the closing quote of the string whose text starts at `i` (-1 if there is
    /// none or a raw control character), and whether it holds escapes. Eight bytes at a time:
    /// most of an entry is string text with none of `"`, `\` or a control byte in it.
    private func stringEnd(from i: Int) -> (Int, Bool) {
        var j = i, escaped = false
        while true {
            j = SWAR.firstJSONSpecial(bytes, from: j)
            guard j < bytes.count else { return (-1, escaped) }
            let b = bytes[j]
            if b == UInt8(ascii: "\"") { return (j, escaped) }
            if b == UInt8(ascii: "\\") { escaped = true; j += 2; continue }
            if b < 0x20 { return (-1, escaped) }
            j += 1
        }
    }

    private func literal(_ word: StaticString, at i: Int, _ type: EntryScanner.ValueType, index: Int32, tape: UnsafeMutablePointer<[Value]>) -> Int {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, n) == 0 else { return -1 }
        tape.pointee.append(Value(type: type, start: Int32(i), end: Int32(i + n), index: index, next: index + 1))
        return i + n
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }
}
