/// A strict RFC 8259 parser for untrusted input: UTF-8 only, nesting bounded, duplicate keys
/// and lone surrogates refused (I-JSON, RFC 7493), and every error located by byte offset.
public struct JSONParser {
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    public static let defaultMaxDepth = 32

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = Cursor(bytes: buffer, maxDepth: maxDepth)
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else { throw parser.error("unexpected data after the JSON value") }
            return value
        }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func error(_ message: String) -> Error { Error(offset: position, message: message) }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
        }

        mutating func expect(_ literal: String, _ value: JSONValue) throws -> JSONValue {
            for b in literal.utf8 {
                guard peek == b else { throw error("expected '\(literal)'") }
                position += 1
            }
            return value
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard let b = peek else { throw error("unexpected end of input") }
            switch b {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character")
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            guard depth <= maxDepth else { throw error("nested more than \(maxDepth) levels deep") }
            position += 1
            var object = JSONObject()
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                let keyOffset = position
                let key = try string()
                guard !object.contains(key) else { throw Error(offset: keyOffset, message: "duplicate member name \"\(key.prefix(64))\"") }
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                object[key] = try value(depth: depth)
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    return .object(object)
                default: throw error("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            guard depth <= maxDepth else { throw error("nested more than \(maxDepth) levels deep") }
            position += 1
            var items = [JSONValue]()
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth))
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    return .array(items)
                default: throw error("expected ',' or ']'")
                }
            }
        }

        mutating func number() throws -> JSONValue {
            let start = position
            if peek == UInt8(ascii: "-") { position += 1 }
            guard let first = peek, first >= 0x30, first <= 0x39 else { throw error("expected a digit") }
            if first == 0x30 {
                position += 1
                if let next = peek, next >= 0x30, next <= 0x39 { throw error("leading zeros are not allowed") }
            } else {
                while let d = peek, d >= 0x30, d <= 0x39 { position += 1 }
            }
            if peek == UInt8(ascii: ".") {
                position += 1
                guard let d = peek, d >= 0x30, d <= 0x39 else { throw error("expected a digit after '.'") }
                while let d = peek, d >= 0x30, d <= 0x39 { position += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard let d = peek, d >= 0x30, d <= 0x39 else { throw error("expected a digit in the exponent") }
                while let d = peek, d >= 0x30, d <= 0x39 { position += 1 }
            }
            guard position - start <= 64 else { throw Error(offset: start, message: "number is too long") }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        }

        mutating func hex4() throws -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let b = peek else { throw error("unexpected end of input in \\u escape") }
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: throw error("bad hex digit in \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        mutating func string() throws -> String {
            position += 1
            // Validated bytes are copied in runs, not one by one: most strings have no escape
            // and become a String straight from the input.
            var out = [UInt8]()
            var run = position
            while true {
                guard let b = peek else { throw error("unterminated string") }
                switch b {
                case UInt8(ascii: "\""):
                    // Raw bytes were checked as UTF-8 below; escapes produce valid scalars.
                    if out.isEmpty {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[run..<position]), as: UTF8.self)
                        position += 1
                        return text
                    }
                    out.append(contentsOf: bytes[run..<position])
                    position += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    out.append(contentsOf: bytes[run..<position])
                    position += 1
                    guard let e = peek else { throw error("unterminated escape") }
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if scalar >= 0xD800 && scalar <= 0xDBFF {
                            guard peek == UInt8(ascii: "\\") else { throw error("lone surrogate in \\u escape") }
                            position += 1
                            guard peek == UInt8(ascii: "u") else { throw error("lone surrogate in \\u escape") }
                            position += 1
                            let low = try hex4()
                            guard low >= 0xDC00 && low <= 0xDFFF else { throw error("lone surrogate in \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                            throw error("lone surrogate in \\u escape")
                        }
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                    default: throw error("unknown escape")
                    }
                    run = position
                case 0x00..<0x20:
                    throw error("control character in string (must be escaped)")
                case 0x00..<0x80:
                    position += 1
                default:
                    position += try utf8SequenceLength()
                }
            }
        }

        /// Length of the well-formed UTF-8 sequence at `position` (RFC 3629), or an error.
        func utf8SequenceLength() throws -> Int {
            let b0 = bytes[position]
            func continuation(_ i: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) throws {
                guard position + i < bytes.count, range.contains(bytes[position + i]) else { throw error("invalid UTF-8") }
            }
            switch b0 {
            case 0xC2...0xDF: try continuation(1); return 2
            case 0xE0: try continuation(1, 0xA0...0xBF); try continuation(2); return 3
            case 0xE1...0xEC, 0xEE...0xEF: try continuation(1); try continuation(2); return 3
            case 0xED: try continuation(1, 0x80...0x9F); try continuation(2); return 3
            case 0xF0: try continuation(1, 0x90...0xBF); try continuation(2); try continuation(3); return 4
            case 0xF1...0xF3: try continuation(1); try continuation(2); try continuation(3); return 4
            case 0xF4: try continuation(1, 0x80...0x8F); try continuation(2); try continuation(3); return 4
            default: throw error("invalid UTF-8")
            }
        }
    }
}
