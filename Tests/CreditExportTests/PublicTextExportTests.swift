import CreditRecords
import DurableStorage
import Foundation
import Testing
@testable import CreditExport

/// docs/export.md "Personal data in public text" and "File permissions": a record appended
/// before the scan existed, with an ID number in an organisation's 违法事实, never reaches the
/// platform; a person's own record and clean records export as before; spools are private.
@Suite struct PublicTextExportTests {
    static let sentence = "保育员张三（身份证号11010519491231002X，手机13800138000）殴打幼儿李小宝（2岁）"

    static func with(_ name: String, facts: String) -> [UInt8] {
        var document = ExportFixtures.example(name).objectValue!
        var body = document["body"]!.objectValue!
        body["facts"] = .string(facts)
        document["body"] = .object(body)
        return ExportFixtures.entry(.object(document))
    }

    @Test func legacyOrganizationTextWithPersonalDataIsRejectedNotExported() async throws {
        let log = try TestLog()
        let legacy = Self.with("penalty-organization", facts: Self.sentence)
        try await log.append([legacy, Self.with("penalty-person", facts: Self.sentence), ExportFixtures.mixed[0],
                              ExportFixtures.entry(ExportFixtures.revocation(target: 0))])
        let batch = try #require(try await log.export().built)
        let lines = log.file(batch, "rejects.jsonl").split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        #expect(lines.map { $0["code"] } == [.string("personal_data"), .string("target_rejected")])
        #expect(lines[0]["reason"]?.stringValue?.contains("CF_SY") == true)
        let rejects = String(decoding: log.file(batch, "rejects.jsonl"), as: UTF8.self)
        #expect(!rejects.contains("11010519491231002X") && !rejects.contains("13800138000"))
        // The person's own penalty (exported with their identifiers as the format requires) and the clean one.
        let rows = log.rows(batch, .xzcf)
        #expect(rows.map { $0["SOURCE_SEQ"] } == [.number("1"), .number("2")])
        #expect(rows.first?["CF_XDR_LB"] == .string(PartyCategory.person.nationalName))
    }

    @Test func fastPathLeavesPersonalDataToTheFullPath() throws {
        let legacy = Self.with("penalty-organization", facts: Self.sentence)
        let envelope = try Envelope.decode(legacy)
        guard case .personalData(let reason) = RecordMapper.map(try Record(kind: envelope.kind, validated: envelope.body), seq: 3) else {
            Issue.record("the full path should reject as personal_data"); return
        }
        #expect(reason.contains("CF_SY") && !reason.contains("13800138000"))
        #expect(FastRecordMapper.map(legacy, seq: 3) == nil)
        // Digits that are no identifier keep the fast path, and both paths agree.
        let dated = Self.with("penalty-organization", facts: "2026年3月12日至2026年4月1日期间，监控录像保存不足90日，编号110105194912310021。")
        try FastPathTests.expectSame(dated, seq: 4, "digits without an identifier")
        #expect(FastRecordMapper.map(dated, seq: 4) != nil)
    }

    @Test func spoolAndBatchesArePrivateAndAnExposedSpoolIsRefused() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let batch = try #require(try await log.export().built)
        var info = stat()
        for path in [log.spool, log.spool + "/" + batch] {
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o700, "\(path)")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: log.spool + "/" + batch) {
            #expect(stat(log.spool + "/" + batch + "/" + name, &info) == 0 && info.st_mode & 0o777 == 0o600, "\(name)")
        }
        #expect(stat(log.spool + "/" + ExportState.fileName, &info) == 0 && info.st_mode & 0o777 == 0o600)

        let exposed = log.root + "/exposed-spool"
        try FileManager.default.createDirectory(atPath: exposed, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        await #expect {
            _ = try await log.exporter(spool: exposed).run()
        } throws: { error in
            guard let error = error as? ExportError, error.isConfiguration else { return false }
            return "\(error)".contains("chmod -R go-rwx \(exposed)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: exposed).isEmpty)
    }
}
