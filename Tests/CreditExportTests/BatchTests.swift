import CreditExport
import CreditRecords
import Foundation
import LedgerCrypto
import Testing
import TransparencyLog

@Suite struct BatchTests {
    @Test func aBatchHoldsEveryFamilyWithItsManifest() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let report = try await log.export()
        let batch = try #require(report.built)
        #expect(log.batches() == [batch])
        #expect(batch.hasPrefix("000000000000-000000000012-"))
        let manifest = try BatchVerifier.verify(directory: log.spool + "/" + batch, verifier: log.verifier)
        #expect(manifest.range == .init(from: 0, to: 12))
        #expect(manifest.counts.families["xzcf"]?.added == 4)
        #expect(manifest.counts.families["sxmd"]?.added == 2)
        #expect(manifest.counts.families["xzjc"]?.added == 2)
        #expect(manifest.counts.families["xzqz"]?.added == 1)
        #expect(manifest.counts.notExported == 3 && manifest.counts.rejects == 0 && manifest.counts.records == 12)
        #expect(manifest.files.first { $0.name == "xzcf.csv" }?.rows == 4)

        let csv = log.file(batch, "xzcf.csv")
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix(ExportFamily.xzcf.allColumns.map(\.header).joined(separator: ",") + "\r\n"))
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // The platform requires ID numbers: they are in the files (and nowhere else).
        #expect(text.contains("330303199506302827"))
        let sxmd = log.rows(batch, .sxmd)
        #expect(sxmd.map { $0["SOURCE_SEQ"] } == [.number("4"), .number("5")])
        #expect(sxmd.first?["SX_YXQ"] == .string("2099-12-31"))
    }

    @Test func theSameRangeGivesByteIdenticalFiles() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed + [ExportFixtures.entry(ExportFixtures.revocation(target: 0))])
        let a = try #require(try await log.export(spool: log.root + "/a").built)
        let b = try #require(try await log.export(spool: log.root + "/b").built)
        #expect(a == b)
        for name in Manifest.dataFileNames() + [Manifest.fileName, Manifest.signatureFileName] {
            #expect(log.file(a, name, spool: log.root + "/a") == log.file(b, name, spool: log.root + "/b"), "\(name) differs")
        }
        // Nothing new: no second batch, and the cursor stays put.
        #expect(try await log.export(spool: log.root + "/a").built == nil)
    }

    @Test func withdrawalsFollowWhatWasExported() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)                           // 0…11
        let first = try #require(try await log.export().built)
        try await log.append([
            ExportFixtures.entry(ExportFixtures.revocation(target: 0, n: 1)),   // 12: penalty exported before
            ExportFixtures.entry(ExportFixtures.revocation(target: 4, n: 2)),   // 13: lifetime ban → 移出
            ExportFixtures.entry(ExportFixtures.revocation(target: 9, n: 3)),   // 14: judgment, never exported
            ExportFixtures.entry(ExportFixtures.example("inspection-pass")),    // 15
            ExportFixtures.entry(ExportFixtures.revocation(target: 15, n: 4)),  // 16: same batch
            ExportFixtures.entry(ExportFixtures.creditRepair(target: 0, n: 5)), // 17: already withdrawn
        ])
        let second = try #require(try await log.export().built)
        #expect(first != second && second.hasPrefix("000000000012-000000000018-"))
        let xzcf = log.rows(second, .xzcf)
        #expect(xzcf.count == 1)
        #expect(xzcf[0]["OPERATION"] == .string("撤回") && xzcf[0]["SOURCE_SEQ"] == .number("0") && xzcf[0]["WITHDRAWN_BY"] == .number("12"))
        let sxmd = log.rows(second, .sxmd)
        #expect(sxmd.count == 1 && sxmd[0]["SX_ZT"] == .string("移出") && sxmd[0]["SOURCE_SEQ"] == .number("4"))
        let xzjc = log.rows(second, .xzjc)
        #expect(xzjc.map { $0["OPERATION"] } == [.string("新增"), .string("撤回")])
        #expect(xzjc.map { $0["SOURCE_SEQ"] } == [.number("15"), .number("15")])
        let rejects = log.file(second, "rejects.jsonl").split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        #expect(rejects.count == 1 && rejects[0]["seq"] == .number("17") && rejects[0]["code"] == .string("target_withdrawn"))
        let manifest = try BatchVerifier.verify(directory: log.spool + "/" + second, verifier: log.verifier)
        #expect(manifest.counts.notExported == 1)
    }

    @Test func entriesThatCannotBeMappedAreRejectedNeverDropped() async throws {
        let log = try TestLog()
        var broken = ExportFixtures.example("penalty-person").objectValue!
        var body = broken["body"]!.objectValue!
        body["dataSource"] = nil
        broken["body"] = .object(body)
        try await log.append([Array("not json".utf8), ExportFixtures.entry(.object(broken)), ExportFixtures.mixed[0],
                              ExportFixtures.entry(ExportFixtures.revocation(target: 1))])
        let batch = try #require(try await log.export().built)
        let lines = log.file(batch, "rejects.jsonl").split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        #expect(lines.map { $0["seq"] } == [.number("0"), .number("1"), .number("3")])
        #expect(lines.map { $0["code"] } == [.string("not_a_record"), .string("invalid_record"), .string("target_rejected")])
        #expect(lines[1]["reason"]?.stringValue?.contains("/body/dataSource") == true)
        let text = String(decoding: log.file(batch, "rejects.jsonl"), as: UTF8.self)
        #expect(ExportFixtures.idNumbers.allSatisfy { !text.contains($0) })
        #expect(log.rows(batch, .xzcf).count == 1)
    }

    @Test func verifyBatchDetectsTampering() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let batch = try #require(try await log.export().built)
        let dir = log.spool + "/" + batch
        func copy() throws -> String {
            let to = log.root + "/copy-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: dir, toPath: to)
            return to
        }
        func rejects(_ path: String) -> Bool {
            do { try BatchVerifier.verify(directory: path, verifier: log.verifier); return false } catch { return true }
        }
        #expect(!rejects(dir))

        let file = try copy()
        var csv = Array(FileManager.default.contents(atPath: file + "/xzcf.csv")!)
        csv[csv.count - 5] ^= 1
        try Data(csv).write(to: URL(fileURLWithPath: file + "/xzcf.csv"))
        #expect(rejects(file))

        let sig = try copy()
        try Data(Base64.encode(try Ed25519PrivateKey().signature(for: log.file(batch, Manifest.fileName))).utf8).write(to: URL(fileURLWithPath: sig + "/manifest.sig"))
        #expect(rejects(sig))

        // A manifest re-signed with the log's key but carrying a checkpoint that does not verify.
        let cp = try copy()
        var manifest = try JSONDecoder().decode(Manifest.self, from: Data(log.file(batch, Manifest.fileName)))
        manifest.checkpoint = manifest.checkpoint.replacingOccurrences(of: "\n12\n", with: "\n13\n")
        let bytes = try manifest.encoded()
        try Data(bytes).write(to: URL(fileURLWithPath: cp + "/manifest.json"))
        try Data(Base64.encode(try log.key.signature(for: bytes)).utf8).write(to: URL(fileURLWithPath: cp + "/manifest.sig"))
        #expect(rejects(cp))

        let extra = try copy()
        try Data("x".utf8).write(to: URL(fileURLWithPath: extra + "/extra.csv"))
        #expect(rejects(extra))
        #expect(!rejects(dir))
    }

    @Test func anInconsistentLogRaisesTheAlarmAndWritesNothing() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        _ = try await log.export()
        let cursor = FileManager.default.contents(atPath: log.spool + "/" + ExportState.fileName)
        // The same key and origin, a rewritten history: the first entry differs.
        try FileManager.default.removeItem(atPath: log.logDirectory)
        try TransparencyLog.create(directory: log.logDirectory, origin: log.origin, signingKey: log.key)
        var rewritten = ExportFixtures.mixed
        rewritten[0] = ExportFixtures.mixed[1]
        try await log.append(rewritten + [ExportFixtures.mixed[2]])
        await #expect { try await log.export() } throws: { ($0 as? ExportError)?.isAlarm == true }
        #expect(FileManager.default.contents(atPath: log.spool + "/" + ExportState.fileName) == cursor)
        #expect(log.batches().count == 1)
    }

    @Test func manifestsAreSignedByTheExportsOwnKey() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        // The export host holds its manifest key and the log's verifier key, never the
        // log's checkpoint key (issue 17, part 7).
        let manifestKey = Ed25519PrivateKey()
        let exporter = try Exporter(options: .init(source: try LogDirectorySource(logDirectory: log.logDirectory), verifier: log.verifier,
                                                   signingKey: manifestKey, spool: log.spool))
        _ = try await exporter.run()
        let batch = try #require(log.batches().first)
        let directory = log.spool + "/" + batch
        #expect(throws: Never.self) { try BatchVerifier.verify(directory: directory, verifier: log.verifier, manifestKey: manifestKey.publicKey) }
        // The log's key does not pass for the manifest's, nor another key.
        #expect(throws: ExportError.self) { try BatchVerifier.verify(directory: directory, verifier: log.verifier) }
        #expect(throws: ExportError.self) {
            try BatchVerifier.verify(directory: directory, verifier: log.verifier, manifestKey: Ed25519PrivateKey().publicKey)
        }
    }

    @Test func aDifferentLogKeyIsAnAlarm() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        _ = try await log.export()
        let other = Ed25519PrivateKey()
        let exporter = try Exporter(options: .init(source: try LogDirectorySource(logDirectory: log.logDirectory),
                                                   verifier: try NoteVerifier(name: log.origin, publicKey: other.publicKey), signingKey: other, spool: log.spool))
        await #expect { try await exporter.run() } throws: { ($0 as? ExportError)?.isAlarm == true }
    }
}
