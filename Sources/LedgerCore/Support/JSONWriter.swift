import CreditRecords

/// Writes JSON of a fixed shape straight into bytes, for the answers served most often (a
/// check and its access-log entry), where building a `JSONValue` tree and sorting it cost a
/// tenth of the request. Callers write members in RFC 8785 order (sorted names), so the
/// output is the canonical form; tests compare it with `CanonicalJSON`.
package struct JSONWriter {
    package var bytes: [UInt8] = []
    private var first = true

    package init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    package mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); first = true }
    package mutating func endObject() { bytes.append(UInt8(ascii: "}")); first = false }
    package mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); first = true }
    package mutating func endArray() { bytes.append(UInt8(ascii: "]")); first = false }

    /// A member name; the value written next belongs to it.
    package mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        first = true  // the value follows without a comma
    }

    package mutating func string(_ value: String) { separate(); CanonicalJSON.appendString(value, to: &bytes); first = false }
    package mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    package mutating func uint(_ value: UInt64) { separate(); bytes.append(contentsOf: String(value).utf8); first = false }
    package mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: (value ? "true" : "false").utf8); first = false }
    package mutating func null() { separate(); bytes.append(contentsOf: "null".utf8); first = false }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
    }
}
