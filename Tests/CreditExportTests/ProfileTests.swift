import CreditExport
import CreditRecords
import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing

/// Target profiles (issue 16): every workbook is read back with openpyxl (an independent
/// reader) and compared cell by cell with the rows the csv-2.0 profile (the fast path) gives
/// for the same log, projected through the profile's rules.
@Suite struct ProfileTests {
    /// 0…11 the mixed examples; 12 revokes the organisation's penalty (0); 13 a 简易程序
    /// penalty; 14 a penalty without validUntil; 15 revokes 13 (never exported); 16 revokes
    /// the lifetime ban (4).
    static let entries: [[UInt8]] = ExportFixtures.mixed + [
        ExportFixtures.entry(ExportFixtures.revocation(target: 0, n: 1)),
        ExportFixtures.entry(ExportFixtures.variant("penalty-organization") {
            $0["decisionNo"] = "瓯卫罚〔2026〕77号"
            $0["procedure"] = "summary"
        }),
        ExportFixtures.entry(ExportFixtures.variant("penalty-organization") {
            $0["decisionNo"] = "瓯卫罚〔2026〕78号"
            $0["validUntil"] = nil
        }),
        ExportFixtures.entry(ExportFixtures.revocation(target: 13, n: 2)),
        ExportFixtures.entry(ExportFixtures.revocation(target: 4, n: 3)),
    ]

    static let bookkeepingHeaders: Set<String> = ["操作类型", "来源序号", "撤回依据序号"]

    struct Cell: Equatable, CustomStringConvertible {
        let number: Bool
        let value: String
        var description: String { number ? "n:\(value)" : "s:\(value)" }
    }

    /// Every sheet of every workbook, as openpyxl reads it.
    static func readBack(_ paths: [String]) async throws -> [String: [(name: String, rows: [[Cell?]])]] {
        let script = ExportFixtures.repository + "/tools/export-profiles/read_xlsx.py"
        let run = try await ChildProcess.capture("/usr/bin/env", ["python3", script] + paths)
        guard run.outcome == .exited(0) else {
            throw TestError("python3 read_xlsx.py failed (it needs `pip install openpyxl`): \(String(decoding: run.stderr, as: UTF8.self))")
        }
        let object = try JSONParser.parse(run.stdout, maxDepth: 64).objectValue!
        var out = [String: [(name: String, rows: [[Cell?]])]]()
        for (file, sheets) in object.members {
            out[file] = sheets.arrayValue!.map { sheet in
                let s = sheet.objectValue!
                return (s["name"]!.stringValue!, s["rows"]!.arrayValue!.map { row in
                    row.arrayValue!.map { cell in
                        cell.objectValue.map { Cell(number: $0["t"]!.stringValue! == "n", value: $0["v"]!.stringValue!) }
                    }
                })
            }
        }
        return out
    }

    /// A csv-2.0 row through a template: the profile's no-end date, the representative's ID
    /// left out, amounts as numbers; trailing empty cells dropped as openpyxl drops them.
    static func expected(_ row: JSONObject, _ template: ExportProfile.Template) -> [Cell?] {
        var cells: [Cell?] = template.columns.map { column in
            var value = row[column.code]?.stringValue ?? ""
            if column.code == "CF_YXQ", value.isEmpty { value = "2099-12-31" }
            if ["CF_FR_ZJLX", "CF_FR_ZJHM", "QZ_FR_ZJLX", "QZ_FR_ZJHM"].contains(column.code) { value = "" }
            if value.isEmpty { return nil }
            return column.type == .number ? Cell(number: true, value: String(describing: Double(value)!)) : Cell(number: false, value: value)
        }
        while let last = cells.last, last == nil { cells.removeLast() }
        return cells
    }

    static func categoryOf(_ row: JSONObject) -> PartyCategory? {
        guard let text = (row["CF_XDR_LB"] ?? row["QZ_XDR_LB"])?.stringValue else { return nil }
        return PartyCategory.allCases.first { $0.nationalName == text }
    }

    /// A shipped profile, or `NAME+libxlsxwriter`: the same with the library writing the workbooks.
    static func profile(_ name: String) throws -> ExportProfile {
        let parts = name.split(separator: "+").map(String.init)
        guard parts.count == 2 else { return try #require(ExportProfile.builtin(name)) }
        let text = String(decoding: try #require(ExportProfile.builtin(parts[0])).source, as: UTF8.self).replacingOccurrences(of: "\"format\": \"xlsx\",", with: "\"format\": \"xlsx\", \"xlsxWriter\": \"\(parts[1])\",")
        let profile = try ExportProfile(json: Array(text.utf8))
        #expect(profile.xlsxWriter == .libxlsxwriter)
        return profile
    }

    @Test(arguments: ["national-2.0", "national-2.0-split", "national-2.0+libxlsxwriter", "national-2.0-split+libxlsxwriter"])
    func workbooksHoldExactlyTheExpectedCells(profileName: String) async throws {
        let profile = try Self.profile(profileName)
        let log = try TestLog()
        try await log.append(Self.entries)
        let report = try await log.exporter(profile: profile).run()
        let batch = try #require(report.built)
        let reference = log.root + "/csv"
        _ = try await log.exporter(spool: reference).run()
        let directory = log.spool + "/" + batch

        // The manifest covers every file of the batch; verify-batch checks them all.
        let manifest = try BatchVerifier.verify(directory: directory, verifier: log.verifier)
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: directory)).subtracting([Manifest.fileName, Manifest.signatureFileName])
        #expect(Set(manifest.files.map(\.name)) == present)
        #expect(present.contains(ProfileFiles.bookkeeping) && present.contains("xzcf-withdrawals.xlsx") && present.contains(ProfileFiles.profile))
        #expect(manifest.profile == profile.name)
        // The 简易程序 penalty (13) and the revocation of it (15) are not reported.
        #expect(manifest.counts.notExported == 3 + 2)

        let workbooks = present.filter { $0.hasSuffix(".xlsx") }.sorted()
        let read = try await Self.readBack(workbooks.map { directory + "/" + $0 })
        #expect(Set(read.keys) == Set(workbooks))
        for family in ExportFamily.national {
            let legacy = log.rows(batch, family, spool: reference).filter { $0["OPERATION"] == .string("新增") && $0["SOURCE_SEQ"]?.integerValue != 13 }
            let templates = try #require(profile.families[family])
            var placed = 0
            for template in templates {
                let sheets = try #require(read[template.file + ".xlsx"], "\(template.file)")
                #expect(sheets.map(\.name) == [template.sheet])
                let rows = sheets[0].rows
                // Header row exactly as the profile spells it, and no bookkeeping column.
                let header: [Cell?] = template.columns.map { Cell(number: false, value: $0.header) }
                #expect(rows.first == header)
                #expect(Self.bookkeepingHeaders.isDisjoint(with: template.columns.map(\.header)))
                let mine = legacy.filter { row in template.parties.map { $0.contains(Self.categoryOf(row)!) } ?? true }
                #expect(rows.count - 1 == mine.count, "\(template.file)")
                for (i, row) in mine.enumerated() where i + 1 < rows.count {
                    #expect(rows[i + 1] == Self.expected(row, template), "\(template.file) row \(i + 2)")
                }
                placed += mine.count
            }
            #expect(placed == legacy.count, "\(family): every row in exactly one template")
        }

        // Withdrawals only in the withdrawals lists; the sidecar traces every row.
        let xzcfWithdrawals = try #require(read["xzcf-withdrawals.xlsx"]?.first?.rows)
        #expect(xzcfWithdrawals.count == 2)
        #expect(xzcfWithdrawals[1].first == Cell(number: false, value: "瓯卫罚〔2026〕5号"))
        #expect(xzcfWithdrawals[1].contains(Cell(number: false, value: "瓯卫撤〔2026〕1号")))
        #expect(try #require(read["sxmd-withdrawals.xlsx"]?.first?.rows).count == 2)
        let sidecar = log.file(batch, ProfileFiles.bookkeeping).split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        let withdrawals = sidecar.filter { $0["operation"] == .string("撤回") }
        #expect(withdrawals.map { $0["sourceSeq"]!.integerValue! } == [0, 4])
        #expect(withdrawals.map { $0["withdrawnBy"]!.integerValue! } == [12, 16])
        #expect(withdrawals.allSatisfy { $0["file"]!.stringValue!.hasSuffix("-withdrawals.xlsx") })
        #expect(sidecar.count == manifest.files.filter { $0.name.hasSuffix(".xlsx") }.reduce(0) { $0 + $1.rows })
    }

    @Test func aProfileBatchIsByteIdenticalWhenRebuiltAndRefusesTampering() async throws {
        let log = try TestLog()
        try await log.append(Self.entries)
        let profile = ExportProfile.builtin("national-2.0")!
        let batch = try #require(try await log.exporter(profile: profile).run().built)
        _ = try await log.exporter(spool: log.root + "/again", profile: profile).run()
        for name in profile.dataFileNames(MappingOptions()) + [Manifest.fileName, Manifest.signatureFileName] {
            #expect(log.file(batch, name) == log.file(batch, name, spool: log.root + "/again"), "\(name)")
            #expect(FileManager.default.fileExists(atPath: log.spool + "/" + batch + "/" + name), "\(name)")
        }
        // The sidecar and the withdrawals list are as covered by the signature as the uploads.
        for name in [ProfileFiles.bookkeeping, "xzcf-withdrawals.xlsx", ProfileFiles.profile] {
            let path = log.root + "/again/" + batch + "/" + name
            var bytes = log.file(batch, name, spool: log.root + "/again")
            bytes[bytes.count / 2] ^= 1
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: ExportError.self, "\(name)") { try BatchVerifier.verify(directory: log.root + "/again/" + batch, verifier: log.verifier) }
            bytes[bytes.count / 2] ^= 1
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        // The fast path (bytes → row → template) gives what the full decoder and validator give.
        var options = Exporter.Options(source: try LogDirectorySource(logDirectory: log.logDirectory), verifier: log.verifier, signingKey: log.key,
                                       spool: log.root + "/revalidated")
        (options.profile, options.revalidate) = (profile, true)
        _ = try await Exporter(options: options).run()
        for name in profile.dataFileNames(MappingOptions()) + [Manifest.fileName] {
            #expect(log.file(batch, name) == log.file(batch, name, spool: log.root + "/revalidated"), "\(name) with --revalidate")
        }
        // One spool, one profile.
        try await log.append([ExportFixtures.entry(ExportFixtures.example("inspection-pass"))])
        await #expect(throws: ExportError.self) { try await log.exporter().run() }
    }

    /// A platform's rejection file, read back by the profile's `feedback` columns through the
    /// batch's sidecar: the rejected row shows up with its record's seq and the platform's code.
    @Test func aPlatformRejectionFileIsTracedToRecords() async throws {
        var text = ShippedProfileText.national.replacingOccurrences(of: "\"profile\": \"national-2.0\"", with: "\"profile\": \"baoji-test\"")
        text = text.replacingOccurrences(of: "\"format\": \"xlsx\",", with: """
            "format": "xlsx", "feedback": {"fileColumn": "文件名", "rowColumn": "行号", "codeColumn": "错误代码", "messageColumn": "错误信息"},
            """)
        let profile = try ExportProfile(json: Array(text.utf8))
        let log = try TestLog()
        try await log.append(Self.entries)
        let batch = try #require(try await log.exporter(profile: profile).run().built)
        let rejection = log.root + "/rejected.csv"
        try Data("\u{FEFF}文件名,行号,错误代码,错误信息\r\nxzcf.xlsx,3,1001,\"名称与登记不一致, 请核对\"\r\nxzcf.xlsx,99,1002,无此行\r\n".utf8)
            .write(to: URL(fileURLWithPath: rejection))
        let result = try PlatformFeedback.apply(batchDirectory: log.spool + "/" + batch, rejectionFile: rejection)
        #expect(result.matched == 1 && result.unmatched == 1)
        let lines = try #require(FileManager.default.contents(atPath: result.output)).split(separator: 0x0A)
        let line = try JSONParser.parse(Array(try #require(lines.first))).objectValue!
        // Row 3 of xzcf.xlsx is the second penalty row: seq 1 (penalty-person).
        #expect(line["seq"]?.integerValue == 1)
        #expect(line["code"] == .string("platform:1001"))
        #expect(line["reason"]?.stringValue?.contains("名称与登记不一致, 请核对") == true)
        #expect(result.output == log.spool + "/feedback/" + batch + ".jsonl")
        // The signed batch is untouched.
        try BatchVerifier.verify(directory: log.spool + "/" + batch, verifier: log.verifier)
        // The shipped profiles name no platform's rejection format (it is the province's): refused, saying why.
        let other = try TestLog()
        try await other.append(Self.entries)
        let plain = try #require(try await other.exporter(profile: ExportProfile.builtin("national-2.0")!).run().built)
        #expect(throws: ExportError.self) { try PlatformFeedback.apply(batchDirectory: other.spool + "/" + plain, rejectionFile: rejection) }
    }

    /// A province's flag channel and a JSON intake: no withdrawals list; the withdrawal is the
    /// row again with the withdraw flag; amounts are JSON numbers and empty fields null.
    /// On a flag channel a sheet mixes the fast path's rows (新增, from cell bytes) and the
    /// withdrawals' rows (the string path, flag turned): both land in one workbook, the
    /// withdrawal repeating its row cell for cell.
    @Test func aFlagChannelWorkbookRepeatsTheRowWithTheFlag() async throws {
        var text = ShippedProfileText.national.replacingOccurrences(of: "\"profile\": \"national-2.0\"", with: "\"profile\": \"flag-xlsx\"")
            .replacingOccurrences(of: "\"columns\": [", with: "\"columns\": [{\"code\": \"OPERATION_FLAG\", \"header\": \"OPT_TYPE\"},")
        text = text.replacingOccurrences(of: "\"channel\": \"list\"", with: "\"channel\": \"flag\", \"header\": \"OPT_TYPE\", \"add\": \"I\", \"withdraw\": \"D\"")
        let profile = try ExportProfile(json: Array(text.utf8))
        let log = try TestLog()
        try await log.append(Self.entries)
        let batch = try #require(try await log.exporter(profile: profile).run().built)
        try BatchVerifier.verify(directory: log.spool + "/" + batch, verifier: log.verifier)
        let rows = try #require(try await Self.readBack([log.spool + "/" + batch + "/xzcf.xlsx"])["xzcf.xlsx"]?.first?.rows)
        #expect(rows.first?.first == Cell(number: false, value: "OPT_TYPE"))
        let added = rows.dropFirst().filter { $0.first == Cell(number: false, value: "I") }
        let withdrawn = rows.dropFirst().filter { $0.first == Cell(number: false, value: "D") }
        #expect(added.count + withdrawn.count == rows.count - 1 && !withdrawn.isEmpty)
        for row in withdrawn {
            #expect(added.contains { Array($0.dropFirst()) == Array(row.dropFirst()) }, "a withdrawal repeats its row")
        }
    }

    @Test func aFlagChannelJSONProfileRepeatsTheRowWithTheFlag() async throws {
        var text = ShippedProfileText.national.replacingOccurrences(of: "\"profile\": \"national-2.0\"", with: "\"profile\": \"flag-test\"")
            .replacingOccurrences(of: "\"format\": \"xlsx\"", with: "\"format\": \"jsonl\"")
            .replacingOccurrences(of: "\"columns\": [", with: "\"columns\": [{\"code\": \"OPERATION_FLAG\", \"header\": \"OPT_TYPE\"},")
        text = text.replacingOccurrences(of: "\"channel\": \"list\"", with: "\"channel\": \"flag\", \"header\": \"OPT_TYPE\", \"add\": \"I\", \"withdraw\": \"D\"")
        let profile = try ExportProfile(json: Array(text.utf8))
        #expect(Set(profile.dataFileNames(MappingOptions())) == ["xzcf.jsonl", "sxmd.jsonl", "xzjc.jsonl", "xzqz.jsonl", ProfileFiles.bookkeeping, ProfileFiles.profile, "rejects.jsonl"])
        let log = try TestLog()
        try await log.append(Self.entries)
        let batch = try #require(try await log.exporter(profile: profile).run().built)
        try BatchVerifier.verify(directory: log.spool + "/" + batch, verifier: log.verifier)
        let rows = log.file(batch, "xzcf.jsonl").split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        #expect(rows.allSatisfy { $0.keys == profile.families[.xzcf]![0].columns.map(\.code) })
        let first = try #require(rows.first)
        #expect(first["OPERATION_FLAG"] == .string("I") && first["CF_WSH"] == .string("瓯卫罚〔2026〕5号"))
        #expect(first["CF_NR_FK"] == .number("0.2") && first["CF_FR_ZJHM"] == .null && first["CF_YXQ"] == .string("2026-11-20"))
        let withdrawn = rows.filter { $0["OPERATION_FLAG"] == .string("D") }
        #expect(withdrawn.count == 1)
        var repeated = first
        repeated["OPERATION_FLAG"] = "D"
        #expect(withdrawn.first == repeated)
        let sidecar = log.file(batch, ProfileFiles.bookkeeping).split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        let line = try #require(sidecar.first { $0["operation"] == .string("撤回") && $0["file"] == .string("xzcf.jsonl") })
        #expect(line["sourceSeq"]?.integerValue == 0 && line["withdrawnBy"]?.integerValue == 12)
        #expect(line["row"]?.integerValue.map(Int.init) == rows.firstIndex { $0["OPERATION_FLAG"] == .string("D") }.map { $0 + 1 })
        // A flag profile's template without the flag column is refused, naming where.
        let missing = text.replacingOccurrences(of: "\"columns\": [{\"code\": \"OPERATION_FLAG\", \"header\": \"OPT_TYPE\"},", with: "\"columns\": [")
        #expect(throws: ExportError.self) { try ExportProfile(json: Array(missing.utf8)) }
    }

    /// The command line: a bad profile is a usage error naming the flag and the key, before
    /// anything is read; so is one for the scheduled export.
    @Test func theCommandRefusesABadProfileNamingTheKey() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let directory = try CareLedgerCommand.scratch("profile-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bad = directory + "/mine.json"
        try Data(ShippedProfileText.national.replacingOccurrences(of: "\"legalRepresentativeId\"", with: "\"legalRepresentativeID\"").utf8)
            .write(to: URL(fileURLWithPath: bad))
        for arguments in [["export", "--data", "/nonexistent", "--out", "/nonexistent/spool", "--profile", bad],
                          ["serve", "--data", "/nonexistent", "--export-every", "1h", "--export-to", "/nonexistent/spool", "--export-profile", bad],
                          ["export", "--data", "/nonexistent", "--out", "/nonexistent/spool", "--profile", "national-3.0"]] {
            let run = try await ChildProcess.capture(binary, arguments)
            let printed = String(decoding: run.stderr, as: UTF8.self)
            #expect(run.outcome == .exited(64), "\(arguments): \(printed)")
            #expect(printed.contains(arguments[arguments.count - 2]), "\(printed)")
            #expect(arguments.last != bad || printed.contains("/legalRepresentativeID is not a profile key"), "\(printed)")
            #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
        }
    }

    /// A repair 信用中国 decided is recorded, never sent back: no withdrawal under any profile,
    /// the same through the fast path and the full decoder, and its target counts as withdrawn.
    @Test(arguments: ["csv-2.0", "national-2.0"], [false, true])
    func aRepairThePlatformDecidedExportsNothing(profileName: String, revalidate: Bool) async throws {
        let log = try TestLog()
        var inbound = ExportFixtures.creditRepair(target: 0, n: 5).objectValue!
        var body = inbound["body"]!.objectValue!
        body["decidedBy"] = "credit_platform"
        inbound["body"] = .object(body)
        try await log.append(ExportFixtures.mixed + [ExportFixtures.entry(.object(inbound)), ExportFixtures.entry(ExportFixtures.revocation(target: 0, n: 6))])
        var options = Exporter.Options(source: try LogDirectorySource(logDirectory: log.logDirectory), verifier: log.verifier, signingKey: log.key, spool: log.spool)
        (options.profile, options.revalidate) = (ExportProfile.builtin(profileName)!, revalidate)
        let report = try await Exporter(options: options).run()
        let counts = try #require(report.counts)
        #expect(counts.families.values.allSatisfy { $0.withdrawn == 0 }, "\(counts)")
        #expect(counts.notExported == 3 + 1)
        let rejects = log.file(report.built!, "rejects.jsonl").split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        #expect(rejects.map { $0["seq"]?.integerValue } == [13] && rejects.first?["code"] == .string("target_withdrawn"))
    }

    @Test func shippedProfilesAreTheFilesInSchemas() throws {
        let directory = ExportFixtures.repository + "/schemas/export/profiles"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files == ExportProfile.builtinNames.map { $0 + ".json" }.sorted(), "run tools/export-profiles/gen.py")
        for name in ExportProfile.builtinNames {
            let file = try ExportProfile(json: Array(FileManager.default.contents(atPath: directory + "/" + name + ".json")!))
            #expect(file == ExportProfile.builtin(name), "\(name): run tools/export-profiles/gen.py")
        }
        let split = ExportProfile.builtin("national-2.0-split")!.families[.xzcf]!
        #expect(split.map(\.columns.count) == [26, 20])
        #expect(split[0].parties == [.organization, .individualBusiness] && split[1].parties == [.person])
        #expect(ExportProfile.builtin("national-2.0")!.families[.xzcf]!.map(\.columns.count) == [30])
    }

    /// A profile with one edit: the error names the key by JSON pointer.
    static func refusal(_ edit: (inout String) -> Void) -> String? {
        var text = ShippedProfileText.national
        edit(&text)
        do { _ = try ExportProfile(json: Array(text.utf8)); return nil } catch { return "\(error)" }
    }

    @Test func aProfileWithABadKeyIsRefusedNamingIt() {
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"noEndDate\"", with: "\"noEndDat\"") }?.contains("/noEndDat is not a profile key") == true)
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"sheet\": \"行政处罚\"", with: "\"sheet\": \"行政处罚\", \"colour\": \"red\"") }?
            .contains("/families/xzcf/0/colour is not a profile key") == true)
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"CF_WSH\"", with: "\"CF_WHS\"") }?.contains("/families/xzcf/0/columns/13/code") == true)
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"2099-12-31\"", with: "\"2099-13-31\"") }?.contains("/noEndDate") == true)
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"xlsx\"", with: "\"xls\"") }?.contains("/format") == true)
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"excludeSummaryProcedure\": true", with: "\"excludeSummaryProcedure\": 1") }?
            .contains("/excludeSummaryProcedure is not true or false") == true)
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"format\": \"xlsx\",", with: "\"format\": \"xlsx\", \"xlsxWriter\": \"poi\",") }?
            .contains("/xlsxWriter is not one of streaming, libxlsxwriter") == true)
        #expect(Self.refusal { $0 = $0.replacingOccurrences(of: "\"format\": \"xlsx\",", with: "\"format\": \"csv\", \"xlsxWriter\": \"streaming\",") }?
            .contains("/xlsxWriter is allowed only with format xlsx") == true)
        #expect(Self.refusal { _ in } == nil)
        #expect(throws: ExportError.self) { try ExportProfile.load("national-3.0") }
    }
}

enum ShippedProfileText {
    static var national: String {
        String(decoding: FileManager.default.contents(atPath: ExportFixtures.repository + "/schemas/export/profiles/national-2.0.json")!, as: UTF8.self)
    }
}
