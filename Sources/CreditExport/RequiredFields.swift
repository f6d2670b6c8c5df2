import CreditRecords

/// The national required-field and length rules, checked on the finished row, so a record
/// that slipped past (or predates) the service's validation is rejected with a reason instead
/// of reaching the platform incomplete. Reasons name columns, never values.
enum RequiredFields {
    static func problem(in row: ExportRow, record: Record) -> String? {
        var problems = [String]()
        let columns = row.family.columns
        var required = Set(columns.filter(\.required).map(\.code))
        // Conditional rules (reference: "3 and 9 for organisations and individual businesses;
        // 12 and 13 for natural persons; 20, 21, 22 when the category applies").
        func party(_ p: Party, prefix: String) {
            switch p {
            case .organization, .individualBusiness:
                required.insert(prefix + "_XDR_SHXYM")
                required.insert(prefix == "CF" ? "CF_FRDB" : "QZ_FRDB")
                if case .individualBusiness(let o) = p, USCC.isPlaceholder(o.uscc) { required.insert(prefix + "_XDR_GSZC") }
            case .person:
                required.insert(prefix + "_XDR_ZJLX")
                required.insert(prefix + "_XDR_ZJHM")
            }
        }
        switch record {
        case .penalty(let p):
            party(p.party, prefix: "CF")
            if p.categories.contains(.fine) { required.insert("CF_NR_FK") }
            if p.categories.contains(.confiscation) { required.insert("CF_NR_WFFF") }
            if p.categories.contains(.licenseSuspension) || p.categories.contains(.licenseRevocation) { required.insert("CF_NR_ZKDX") }
        case .enforcement(let e):
            party(e.party, prefix: "QZ")
        default:
            break
        }
        for (column, value) in zip(columns, row.values) {
            if required.contains(column.code), value.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
                problems.append("\(column.code) (\(column.header)) is required and empty")
            } else if let limit = column.maxLength, value.unicodeScalars.count > limit {
                problems.append("\(column.code) (\(column.header)) is longer than \(limit) characters")
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
