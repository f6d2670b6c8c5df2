import CreditRecords

/// The national required-field and length rules, checked on the finished row, so a record
/// that slipped past (or predates) the service's validation is rejected with a reason instead
/// of reaching the platform incomplete. Reasons name columns, never values.
enum RequiredFields {
    static func problem(in row: ExportRow, record: Record) -> String? {
        let columns = row.family.columns
        var required = Self.unconditional[row.family]!
        // Conditional rules (reference: "3 and 9 for organisations and individual businesses;
        // 12 and 13 for natural persons; 20, 21, 22 when the category applies").
        func insert(_ code: String) { required[columns.firstIndex { $0.code == code }!] = true }
        func party(_ p: Party, prefix: String) {
            switch p {
            case .organization, .individualBusiness:
                insert(prefix + "_XDR_SHXYM")
                insert(prefix + "_FRDB")
                if case .individualBusiness(let o) = p, USCC.isPlaceholder(o.uscc) { insert(prefix + "_XDR_GSZC") }
            case .person:
                insert(prefix + "_XDR_ZJLX")
                insert(prefix + "_XDR_ZJHM")
            }
        }
        switch record {
        case .penalty(let p):
            party(p.party, prefix: "CF")
            if p.categories.contains(.fine) { insert("CF_NR_FK") }
            if p.categories.contains(.confiscation) { insert("CF_NR_WFFF") }
            if p.categories.contains(.licenseSuspension) || p.categories.contains(.licenseRevocation) { insert("CF_NR_ZKDX") }
        case .enforcement(let e):
            party(e.party, prefix: "QZ")
        default:
            break
        }
        var problems = [String]()
        for (i, column) in columns.enumerated() {
            var value = row.values[i]
            if required[i], isBlank(value) {
                problems.append("\(column.code) (\(column.header)) is required and empty")
            } else if let limit = column.maxLength, value.withUTF8({ isLonger($0, than: limit) }) {
                problems.append("\(column.code) (\(column.header)) is longer than \(limit) characters")
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    static func isBlank(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { isBlank(bytes: $0) }
    }

    /// Empty or only white space; ASCII is decided from the bytes, the rest by Unicode,
    /// scalar by scalar (a Chinese value is decided by its first character).
    static func isBlank(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for (k, b) in bytes.enumerated() {
            if b == 0x20 || (0x09...0x0D).contains(b) { continue }
            if b < 0x80 { return false }
            var rest = UnsafeBufferPointer(rebasing: bytes[k...]).makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&rest) {
                // No White_Space character lies above U+3000, so CJK text is decided without
                // the Unicode property tables.
                case .scalarValue(let scalar): if scalar.value > 0x3000 || !scalar.properties.isWhitespace { return false }
                case .emptyInput: return true
                case .error: return false  // U+FFFD, as String(decoding:) reads it: not white space
                }
            }
        }
        return true
    }

    /// More than `limit` Unicode scalars. UTF-8 length bounds the scalar count from above:
    /// scalars are counted only when it might matter.
    static func isLonger(_ bytes: UnsafeBufferPointer<UInt8>, than limit: Int) -> Bool {
        bytes.count > limit && bytes.reduce(0, { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }) > limit
    }

    static let unconditional: [ExportFamily: [Bool]] =
        Dictionary(uniqueKeysWithValues: ExportFamily.allCases.map { ($0, $0.columns.map(\.required)) })
}
