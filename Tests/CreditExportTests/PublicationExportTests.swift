import CreditRecords
import Testing
@testable import CreditExport

/// CF_GSJZQ 公示截止期 by the rule in force at the decision (docs/records.md "Publication
/// periods"), alike on the fast path and the full decoder's.
@Suite struct PublicationExportTests {
    /// The organisation penalty example decided `decided`, without publicUntil and validUntil, with `changes`.
    func penalty(_ decided: String, _ changes: [String: JSONValue] = [:]) -> [UInt8] {
        var document = ExportFixtures.example("penalty-organization").objectValue!
        var body = document["body"]!.objectValue!
        body["decidedAt"] = .string(decided)
        body["publicUntil"] = nil
        body["validUntil"] = nil
        for (key, value) in changes { body[key] = value }
        document["body"] = .object(body)
        return ExportFixtures.entry(.object(document))
    }

    func deadline(_ entry: [UInt8]) throws -> String? {
        try FastPathTests.expectSame(entry, seq: 3, "penalty")
        guard case .row(let row) = try FastPathTests.reference(entry, seq: 3) else { return nil }
        return row["CF_GSJZQ"]
    }

    @Test func bothSidesOfApril2026() throws {
        // NDRC Order 2023 No. 58: 3 years.
        #expect(try deadline(penalty("2026-03-31")) == "2029-03-31")
        // 信用修复管理办法 (NDRC Order 2025 No. 36): a general penalty 1 year, a serious one 3.
        #expect(try deadline(penalty("2026-04-01")) == "2027-04-01")
        #expect(try deadline(penalty("2026-04-01", ["class": "serious"])) == "2029-04-01")
        // 轻微: not published; the decision date stands for "no period".
        #expect(try deadline(penalty("2026-04-01", ["class": "minor"])) == "2026-04-01")
        #expect(try deadline(penalty("2026-04-01", ["class": "minor", "publicUntil": "2026-06-15"])) == "2026-06-15")
    }

    @Test func aClassOutsideItsBoundsIsNotExportedByTheFastPath() {
        // A general penalty published for two years breaks the 2025 rule: the decoder refuses it, so must the fast path.
        let entry = penalty("2026-05-20", ["class": "general", "publicUntil": "2028-05-20"])
        #expect(FastRecordMapper.map(entry, seq: 3) == nil)
        #expect(FastRecordMapper.map(penalty("2026-05-20", ["class": "grave"]), seq: 3) == nil)
    }
}
