import Foundation
import Testing
@testable import CreditRecords

/// A ban's optional `managerOf` (docs/records.md "Responsible managers", 人口与计划生育法
/// art. 41(2)): only on a manager's ban, naming an unrevoked penalty or ban in the log.
@Suite struct ManagerOfTests {
    func errors(_ value: JSONValue?, base: String = "ban-manager-of", lookup: FakeLookup) throws -> [String] {
        let document = try Fixture.example(base).setting("/body/managerOf", value)
        return Fixture.validate(document, context: ValidationContext(today: Fixture.today, lookup: lookup)).map { "\($0.pointer) \($0.code)" }
    }

    @Test func itNamesAnUnrevokedPenaltyOrBan() throws {
        var lookup = FakeLookup()
        let may = LocalDate(year: 2026, month: 5, day: 10)!
        lookup.summaries[3] = RecordSummary(seq: 3, kind: .penalty, authority: "113303040025997855", decidedAt: may)
        lookup.summaries[4] = RecordSummary(seq: 4, kind: .ban, authority: "113303040025997855", decidedAt: may)
        lookup.summaries[5] = RecordSummary(seq: 5, kind: .inspection, authority: "113303040025997855", decidedAt: may)
        lookup.summaries[6] = RecordSummary(seq: 6, kind: .ban, authority: "113303040025997855", decidedAt: may, isRevoked: true)
        #expect(try errors(.number("3"), lookup: lookup) == [])
        #expect(try errors(.number("4"), lookup: lookup) == [])
        #expect(try errors(nil, lookup: lookup) == [])
        #expect(try errors(.number("5"), lookup: lookup) == ["/body/managerOf target_kind"])
        #expect(try errors(.number("6"), lookup: lookup) == ["/body/managerOf target_revoked"])
        #expect(try errors(.number("9"), lookup: lookup) == ["/body/managerOf target_not_found"])
        #expect(try errors(.number("3"), base: "ban-lifetime", lookup: lookup) == ["/body/managerOf not_allowed"])
    }
}
