import CreditRecords
import Foundation

/// Reads a profile strictly: every key known, every value of its type, every column a code
/// of its family. Errors name the key by JSON pointer (`/families/xzcf/0/colums`), since an
/// operator edits these files by hand and a silently ignored key would ship a wrong upload.
extension ExportProfile {
    public init(json bytes: [UInt8]) throws {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw ExportError.configuration("profile: not JSON (\(error))")
        }
        let p = ProfileReader()
        let top = try p.object(root, at: "")
        try p.only(top, ["profile", "description", "modelledOn", "format", "noEndDate", "legalRepresentativeId",
                         "excludeSummaryProcedure", "withdrawals", "families", "values", "feedback", "xlsxWriter"], at: "")
        let name = try p.string(top["profile"], at: "/profile")
        guard name.range(of: "^[A-Za-z0-9._-]{1,64}$", options: .regularExpression) != nil else {
            throw p.bad("/profile", "is not a name of letters, digits, '.', '_' or '-'")
        }
        if let d = top["description"] { _ = try p.string(d, at: "/description") }
        let modelledOn = try p.string(top["modelledOn"], at: "/modelledOn")
        guard let format = Format(rawValue: try p.string(top["format"], at: "/format")) else {
            throw p.bad("/format", "is not one of \(Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let noEnd = try top["noEndDate"].map { try p.string($0, at: "/noEndDate") } ?? RecordMapper.noEnd
        guard LocalDate(iso: noEnd) != nil else { throw p.bad("/noEndDate", "is not a YYYY-MM-DD date") }
        let repID = try top["legalRepresentativeId"].map { try p.bool($0, at: "/legalRepresentativeId") } ?? false
        let excludeSummary = try top["excludeSummaryProcedure"].map { try p.bool($0, at: "/excludeSummaryProcedure") } ?? false

        let xlsxWriter: XLSXWriter
        if let w = top["xlsxWriter"] {
            guard format == .xlsx else { throw p.bad("/xlsxWriter", "is allowed only with format xlsx") }
            guard let choice = XLSXWriter(rawValue: try p.string(w, at: "/xlsxWriter")) else {
                throw p.bad("/xlsxWriter", "is not one of \(XLSXWriter.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            xlsxWriter = choice
        } else {
            xlsxWriter = .streaming
        }

        var channel = WithdrawalChannel.list
        if let w = top["withdrawals"] {
            let o = try p.object(w, at: "/withdrawals")
            switch try p.string(o["channel"], at: "/withdrawals/channel") {
            case "list":
                try p.only(o, ["channel"], at: "/withdrawals")
            case "flag":
                try p.only(o, ["channel", "header", "add", "withdraw"], at: "/withdrawals")
                channel = .flag(header: try p.string(o["header"], at: "/withdrawals/header"), add: try p.string(o["add"], at: "/withdrawals/add"),
                                withdraw: try p.string(o["withdraw"], at: "/withdrawals/withdraw"))
            default: throw p.bad("/withdrawals/channel", "is not list or flag")
            }
        }

        var families = [ExportFamily: [Template]]()
        var stems = Set<String>()
        if let f = top["families"] {
            for (key, value) in try p.object(f, at: "/families").members {
                guard let family = ExportFamily(rawValue: key) else {
                    throw p.bad("/families/\(key)", "is not a family (\(ExportFamily.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                let templates = try p.array(value, at: "/families/\(key)").enumerated().map { i, t in
                    try p.template(t, family: family, flag: channel != .list, at: "/families/\(key)/\(i)")
                }
                guard !templates.isEmpty else { throw p.bad("/families/\(key)", "has no template") }
                try p.checkParties(templates, family: family, at: "/families/\(key)")
                for (i, t) in templates.enumerated() {
                    guard stems.insert(t.file).inserted, !t.file.hasSuffix("-withdrawals"), t.file != "rejects", t.file != "bookkeeping" else {
                        throw p.bad("/families/\(key)/\(i)/file", "is used twice or is a reserved name")
                    }
                }
                families[family] = templates
            }
        }
        var values = [String: ValueMap]()
        if let v = top["values"] {
            for (code, spec) in try p.object(v, at: "/values").members {
                let o = try p.object(spec, at: "/values/\(code)")
                try p.only(o, ["separator", "map"], at: "/values/\(code)")
                let separator = try o["separator"].map { try p.string($0, at: "/values/\(code)/separator") }
                var map = [String: String]()
                for (from, to) in try p.object(o["map"], at: "/values/\(code)/map").members { map[from] = try p.string(to, at: "/values/\(code)/map/\(from)") }
                values[code] = ValueMap(separator: separator, map: map)
            }
        }
        var feedback: Feedback?
        if let fb = top["feedback"] {
            let o = try p.object(fb, at: "/feedback")
            try p.only(o, ["fileColumn", "rowColumn", "codeColumn", "messageColumn"], at: "/feedback")
            feedback = Feedback(fileColumn: try p.string(o["fileColumn"], at: "/feedback/fileColumn"),
                                rowColumn: try p.string(o["rowColumn"], at: "/feedback/rowColumn"),
                                codeColumn: try p.string(o["codeColumn"], at: "/feedback/codeColumn"),
                                messageColumn: try o["messageColumn"].map { try p.string($0, at: "/feedback/messageColumn") })
        }
        if format == .csvJSONLines {
            // The project's own layout is fixed: nothing of it can be configured.
            for key in ["families", "values", "withdrawals", "feedback"] where top[key] != nil {
                throw p.bad("/\(key)", "is not allowed with format csv+jsonl (the project's fixed layout)")
            }
        } else {
            for family in ExportFamily.national where families[family] == nil {
                throw p.bad("/families/\(family.rawValue)", "is missing (every national family needs a template)")
            }
        }
        self.init(name: name, modelledOn: modelledOn, format: format, xlsxWriter: xlsxWriter, noEndDate: noEnd, legalRepresentativeID: repID,
                  excludeSummaryProcedure: excludeSummary, withdrawals: channel, families: families, values: values,
                  feedback: feedback, source: bytes)
    }
}

private struct ProfileReader {
    func bad(_ pointer: String, _ why: String) -> ExportError {
        .configuration("profile: \(pointer.isEmpty ? "the document" : pointer) \(why)")
    }

    func object(_ value: JSONValue?, at pointer: String) throws -> JSONObject {
        guard let value else { throw bad(pointer, "is missing") }
        guard let o = value.objectValue else { throw bad(pointer, "is not an object") }
        return o
    }

    func array(_ value: JSONValue?, at pointer: String) throws -> [JSONValue] {
        guard let value else { throw bad(pointer, "is missing") }
        guard let a = value.arrayValue else { throw bad(pointer, "is not an array") }
        return a
    }

    func string(_ value: JSONValue?, at pointer: String) throws -> String {
        guard let value else { throw bad(pointer, "is missing") }
        guard let s = value.stringValue, !s.isEmpty else { throw bad(pointer, "is not a non-empty string") }
        return s
    }

    func bool(_ value: JSONValue, at pointer: String) throws -> Bool {
        guard let b = value.boolValue else { throw bad(pointer, "is not true or false") }
        return b
    }

    /// Unknown keys are refused by name, so a typo is not a silently default setting.
    func only(_ object: JSONObject, _ keys: Set<String>, at pointer: String) throws {
        if let unknown = object.keys.filter({ !keys.contains($0) }).sorted().first {
            throw bad("\(pointer)/\(unknown)", "is not a profile key (known here: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    func template(_ value: JSONValue, family: ExportFamily, flag: Bool, at pointer: String) throws -> ExportProfile.Template {
        let o = try object(value, at: pointer)
        try only(o, ["file", "sheet", "parties", "columns"], at: pointer)
        let file = try string(o["file"], at: pointer + "/file")
        guard file.range(of: "^[a-z0-9_-]{1,64}$", options: .regularExpression) != nil else {
            throw bad(pointer + "/file", "is not a file stem of a-z, 0-9, '_' or '-'")
        }
        let sheet = try string(o["sheet"], at: pointer + "/sheet")
        guard sheet.count <= 31, sheet.rangeOfCharacter(from: CharacterSet(charactersIn: "[]:*?/\\")) == nil else {
            throw bad(pointer + "/sheet", "is not an Excel sheet name (at most 31 characters, none of []:*?/\\)")
        }
        var parties: Set<PartyCategory>?
        if let list = o["parties"] {
            parties = Set(try array(list, at: pointer + "/parties").enumerated().map { i, v in
                guard let c = PartyCategory(rawValue: try string(v, at: "\(pointer)/parties/\(i)")) else {
                    throw bad("\(pointer)/parties/\(i)", "is not organization, individual_business or person")
                }
                return c
            })
        }
        let codes = Set(family.columns.map(\.code))
        var seen = Set<String>()
        let columns = try array(o["columns"], at: pointer + "/columns").enumerated().map { i, c -> ExportProfile.TemplateColumn in
            let at = "\(pointer)/columns/\(i)"
            let col = try object(c, at: at)
            try only(col, ["code", "header", "type"], at: at)
            let code = try string(col["code"], at: at + "/code")
            guard codes.contains(code) || (flag && code == ProfileFiles.flagCode) else {
                throw bad(at + "/code", "\"\(code)\" is not a column of \(family.rawValue)" + (code == ProfileFiles.flagCode ? " (the flag column needs withdrawals.channel flag)" : ""))
            }
            guard seen.insert(code).inserted else { throw bad(at + "/code", "\"\(code)\" is listed twice") }
            let type = try col["type"].map { t -> ExportProfile.CellType in
                guard let ct = ExportProfile.CellType(rawValue: try string(t, at: at + "/type")) else { throw bad(at + "/type", "is not text or number") }
                return ct
            } ?? .text
            return .init(code: code, header: try string(col["header"], at: at + "/header"), type: type)
        }
        guard !columns.isEmpty else { throw bad(pointer + "/columns", "is empty") }
        if flag && !seen.contains(ProfileFiles.flagCode) {
            throw bad(pointer + "/columns", "has no \(ProfileFiles.flagCode) column, which withdrawals.channel flag needs")
        }
        return .init(file: file, sheet: sheet, parties: parties, columns: columns)
    }

    /// A family with a party (行政相对人) splits by category: every category in exactly one
    /// template, so each row has one place to go.
    func checkParties(_ templates: [ExportProfile.Template], family: ExportFamily, at pointer: String) throws {
        let hasParty = family == .xzcf || family == .xzqz
        if !hasParty {
            guard templates.count == 1, templates[0].parties == nil else {
                throw bad(pointer, "has one subject kind: one template without parties")
            }
            return
        }
        if templates.count == 1, templates[0].parties == nil { return }
        var owner = [PartyCategory: Int]()
        for (i, t) in templates.enumerated() {
            guard let parties = t.parties else { throw bad("\(pointer)/\(i)/parties", "is missing (the family has several templates)") }
            for c in parties {
                guard owner.updateValue(i, forKey: c) == nil else { throw bad("\(pointer)/\(i)/parties", "repeats \(c.rawValue)") }
            }
        }
        if let missing = PartyCategory.allCases.first(where: { owner[$0] == nil }) {
            throw bad(pointer, "has no template for parties \(missing.rawValue)")
        }
    }
}
