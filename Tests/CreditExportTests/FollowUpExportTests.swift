import CreditRecords
import Testing
@testable import CreditExport

/// `followUpOf` has no national column: the fast path maps an inspection that carries it
/// like one that does not, and leaves a malformed one to the full decoder, which refuses it.
@Suite struct FollowUpExportTests {
    /// The follow-up example with `followUpOf` set to `value` (removed when nil).
    func followUp(_ value: JSONValue?) -> (entry: [UInt8], body: JSONObject) {
        var document = ExportFixtures.example("inspection-follow-up").objectValue!
        var body = document["body"]!.objectValue!
        if let value { body["followUpOf"] = value } else { body["followUpOf"] = nil }
        document["body"] = .object(body)
        return (ExportFixtures.entry(.object(document)), body)
    }

    @Test func aFollowUpMapsAlikeOnBothPathsWithTheSameRow() throws {
        let entry = followUp(.number("7")).entry
        try FastPathTests.expectSame(entry, seq: 8, "inspection-follow-up")
        guard case .added(let row)? = FastRecordMapper.map(entry, seq: 8), case .added(let plain)? = FastRecordMapper.map(followUp(nil).entry, seq: 8) else {
            Issue.record("the fast path declined a follow-up inspection")
            return
        }
        #expect(row.exportRow == plain.exportRow)
    }

    @Test func aMalformedFollowUpTakesTheFullPath() throws {
        for bad: JSONValue in [.string("7"), .number("-1"), .number("7.5"), .null] {
            let (entry, body) = followUp(bad)
            #expect(FastRecordMapper.map(entry, seq: 8) == nil, "\(bad)")
            #expect((try? Record(kind: .inspection, validated: body)) == nil, "the full decoder refuses followUpOf \(bad)")
        }
    }
}
