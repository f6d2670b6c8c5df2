import CreditRecords
import Foundation
import LedgerCrypto

/// What a receiving platform takes (docs/export.md "Profiles"): the file format, the
/// templates of each family (file, sheet, columns and header spellings, which parties go
/// where), the vocabularies, the no-end date, which optional columns are filled, and the
/// withdrawal channel. A profile is data (`schemas/export/profiles/*.json`, copied and
/// edited by an operator), read strictly: an unknown or mistyped key is refused by name.
public struct ExportProfile: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        /// Today's layout: `<family>.csv` and `.jsonl` with the bookkeeping columns and 撤回
        /// rows inside (the project's own receivers). Takes no templates.
        case csvJSONLines = "csv+jsonl"
        /// One workbook per template (`XLSXWriter` says which code writes it).
        case xlsx
        /// One UTF-8 CSV (BOM, CRLF) per template.
        case csv
        /// One JSON Lines file per template, for a JSON intake: keys the column codes, amounts
        /// as numbers, empty fields `null`.
        case jsonl
    }

    /// Which code writes an xlsx profile's workbooks. The cells are the same either way
    /// (`XLSXWriterTests` compares them through openpyxl).
    public enum XLSXWriter: String, Sendable, CaseIterable {
        /// The export's own writer (`StreamingXLSXWriter`): rows formatted into the sheet's
        /// XML and deflated on another core. The default: it meets the export's rate.
        case streaming
        /// Debian's libxlsxwriter in constant-memory mode, about a quarter of the rate: for a
        /// platform whose reader turns out to take only that library's files.
        case libxlsxwriter
    }

    /// How withdrawals (revocations, credit repairs of exported rows) reach the platform.
    public enum WithdrawalChannel: Sendable, Equatable {
        /// A withdrawals list per family, for the platform's 撤销/修改 route.
        case list
        /// The province's operation flag: a column in the upload files, `add` on new rows and
        /// `withdraw` on a row repeating the withdrawn one.
        case flag(header: String, add: String, withdraw: String)
    }

    public enum CellType: String, Sendable { case text, number }

    public struct TemplateColumn: Sendable, Equatable {
        /// A column code of the family (`Columns`), or `"OPERATION_FLAG"` for the flag column.
        public let code: String
        public let header: String
        public let type: CellType
    }

    /// A template column resolved against its family once per profile: where its value is in
    /// the family's row and what the profile does to it, so mapping a million rows looks
    /// nothing up by name.
    struct ColumnPlan: Sendable, Equatable {
        enum Source: Sendable, Equatable {
            /// The value at this index of the family's columns.
            case value(Int)
            /// The withdrawal flag column.
            case flag
        }
        let source: Source
        let number: Bool
        /// `CF_YXQ`: empty takes the profile's no-end date.
        let noEnd: Bool
        /// A legal representative's ID column the profile leaves empty.
        let cleared: Bool
        let map: ValueMap?
    }

    public struct Template: Sendable, Equatable {
        /// The file stem: `<file>.xlsx` / `<file>.csv`.
        public let file: String
        public let sheet: String
        /// The party categories whose rows go here; nil = every row of the family.
        public let parties: Set<PartyCategory>?
        public let columns: [TemplateColumn]
    }

    /// A column's vocabulary: each value (or each `separator`-joined item) looked up in `map`;
    /// a value not in the map is written as it is.
    public struct ValueMap: Sendable, Equatable {
        public let separator: String?
        public let map: [String: String]

        func apply(_ value: String) -> String {
            guard let separator, !separator.isEmpty else { return map[value] ?? value }
            return value.components(separatedBy: ";").map { map[$0] ?? $0 }.joined(separator: separator)
        }
    }

    /// How a platform's rejection file is read back (`careledger export feedback`): a CSV
    /// with the file, row and code columns named here.
    public struct Feedback: Sendable, Equatable {
        public let fileColumn: String
        public let rowColumn: String
        public let codeColumn: String
        public let messageColumn: String?
    }

    public let name: String
    public let modelledOn: String
    public let format: Format
    public let xlsxWriter: XLSXWriter
    public let noEndDate: String
    public let legalRepresentativeID: Bool
    public let excludeSummaryProcedure: Bool
    public let withdrawals: WithdrawalChannel
    public let families: [ExportFamily: [Template]]
    public let values: [String: ValueMap]
    public let feedback: Feedback?
    /// The bytes the profile was read from (copied into every batch as `profile.json`, so
    /// a batch says how it was made and `verify-batch` knows its files).
    public let source: [UInt8]
    /// Each template's columns resolved once (`ColumnPlan`), in `families`' order.
    let plans: [ExportFamily: [[ColumnPlan]]]

    init(name: String, modelledOn: String, format: Format, xlsxWriter: XLSXWriter, noEndDate: String, legalRepresentativeID: Bool,
         excludeSummaryProcedure: Bool, withdrawals: WithdrawalChannel, families: [ExportFamily: [Template]], values: [String: ValueMap],
         feedback: Feedback?, source: [UInt8]) {
        (self.name, self.modelledOn, self.format, self.xlsxWriter, self.noEndDate, self.legalRepresentativeID) =
            (name, modelledOn, format, xlsxWriter, noEndDate, legalRepresentativeID)
        (self.excludeSummaryProcedure, self.withdrawals, self.families, self.values, self.feedback, self.source) =
            (excludeSummaryProcedure, withdrawals, families, values, feedback, source)
        plans = Dictionary(uniqueKeysWithValues: families.map { family, templates in
            (family, templates.map { t in
                t.columns.map { c in
                    // The parser admits only the family's own codes and the flag.
                    let source: ColumnPlan.Source = c.code == ProfileFiles.flagCode
                        ? .flag : .value(family.columns.firstIndex { $0.code == c.code }!)
                    return ColumnPlan(source: source, number: c.type == .number, noEnd: c.code == "CF_YXQ",
                                      cleared: ProfileMapper.representativeID.contains(c.code) && !legalRepresentativeID, map: values[c.code])
                }
            })
        })
    }

    /// Today's layout, and what a spool made before profiles existed was exported with.
    public var isLegacy: Bool { format == .csvJSONLines }

    public var sha256: String { SHA256.hash(source).hex }

    public var fileExtension: String {
        switch format {
        case .xlsx: return "xlsx"
        case .jsonl: return "jsonl"
        case .csv, .csvJSONLines: return "csv"
        }
    }

    /// The files a batch of this profile holds beside the manifest (rejects last, as today).
    public func dataFileNames(_ mapping: MappingOptions) -> [String] {
        if isLegacy { return Manifest.dataFileNames(mapping) }
        var names = [String]()
        for family in mapping.families {
            for template in families[family] ?? [] { names.append("\(template.file).\(fileExtension)") }
            if withdrawals == .list { names.append("\(family.rawValue)-withdrawals.\(fileExtension)") }
        }
        return names + [ProfileFiles.bookkeeping, ProfileFiles.profile, "rejects.jsonl"]
    }

    /// A mapping this profile cannot write (an included family without a template).
    public func refusal(of mapping: MappingOptions) -> String? {
        guard !isLegacy else { return nil }
        let missing = mapping.families.filter { families[$0] == nil }
        guard missing.isEmpty else {
            return "profile \(name) has no template for \(missing.map(\.rawValue).joined(separator: ", ")); add one to the profile or drop --include"
        }
        return nil
    }
}

public enum ProfileFiles {
    /// One line per upload or withdrawals row: file, row, operation, source seq, withdrawing seq.
    public static let bookkeeping = "bookkeeping.jsonl"
    public static let profile = "profile.json"
    /// The flag column's pseudo-code in a template.
    public static let flagCode = "OPERATION_FLAG"
}

extension ExportProfile {
    public static let defaultName = "national-2.0"

    /// The profiles shipped with the binary (the same bytes as `schemas/export/profiles/`).
    public static func builtin(_ name: String) -> ExportProfile? {
        guard let text = BuiltinProfiles.texts[name] else { return nil }
        return try! ExportProfile(json: Array(text.utf8))
    }

    public static var builtinNames: [String] { BuiltinProfiles.texts.keys.sorted() }

    /// `--profile NAME|PATH`: a shipped profile by name, or a profile file.
    public static func load(_ nameOrPath: String) throws -> ExportProfile {
        if let profile = builtin(nameOrPath) { return profile }
        guard nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") else {
            throw ExportError.configuration("--profile: no profile \"\(nameOrPath)\"; shipped: \(builtinNames.joined(separator: ", ")), or give a file path")
        }
        guard let data = FileManager.default.contents(atPath: nameOrPath) else {
            throw ExportError.configuration("--profile: cannot read \(nameOrPath)")
        }
        return try ExportProfile(json: Array(data))
    }
}
