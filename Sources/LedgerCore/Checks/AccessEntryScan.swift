extension AccessEntry {
    /// The fields the ledger rebuilds its memory from (subject, principal, time, refused or
    /// not), read from the service's own canonical entries without a JSON tree, because start-up
    /// reads every entry of the access log.
    package struct QuickFields {
        var subject: String
        var principal: String
        var institution: String?
        var at: [UInt8]
        var refused: Bool

        init(entry: AccessEntry) {
            subject = entry.subject
            principal = entry.principal
            institution = entry.institution
            at = Array(entry.at.utf8)
            refused = entry.status == AccessStatus.refusedQuota.rawValue
        }

        /// nil when the bytes are not a plain (escape-free) version-1 entry; the caller then
        /// decodes them fully. A `"key":"` with unescaped quotes cannot occur inside a JSON
        /// string, so each match is the member itself.
        init?(_ bytes: [UInt8]) {
            // RFC 8785 sorts the members, so "v" comes last.
            guard bytes.first == UInt8(ascii: "{"), bytes.count > 6, bytes[(bytes.count - 6)...].elementsEqual("\"v\":1}".utf8),
                  Self.find(bytes, "\"checkId\":\"") != nil,
                  let subject = Self.value(bytes, "\"subject\":\""), let principal = Self.value(bytes, "\"principal\":\""),
                  let at = Self.value(bytes, "\"at\":\""), let status = Self.value(bytes, "\"status\":\"") else { return nil }
            self.subject = String(decoding: subject, as: UTF8.self)
            self.principal = String(decoding: principal, as: UTF8.self)
            institution = Self.value(bytes, "\"institution\":\"").map { String(decoding: $0, as: UTF8.self) }
            self.at = Array(at)
            refused = status.elementsEqual(AccessStatus.refusedQuota.rawValue.utf8)
        }

        /// The string value after `key`, when it has no escapes.
        static func value(_ bytes: [UInt8], _ key: StaticString) -> ArraySlice<UInt8>? {
            guard let at = find(bytes, key) else { return nil }
            let start = at + key.utf8CodeUnitCount
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")),
                  !bytes[start..<end].contains(UInt8(ascii: "\\")) else { return nil }
            return bytes[start..<end]
        }

        static func find(_ bytes: [UInt8], _ needle: StaticString) -> Int? {
            let n = needle.utf8CodeUnitCount
            guard bytes.count >= n else { return nil }
            let first = needle.utf8Start[0]
            var i = 0
            while i <= bytes.count - n {
                if bytes[i] == first {
                    var j = 1
                    while j < n && bytes[i + j] == needle.utf8Start[j] { j += 1 }
                    if j == n { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
