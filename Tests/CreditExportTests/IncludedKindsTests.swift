@testable import CreditExport
import CreditRecords
import Foundation
import LedgerTestSupport
import Testing

/// `--include`: judgments, filings and annual reviews as the project-defined families sfpj,
/// djba and ndsh — only when asked for, with default batches unchanged.
@Suite struct IncludedKindsTests {
    static let all = try! MappingOptions(including: MappingOptions.optionalKinds)

    func row(_ example: String, seq: UInt64 = 9, options: MappingOptions = IncludedKindsTests.all) -> ExportRow? {
        guard case .row(let row) = RecordMapper.map(ExportFixtures.record(ExportFixtures.example(example)), seq: seq, options: options) else {
            Issue.record("\(example) did not map to a row")
            return nil
        }
        return row
    }

    @Test func judgmentMapsToSfpj() throws {
        let r = try #require(row("judgment-practice-ban"))
        #expect(r.family == .sfpj && r.values.count == Columns.sfpj.count)
        #expect(r["PJ_XM"] == "林晓燕" && r["PJ_ZJLX"] == "身份证" && r["PJ_ZJHM"] == "330381199211083443")
        #expect(r["PJ_AH"] == "（2026）浙0304刑初123号")
        #expect(r["PJ_ZM"] == "虐待被监护、看护人罪" && r["PJ_XF"] == "有期徒刑二年")
        #expect(r["PJ_PJRQ"] == "2026-08-01" && r["PJ_CYJZ"] == "2031-08-01")
        #expect(r["PJ_FY"] == "温州市瓯海区人民法院" && r["PJ_FYDM"] == "113303040026521388")
        #expect(r["PJ_SJLY"] == "温州市瓯海区卫生健康局" && r["PJ_SJLYDM"] == "113303040025997855")
        #expect(r["BZ"] == "" && r["OPERATION"] == "新增" && r["SOURCE_SEQ"] == "9" && r["WITHDRAWN_BY"] == "")
    }

    @Test func filingsMapToDjba() throws {
        let filed = try #require(row("institution_filing-filed"))
        #expect(filed.family == .djba && filed.values.count == Columns.djba.count)
        #expect(filed["BA_JGMC"] == "温州市瓯海区小星星托育有限公司" && filed["BA_SHXYM"] == "91330304MA2J7K8L10")
        #expect(filed["BA_JGXZ"] == "营利性" && filed["BA_XZQH"] == "330304" && filed["BA_TWS"] == "60")
        #expect(filed["BA_DZ"] == "温州市瓯海区娄桥街道古岸头路18号")
        #expect(filed["BA_FRDB"] == "王丽" && filed["BA_FR_ZJLX"] == "身份证" && filed["BA_FR_ZJHM"] == "330302199003150044")
        #expect(filed["BA_LX"] == "备案" && filed["BA_BH"] == "瓯卫托备〔2026〕12号" && filed["BA_RQ"] == "2026-03-01")
        #expect(filed["BA_DJJG"] == "温州市瓯海区市场监督管理局" && filed["BA_DJJGDM"] == "11330304MB1C247898")
        #expect(filed["BA_BAJG"] == "温州市瓯海区卫生健康局" && filed["BA_BAJGDM"] == "113303040025997855")
        #expect(filed["BZ"] == "")
        let gone = try #require(row("institution_filing-deregistered"))
        #expect(gone["BA_LX"] == "注销" && gone["BA_JGXZ"] == "非营利性" && gone["BZ"] == "连续两年年审不合格，责令关闭，注销备案")
    }

    @Test func annualReviewMapsToNdsh() throws {
        let r = try #require(row("annual_review-fail"))
        #expect(r.family == .ndsh && r.values.count == Columns.ndsh.count)
        #expect(r["NS_JGMC"] == "温州市瓯海区爱心托育中心" && r["NS_SHXYM"] == "52330304MJ8N4R2T7U")
        #expect(r["NS_ND"] == "2025" && r["NS_JG"] == "不合格" && r["NS_RQ"] == "2026-01-15")
        #expect(r["NS_SHJG"] == "温州市瓯海区卫生健康局" && r["NS_SHJGDM"] == "113303040025997855")
        #expect(r["BZ"] == "保育人员配比不足，消防通道堵塞")
    }

    @Test func eachKindIsIncludedOnItsOwn() throws {
        let judgments = try MappingOptions(including: [.judgment])
        #expect(row("judgment-practice-ban", options: judgments)?.family == .sfpj)
        for name in ["institution_filing-filed", "annual_review-fail"] {
            #expect(RecordMapper.map(ExportFixtures.record(ExportFixtures.example(name)), seq: 1, options: judgments) == .notExported)
        }
        #expect(judgments.families == [.sfpj, .sxmd, .xzcf, .xzjc, .xzqz])
    }

    @Test func byDefaultTheyAreNotExported() {
        for name in ["judgment-practice-ban", "institution_filing-filed", "institution_filing-deregistered", "annual_review-fail"] {
            #expect(RecordMapper.map(ExportFixtures.record(ExportFixtures.example(name)), seq: 1) == .notExported)
            #expect(RecordMapper.map(ExportFixtures.record(ExportFixtures.example(name)), seq: 1, options: MappingOptions()) == .notExported)
        }
        #expect(MappingOptions().families == ExportFamily.national.sorted())
        #expect(Manifest.dataFileNames() == ["sxmd.csv", "sxmd.jsonl", "xzcf.csv", "xzcf.jsonl", "xzjc.csv", "xzjc.jsonl",
                                             "xzqz.csv", "xzqz.jsonl", "rejects.jsonl"])
    }

    @Test func theRequiredFieldRulesApply() throws {
        var r = try #require(row("judgment-practice-ban"))
        r.values[Columns.sfpj.firstIndex { $0.code == "PJ_AH" }!] = " "
        r.values[Columns.sfpj.firstIndex { $0.code == "PJ_FY" }!] = String(repeating: "法", count: 201)
        let problem = try #require(RequiredFields.problem(in: r, record: ExportFixtures.record(ExportFixtures.example("judgment-practice-ban"))))
        #expect(problem == "PJ_AH (案号) is required and empty; PJ_FY (审判法院) is longer than 200 characters")
        #expect(!problem.contains("330381199211083443"))
        // Every column of the new families that the mapper always fills is required, and
        // each table ends with BZ like the national ones.
        for family in [ExportFamily.sfpj, .djba, .ndsh] {
            #expect(family.columns.last?.code == "BZ")
            #expect(Set(family.columns.map(\.code)).count == family.columns.count)
        }
    }

    @Test func aDefaultBatchHasNoneOfTheirFiles() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let batch = try #require(try await log.export().built)
        let manifest = try BatchVerifier.verify(directory: log.spool + "/" + batch, verifier: log.verifier)
        #expect(manifest.includedKinds == nil && manifest.counts.notExported == 3)
        #expect(manifest.files.map(\.name) == Manifest.dataFileNames().sorted())
        #expect(Set(manifest.counts.families.keys) == ["sxmd", "xzcf", "xzjc", "xzqz"])
        let names = try FileManager.default.contentsOfDirectory(atPath: log.spool + "/" + batch)
        #expect(!names.contains { $0.hasPrefix("sfpj") || $0.hasPrefix("djba") || $0.hasPrefix("ndsh") })
        let manifestText = String(decoding: log.file(batch, Manifest.fileName), as: UTF8.self)
        #expect(!manifestText.contains("includedKinds"))
        let cursor = String(decoding: FileManager.default.contents(atPath: log.spool + "/" + ExportState.fileName)!, as: UTF8.self)
        #expect(!cursor.contains("includedKinds"))
    }

    @Test func includedKindsGiveRowsAndARecordedSetting() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed + [ExportFixtures.entry(ExportFixtures.example("institution_filing-deregistered"))]) // 0…12
        let batch = try #require(try await log.exporter(mapping: Self.all).run().built)
        let manifest = try BatchVerifier.verify(directory: log.spool + "/" + batch, verifier: log.verifier)
        #expect(manifest.includedKinds == ["annual_review", "institution_filing", "judgment"])
        #expect(manifest.counts.notExported == 0 && manifest.counts.rejects == 0 && manifest.counts.records == 13)
        #expect(manifest.counts.families["sfpj"]?.added == 1)
        #expect(manifest.counts.families["djba"]?.added == 2)
        #expect(manifest.counts.families["ndsh"]?.added == 1)
        #expect(manifest.counts.families["xzcf"]?.added == 4)
        #expect(manifest.files.map(\.name) == Manifest.dataFileNames(Self.all).sorted())
        #expect(manifest.files.first { $0.name == "djba.csv" }?.rows == 2)
        #expect(log.rows(batch, .sfpj).map { $0["SOURCE_SEQ"] } == [.number("9")])
        #expect(log.rows(batch, .djba).map { $0["SOURCE_SEQ"] } == [.number("10"), .number("12")])
        #expect(log.rows(batch, .ndsh).first?["NS_JG"] == .string("不合格"))
        let csv = log.file(batch, "djba.csv")
        #expect(Array(csv.prefix(3)) == CSVEncoding.byteOrderMark)
        #expect(String(decoding: csv.dropFirst(3), as: UTF8.self).hasPrefix(ExportFamily.djba.allColumns.map(\.header).joined(separator: ",") + "\r\n"))
        // The national files are those of a default batch of the same range.
        let plain = try #require(try await log.export(spool: log.root + "/plain").built)
        for name in Manifest.dataFileNames() where name != "rejects.jsonl" {
            #expect(log.file(batch, name) == log.file(plain, name, spool: log.root + "/plain"), "\(name)")
        }
        // Repeated runs give the same bytes.
        let again = try #require(try await log.exporter(spool: log.root + "/again", mapping: Self.all).run().built)
        for name in Manifest.dataFileNames(Self.all) + [Manifest.fileName, Manifest.signatureFileName] {
            #expect(log.file(batch, name) == log.file(again, name, spool: log.root + "/again"), "\(name)")
        }
        #expect(try ExportState.load(directory: log.spool)?.mapping == Self.all)
    }

    @Test func withdrawalsOfIncludedKinds() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)                                    // 0…11; 9 judgment, 10 filing, 11 review
        _ = try #require(try await log.exporter(mapping: Self.all).run().built)
        try await log.append([
            ExportFixtures.entry(ExportFixtures.revocation(target: 9, n: 1)),        // 12: judgment exported before
            ExportFixtures.entry(ExportFixtures.creditRepair(target: 11, n: 2)),     // 13: annual review
            ExportFixtures.entry(ExportFixtures.example("institution_filing-deregistered")), // 14
            ExportFixtures.entry(ExportFixtures.revocation(target: 14, n: 3)),       // 15: same batch
            ExportFixtures.entry(ExportFixtures.revocation(target: 9, n: 4)),        // 16: already withdrawn
        ])
        let second = try #require(try await log.exporter(mapping: Self.all).run().built)
        let sfpj = log.rows(second, .sfpj)
        #expect(sfpj.count == 1)
        #expect(sfpj.first?["OPERATION"] == .string("撤回") && sfpj.first?["SOURCE_SEQ"] == .number("9") && sfpj.first?["WITHDRAWN_BY"] == .number("12"))
        #expect(sfpj.first?["PJ_AH"] == .string("（2026）浙0304刑初123号"))
        let ndsh = log.rows(second, .ndsh)
        #expect(ndsh.map { $0["OPERATION"] } == [.string("撤回")] && ndsh.first?["WITHDRAWN_BY"] == .number("13"))
        let djba = log.rows(second, .djba)
        #expect(djba.map { $0["OPERATION"] } == [.string("新增"), .string("撤回")])
        #expect(djba.map { $0["SOURCE_SEQ"] } == [.number("14"), .number("14")])
        let rejects = log.file(second, "rejects.jsonl").split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        #expect(rejects.map { $0["seq"] } == [.number("16")] && rejects.first?["code"] == .string("target_withdrawn"))
        let manifest = try BatchVerifier.verify(directory: log.spool + "/" + second, verifier: log.verifier)
        #expect(manifest.counts.notExported == 0)

        // Without --include, the same withdrawals withdraw nothing (their targets never went out).
        _ = try await log.export(spool: log.root + "/plain")
        let plain = try #require(log.batches(spool: log.root + "/plain").first)
        let counts = try BatchVerifier.verify(directory: log.root + "/plain/" + plain, verifier: log.verifier).counts
        #expect(counts.notExported == 4 + 4 && counts.rejects == 0)   // 9, 10, 11, 14 and their four withdrawals
    }

    @Test func aChangedSettingOverAnExistingSpoolIsRefused() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        _ = try await log.export()
        try await log.append([ExportFixtures.entry(ExportFixtures.example("institution_filing-deregistered"))])
        let cursor = FileManager.default.contents(atPath: log.spool + "/" + ExportState.fileName)
        await #expect(throws: ExportError.self) { try await log.exporter(mapping: Self.all).run() }
        do {
            _ = try await log.exporter(mapping: try MappingOptions(including: [.judgment])).run()
            Issue.record("a changed setting was not refused")
        } catch let error as ExportError {
            #expect(error.isConfiguration && !error.isAlarm)
            #expect(error.description.contains("included kinds none") && error.description.contains("asks for judgment"))
        }
        // Nothing moved: no batch, the cursor as it was; the old setting still works.
        #expect(log.batches().count == 1)
        #expect(FileManager.default.contents(atPath: log.spool + "/" + ExportState.fileName) == cursor)
        #expect(try await log.export().built != nil)

        // And the other way round: a spool made with --include refuses a run without it.
        let spool = log.root + "/with"
        _ = try await log.exporter(spool: spool, mapping: Self.all).run()
        try await log.append([ExportFixtures.entry(ExportFixtures.revocation(target: 9))])
        do {
            _ = try await log.export(spool: spool)
            Issue.record("a run without --include over an --include spool was not refused")
        } catch let error as ExportError {
            #expect(error.isConfiguration && error.description.contains("annual_review,institution_filing,judgment"))
        }
        #expect(try await log.exporter(spool: spool, mapping: Self.all).run().built != nil)
    }

    @Test func aCompleteBatchWithAnotherSettingIsNotAdopted() async throws {
        // A crash between the rename and the first cursor write leaves a batch but no cursor.
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        _ = try await log.exporter(mapping: Self.all).run()
        try FileManager.default.removeItem(atPath: log.spool + "/" + ExportState.fileName)
        do {
            _ = try await log.export()
            Issue.record("a batch made with --include was adopted by a run without it")
        } catch let error as ExportError {
            #expect(error.isConfiguration)
        }
        #expect(try await log.exporter(mapping: Self.all).run().built != nil)
    }

    /// A profile without a template for an included kind is refused before the spool is made,
    /// so the refused run leaves no empty spool behind.
    @Test func aProfileWithoutTheKindsTemplateIsRefusedBeforeTheSpoolExists() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let spool = log.spool + "-national"
        let exporter = try log.exporter(spool: spool, mapping: try MappingOptions(including: [.judgment]),
                                        profile: ExportProfile.builtin("national-2.0")!)
        do {
            _ = try await exporter.run()
            Issue.record("national-2.0 took judgments")
        } catch let error as ExportError {
            #expect(error.isConfiguration && error.description.contains("no template for sfpj"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: spool))
    }

    @Test func parsingTheFlag() throws {
        #expect(try MappingOptions.parse([]) == MappingOptions())
        #expect(try MappingOptions.parse(["judgment,institution_filing", "annual_review"]) == Self.all)
        #expect(try MappingOptions.parse(["judgment", "judgment"]).names == ["judgment"])
        for bad in [["judgement"], ["judgment,"], ["penalty"], ["revocation"], ["JUDGMENT"]] {
            do {
                _ = try MappingOptions.parse(bad, flag: "--export-include")
                Issue.record("\(bad) was accepted")
            } catch let error as ExportError {
                #expect(error.isConfiguration && error.description.contains("--export-include"), "\(error)")
                #expect(error.description.contains("judgment, institution_filing, annual_review"))
            }
        }
        #expect(throws: ExportError.self) { try MappingOptions(including: [.penalty]) }
    }

    /// The command line: an unknown kind is a usage error naming the flag, before anything is read.
    @Test func theCommandRejectsAnUnknownKind() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        for arguments in [["export", "--data", "/nonexistent", "--out", "/nonexistent/spool", "--include", "judgment,verdict"],
                          ["serve", "--data", "/nonexistent", "--export-every", "1h", "--export-to", "/nonexistent/spool", "--export-include", "verdict"]] {
            let run = try await ChildProcess.capture(binary, arguments)
            let printed = String(decoding: run.stderr, as: UTF8.self)
            let flag = arguments[arguments.count - 2]
            #expect(run.outcome == .exited(64), "\(arguments): \(printed)")
            #expect(printed.contains("\(flag): unknown kind \"verdict\""), "\(printed)")
            #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
        }
    }
}
