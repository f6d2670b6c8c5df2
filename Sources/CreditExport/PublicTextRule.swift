import CreditRecords

/// The export's side of docs/records.md "Personal data in public text": a row about an
/// organisation carries the authority's prose (违法事实, 处罚依据, 备注, …) because the national
/// format requires or defines those columns, so the same scan that refuses such text at
/// append runs on the finished row. New records cannot fail it; a record appended before the
/// scan existed whose text holds an ID number, a mobile number or an individual business's
/// code is rejected (`personal_data` in rejects.jsonl, naming the column, never the value)
/// instead of reaching the platform. Rows without such text are unchanged, byte for byte.
enum PublicTextRule {
    /// Per family (by ordinal), the columns of prose; identifier columns (a legal
    /// representative's ID number, a party's USCC) are not prose and are not scanned.
    static let textColumns: [[Int]] = ExportFamily.allCases.map { family in
        let codes: Set<String>
        switch family {
        case .xzcf: codes = ["CF_WFXW", "CF_SY", "CF_YJ", "CF_NR", "CF_NR_ZKDX", "BZ"]
        case .xzqz: codes = ["QZ_SY", "QZ_YJ", "QZ_NR", "BZ"]
        case .xzjc: codes = ["JC_NR", "JC_JCRY", "BZ"]
        case .djba: codes = ["BA_DZ", "BZ"]
        case .ndsh: codes = ["BZ"]
        // About a person: exported with the identifiers the format requires.
        case .sxmd, .sfpj: codes = []
        }
        return family.columns.enumerated().filter { codes.contains($0.element.code) }.map(\.offset)
    }

    /// The column of the party category, when the family has one: the row is about an
    /// organisation only when it says 法人及非法人组织.
    static let categoryColumn: [Int?] = ExportFamily.allCases.map { family in
        family.columns.firstIndex { $0.code.hasSuffix("_XDR_LB") }
    }

    static let organization = PartyCategory.organization.nationalName

    static func isAboutOrganization(family: ExportFamily, category: () -> String?) -> Bool {
        switch family {
        case .djba, .ndsh: return true
        case .sxmd, .sfpj: return false
        case .xzcf, .xzqz, .xzjc: return category() == organization
        }
    }

    /// Why `row` may not be exported, or nil.
    static func problem(in row: ExportRow) -> String? {
        let f = row.family.ordinal
        guard !textColumns[f].isEmpty,
              isAboutOrganization(family: row.family, category: { categoryColumn[f].map { row.values[$0] } }) else { return nil }
        var problems: [String] = []
        for i in textColumns[f] {
            if let finding = PersonalDataScan.find(in: row.values[i]) {
                let column = row.family.columns[i]
                problems.append("\(column.code) (\(column.header)) contains \(finding.description)")
            }
        }
        guard !problems.isEmpty else { return nil }
        return problems.joined(separator: "; ") + "; a published record about an organisation must not carry personal data (revoke it as data_error and record it again)"
    }

    /// Whether a value might hold a personal identifier: at least 8 digits (ASCII or
    /// full-width), the fewest any of them has. Lets the fast path skip the scan on
    /// ordinary prose.
    static func mayHoldIdentifier(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 { digits += 1 }
            // Full-width ０–９: EF BC 90–99.
            else if b == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xBC, (0x90...0x99).contains(bytes[i + 2]) { digits += 1; i += 2 }
            if digits >= 8 { return true }
            i += 1
        }
        return false
    }
}
