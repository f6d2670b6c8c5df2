import CreditRecords

/// Answers as RFC 8785 bytes (sorted keys, UTF-8, no extra space).
public enum CanonicalBody {
    /// Values built by the use cases hold only integers, strings and the like: encoding cannot fail.
    public static func bytes(_ value: JSONValue) -> [UInt8] { (try? CanonicalJSON.encode(value)) ?? [] }
}

extension JSONValue {
    public static func uint(_ n: UInt64) -> JSONValue { .number(String(n)) }
    public static func int(_ n: Int) -> JSONValue { .number(String(n)) }
}
