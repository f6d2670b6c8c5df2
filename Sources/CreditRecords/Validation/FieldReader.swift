import Foundation

/// Collects every problem found while reading a document.
final class ErrorSink {
    var errors: [FieldError] = []
    /// Normalised replacements for the stored body: path below the body → new string.
    var replacements: [([String], String)] = []
    /// "Today" in CST; nil when reading an already validated body (no time-dependent rules).
    let today: LocalDate?

    init(today: LocalDate?) { self.today = today }

    func add(_ pointer: String, _ code: String, _ message: String) {
        errors.append(FieldError(pointer: pointer, code: code, message: message))
    }
}

/// RFC 6901 escaping of one reference token.
func pointerToken(_ key: String) -> String {
    // Runs for every member read, so it stays off Foundation's string search.
    guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
    var out = ""
    for character in key.unicodeScalars {
        switch character {
        case "~": out += "~0"
        case "/": out += "~1"
        default: out.unicodeScalars.append(character)
        }
    }
    return out
}

/// Field lengths count Unicode scalar values (code points), as the national platform's
/// character-semantics columns (Oracle `VARCHAR2(n CHAR)`, MySQL utf8mb4 `VARCHAR(n)`) and
/// JSON Schema's `maxLength` do — not bytes, UTF-16 units or grapheme clusters.
func characterCount(_ text: String) -> Int { text.unicodeScalars.count }

/// Reads one JSON object, reporting each problem with its pointer. Every accessor records
/// what it found wrong and returns nil, so a caller reads all fields and then checks that all
/// required ones came back.
struct ObjectReader {
    let object: JSONObject
    let pointer: String
    /// Path of member names below the document's `body` (for normalised replacements).
    let path: [String]
    let sink: ErrorSink

    var today: LocalDate? { sink.today }

    func at(_ key: String) -> String { pointer + "/" + pointerToken(key) }

    /// Reports every member not in `allowed` (never silently dropped).
    func allow(_ allowed: [String]) {
        // Field-name-shaped names are echoed (a typo); others are the client's text (UnknownMember).
        for at in UnknownMember.pointers(object.keys, allowed: { allowed.contains($0) }, in: pointer) {
            sink.add(at, "unknown_field", UnknownMember.message)
        }
    }

    func has(_ key: String) -> Bool { object.contains(key) }

    /// The raw value; reports `required` when absent and `required` is true.
    func value(_ key: String, required: Bool) -> JSONValue? {
        guard let value = object[key] else {
            if required { sink.add(at(key), "required", "\(key) is required") }
            return nil
        }
        return value
    }

    func string(_ key: String, required: Bool = true, maxLength: Int? = nil, allowEmpty: Bool = false) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard let text = value.stringValue else {
            sink.add(at(key), "type", "\(key) must be a string")
            return nil
        }
        if !allowEmpty && text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
            sink.add(at(key), "empty", "\(key) must not be empty or only white space")
            return nil
        }
        if let maxLength, characterCount(text) > maxLength {
            sink.add(at(key), "max_length", "\(key) is limited to \(maxLength) characters (Unicode scalar values) by the national format")
            return nil
        }
        return text
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = true) -> E? where E.RawValue == String {
        guard let value = value(key, required: required) else { return nil }
        guard let text = value.stringValue else {
            sink.add(at(key), "type", "\(key) must be a string")
            return nil
        }
        guard let result = E(rawValue: text) else {
            sink.add(at(key), "enum", "\(key) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return result
    }

    /// A strict `YYYY-MM-DD` calendar date.
    func date(_ key: String, required: Bool = true, notFuture: Bool = false) -> LocalDate? {
        guard let value = value(key, required: required) else { return nil }
        guard let text = value.stringValue else {
            sink.add(at(key), "type", "\(key) must be a date string YYYY-MM-DD")
            return nil
        }
        guard let date = LocalDate(iso: text) else {
            sink.add(at(key), "date", "\(key) must be a real calendar date written YYYY-MM-DD")
            return nil
        }
        if notFuture, let today, date > today {
            sink.add(at(key), "future", "\(key) must not be after today (China Standard Time)")
        }
        return date
    }

    func integer(_ key: String, required: Bool = true) -> Int64? {
        guard let value = value(key, required: required) else { return nil }
        guard let n = value.integerValue else {
            sink.add(at(key), "type", "\(key) must be an integer written without fraction or exponent")
            return nil
        }
        return n
    }

    func object(_ key: String, required: Bool = true) -> ObjectReader? {
        guard let value = value(key, required: required) else { return nil }
        guard let object = value.objectValue else {
            sink.add(at(key), "type", "\(key) must be an object")
            return nil
        }
        return ObjectReader(object: object, pointer: at(key), path: path + [key], sink: sink)
    }

    func array(_ key: String, required: Bool = true) -> [JSONValue]? {
        guard let value = value(key, required: required) else { return nil }
        guard let array = value.arrayValue else {
            sink.add(at(key), "type", "\(key) must be an array")
            return nil
        }
        return array
    }

    /// An array of distinct enum strings; `minItems` 1 unless told otherwise.
    func enumArray<E: RawRepresentable & CaseIterable & Hashable>(_ key: String, _ type: E.Type, minItems: Int = 1) -> [E]? where E.RawValue == String {
        guard let array = array(key) else { return nil }
        var result: [E] = []
        var ok = true
        if array.count < minItems {
            sink.add(at(key), "min_items", "\(key) must list at least \(minItems) value(s)")
            ok = false
        }
        for (i, item) in array.enumerated() {
            let p = at(key) + "/\(i)"
            guard let text = item.stringValue else { sink.add(p, "type", "each entry of \(key) must be a string"); ok = false; continue }
            guard let value = E(rawValue: text) else {
                sink.add(p, "enum", "each entry of \(key) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
                ok = false
                continue
            }
            if result.contains(value) { sink.add(p, "unique", "\(key) must not list a value twice"); ok = false; continue }
            result.append(value)
        }
        return ok ? result : nil
    }

    /// A USCC. `allowPlaceholder` accepts `00000000000000000X` (individual businesses only).
    func uscc(_ key: String = "uscc", required: Bool = true, allowPlaceholder: Bool = false) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard let text = value.stringValue else { sink.add(at(key), "type", "\(key) must be a string"); return nil }
        if USCC.isPlaceholder(text) {
            if allowPlaceholder { return text }
            sink.add(at(key), "uscc_placeholder", "the placeholder code 00000000000000000X is accepted only for an individual business")
            return nil
        }
        if let problem = USCC.validate(text) { sink.add(at(key), problem.code, problem.message); return nil }
        return text
    }

    func region(_ key: String = "region", required: Bool) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard let text = value.stringValue else { sink.add(at(key), "type", "\(key) must be a string"); return nil }
        if let problem = RegionCode.validate(text) { sink.add(at(key), problem.code, problem.message); return nil }
        return text
    }

    /// A decimal amount in 万元 (string, at most 12 integer and 6 fraction digits: decimal(18,6)).
    func amount(_ key: String, required: Bool) -> Amount? {
        guard let value = value(key, required: required) else { return nil }
        guard let text = value.stringValue else {
            sink.add(at(key), "type", "\(key) must be a decimal string in 万元 (not a JSON number)")
            return nil
        }
        guard let amount = Amount(text) else {
            sink.add(at(key), "amount", "\(key) must be a decimal string in 万元 like \"0.2\": no sign, no leading zeros, at most 12 integer digits and 6 decimals")
            return nil
        }
        return amount
    }

    func normalise(_ key: String, to value: String) {
        sink.replacements.append((path + [key], value))
    }
}
