import CreditRecords
import Foundation
import Testing
@testable import CreditExport

/// The fast path (FastRecordMapper, ByteRow) must write exactly what the full decoder and
/// RecordMapper write, and must never export what the validator refuses.
@Suite struct FastPathTests {
    static let validNames: [String] = {
        let directory = ExportFixtures.repository + "/schemas/examples/valid"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }.sorted()
    }()

    /// The reference: full decode, validation, RecordMapper, and the ExportRow encoders.
    static func reference(_ entry: [UInt8], seq: UInt64) throws -> MappedRecord {
        let envelope = try Envelope.decode(entry)
        return RecordMapper.map(try Record(kind: envelope.kind, validated: envelope.body), seq: seq)
    }

    static func expectSame(_ entry: [UInt8], seq: UInt64, _ label: String) throws {
        let reference = try Self.reference(entry, seq: seq)
        let fast = FastRecordMapper.map(entry, seq: seq)
        switch (reference, fast) {
        case (.row(let row), .added(let byteRow)?):
            #expect(byteRow.exportRow == row, "\(label)")
            var csv = [UInt8](), jsonl = [UInt8]()
            BatchBuilder.encode(row, csv: &csv, jsonl: &jsonl)
            // As ChunkReader encodes: both lines in one piece, after what a chunk holds already,
            // in room that starts too small.
            var chunk: [UInt8] = [1, 2, 3], room = [UInt8](repeating: 0, count: 8)
            let csvLength = byteRow.appendEncodings(to: &chunk, room: &room)
            #expect(Array(chunk[3..<(3 + csvLength)]) == csv, "\(label)")
            #expect(Array(chunk[(3 + csvLength)...]) == jsonl, "\(label)")
            // Its 撤回 row (the 失信名单 removal columns, "quoted, text" included) alike too.
            let withdrawal = Withdrawal(decisionNo: "撤字〔2026〕1号", decidedAt: LocalDate(iso: "2026-11-02")!,
                                        authority: Authority(name: "某区卫生健康委", uscc: "", region: "110105"), reason: "复核,\"撤销\"")
            let withdrawn = byteRow.withdrawn(by: withdrawal, seq: seq + 100)
            #expect(withdrawn.exportRow == RecordMapper.withdrawRow(of: row, by: withdrawal, seq: seq + 100), "\(label)")
            var wCSV = [UInt8](), wJSONL = [UInt8](), fastWCSV = [UInt8](), fastWJSONL = [UInt8]()
            BatchBuilder.encode(RecordMapper.withdrawRow(of: row, by: withdrawal, seq: seq + 100), csv: &wCSV, jsonl: &wJSONL)
            withdrawn.appendCSV(to: &fastWCSV)
            withdrawn.appendJSONLine(to: &fastWJSONL)
            #expect(fastWCSV == wCSV, "\(label)")
            #expect(fastWJSONL == wJSONL, "\(label)")
        case (.withdrawal(let target, let withdrawal), .withdrawal(let fastTarget, let fastWithdrawal, _)?):
            #expect(fastTarget == target && fastWithdrawal == withdrawal, "\(label)")
        case (.notExported, .notExported?):
            break
        case (.reject, nil), (.personalData, nil):
            break  // the full path words the reason
        default:
            Issue.record("\(label): reference \(reference), fast \(String(describing: fast))")
        }
    }

    /// The row that needs the most room: every byte escaped in JSON (a control character)
    /// or doubled in CSV (a quote), the longest seqs. The encodings in room made by the bound
    /// equal those appended to plain arrays, and `put(decimal:)` spells as `String` does.
    @Test func theWorstCaseRowFitsItsRoomAndEncodesAsIntoArrays() throws {
        var row = ByteRow(family: .xzcf, sourceSeq: UInt64.max)
        for i in 0..<ExportFamily.xzcf.columns.count {
            let value: [UInt8] = i % 2 == 0 ? [UInt8](repeating: 0x01, count: 300) : [UInt8](repeating: UInt8(ascii: "\""), count: 300)
            value.withUnsafeBufferPointer { row.append(bytes: $0) }
        }
        let withdrawal = Withdrawal(decisionNo: "撤字〔2026〕1号", decidedAt: LocalDate(iso: "2026-11-02")!,
                                    authority: Authority(name: "某区卫生健康委", uscc: "", region: "110105"), reason: "复核")
        for candidate in [row, row.withdrawn(by: withdrawal, seq: UInt64.max)] {
            var csv = [UInt8](), jsonl = [UInt8](), chunk = [UInt8](), room = [UInt8]()
            candidate.appendCSV(to: &csv)
            candidate.appendJSONLine(to: &jsonl)
            let csvLength = candidate.appendEncodings(to: &chunk, room: &room)
            #expect(csvLength == csv.count && chunk == csv + jsonl)
            #expect(String(decoding: jsonl, as: UTF8.self).contains("\\u0001"))
        }
        for value: UInt64 in [0, 7, 10, 99, 1_000_000, UInt64.max] {
            var out = [UInt8]()
            out.put(decimal: value)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
    }

    @Test func everyValidExampleMapsAlikeOnBothPaths() throws {
        #expect(Self.validNames.count >= 15)
        for (i, name) in Self.validNames.enumerated() {
            try Self.expectSame(ExportFixtures.entry(ExportFixtures.example(name)), seq: UInt64(i), name)
        }
        try Self.expectSame(ExportFixtures.entry(ExportFixtures.revocation(target: 3)), seq: 20, "revocation")
        try Self.expectSame(ExportFixtures.entry(ExportFixtures.creditRepair(target: 4)), seq: 21, "credit repair")
    }

    /// Escapes in the stored text, and the characters CSV must quote.
    @Test func escapedAndQuotedTextMapsAlike() throws {
        for name in ["penalty-organization", "ban-lifetime", "inspection-rectification", "enforcement-seal"] {
            var document = ExportFixtures.example(name).objectValue!
            var body = document["body"]!.objectValue!
            let text = JSONValue.string("第一行,\"引号\"\n第二行\t制表\\反斜杠\r")
            if body["facts"] != nil { body["facts"] = text } else { body["inspectionNo"] = text }
            body["remarks"] = .string("a,b")
            if body["decisionNo"] != nil { body["decisionNo"] = .string("瓯卫罚〔2026〕\"5\"号") }
            document["body"] = .object(body)
            let entry = ExportFixtures.entry(.object(document))
            #expect(entry.contains(UInt8(ascii: "\\")), "the entry carries escapes")
            try Self.expectSame(entry, seq: 7, name)
        }
    }

    /// A row the national rules refuse is left to the full path, which words the reason.
    @Test func rowsTheNationalRulesRefuseTakeTheFullPath() throws {
        // Three findings the validator takes (≤ 2000 characters each) overflow 检查发现问题 (4000).
        var document = ExportFixtures.example("inspection-rectification").objectValue!
        var body = document["body"]!.objectValue!
        let finding: JSONValue = ["code": "video_retention", "description": .string(String(repeating: "长", count: 1500)), "severity": "major"]
        body["findings"] = [finding, finding, finding]
        document["body"] = .object(body)
        let entry = ExportFixtures.entry(.object(document))
        guard case .reject = try Self.reference(entry, seq: 0) else { Issue.record("the reference should reject"); return }
        #expect(FastRecordMapper.map(entry, seq: 0) == nil)
    }

    /// Every invalid example the validator refuses (as a stored body) is never exported by
    /// the fast path: it answers nil and the full path rejects it.
    @Test func invalidExamplesAreNeverExportedByTheFastPath() throws {
        let directory = ExportFixtures.repository + "/schemas/examples/invalid"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expect.json") }
        var refused = 0
        for name in names.sorted() {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let document = try? JSONParser.parse(Array(data)).objectValue,
                  let kind = document["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
                  let body = document["body"]?.objectValue,
                  let entry = try? Envelope(kind: kind, body: body, submittedAt: "2026-11-23T00:00:00Z",
                                            submittedBy: Submitter(principal: "test", authority: nil), clientSignature: nil).canonicalBytes()
            else { continue }
            guard (try? Self.reference(entry, seq: 0)) == nil else { continue }  // only time-dependent rules broken
            refused += 1
            switch FastRecordMapper.map(entry, seq: 0) {
            case .added?, .withdrawal?: Issue.record("\(name): the validator refuses it, the fast path exported it")
            case nil, .notExported?: break
            }
        }
        #expect(refused >= 50, "only \(refused) of \(names.count) refused")
    }

    /// The whole pipeline: default and --revalidate give byte-identical batches.
    @Test func revalidatingGivesTheSameBatch() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed + [ExportFixtures.entry(ExportFixtures.revocation(target: 0)),
                                                     ExportFixtures.entry(ExportFixtures.creditRepair(target: 4))])
        let fast = try #require(try await log.export().built)
        var options = try log.exporter(spool: log.root + "/spool-full").options
        options.revalidate = true
        let full = try #require(try await Exporter(options: options).run().built)
        #expect(fast == full)
        for name in ["manifest.json", "xzcf.csv", "xzcf.jsonl", "sxmd.csv", "sxmd.jsonl", "xzjc.jsonl", "xzqz.csv", "rejects.jsonl"] {
            #expect(log.file(fast, name) == log.file(full, name, spool: log.root + "/spool-full"), "\(name)")
        }
    }
}
