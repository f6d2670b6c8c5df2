import Foundation
import Testing
@testable import CreditRecords

/// An inspection's optional `followUpOf`, added through the kind table (docs/architecture.md,
/// "The entry format and the kind table"): a log seq naming an unrevoked record in the log.
@Suite struct FollowUpTests {
    func errors(_ value: JSONValue?, lookup: FakeLookup = FakeLookup(everyPenaltyBelow: (1000, LocalDate(year: 2026, month: 1, day: 1)!))) throws -> [String] {
        let document = try Fixture.example("inspection-follow-up").setting("/body/followUpOf", value)
        return Fixture.validate(document, context: ValidationContext(today: Fixture.today, lookup: lookup)).map { "\($0.pointer) \($0.code)" }
    }

    @Test func theTypedInspectionCarriesIt() throws {
        guard case .success(let valid) = RecordValidator.validate(try Fixture.example("inspection-follow-up"), context: Fixture.context),
              case .inspection(let inspection) = valid.record else {
            Issue.record("the follow-up example does not validate")
            return
        }
        #expect(inspection.followUpOf == 7)
        #expect(valid.body["followUpOf"] == .number("7"))
        guard case .success(let plain) = RecordValidator.validate(try Fixture.example("inspection-pass"), context: Fixture.context),
              case .inspection(let first) = plain.record else {
            Issue.record("inspection-pass does not validate")
            return
        }
        #expect(first.followUpOf == nil)
    }

    @Test func itIsANonNegativeInteger() throws {
        #expect(try errors(.number("-1")) == ["/body/followUpOf range"])
        #expect(try errors(.string("7")) == ["/body/followUpOf type"])
        #expect(try errors(.number("7.5")) == ["/body/followUpOf type"])
        #expect(try errors(nil) == [])
        #expect(try errors(.number("0")) == [])
    }

    @Test func itNamesAnUnrevokedRecordInTheLog() throws {
        var lookup = FakeLookup()
        let may = LocalDate(year: 2026, month: 5, day: 10)!
        lookup.summaries[3] = RecordSummary(seq: 3, kind: .inspection, authority: "113303040025997855", decidedAt: may)
        lookup.summaries[4] = RecordSummary(seq: 4, kind: .inspection, authority: "113303040025997855", decidedAt: may, isRevoked: true)
        lookup.summaries[5] = RecordSummary(seq: 5, kind: .penalty, authority: "113303040025997855", decidedAt: may)
        #expect(try errors(.number("3"), lookup: lookup) == [])
        #expect(try errors(.number("5"), lookup: lookup) == [])
        #expect(try errors(.number("4"), lookup: lookup) == ["/body/followUpOf target_revoked"])
        #expect(try errors(.number("6"), lookup: lookup) == ["/body/followUpOf target_not_found"])
    }

    @Test func theTableAndTheSchemaListIt() throws {
        let field = try #require(KindSpec.inspection.field("followUpOf"))
        #expect(field.type == .seq && !field.required)
        let schema = try Fixture.load("schemas/records/inspection.schema.json")
        #expect(schema.objectValue?["properties"]?.objectValue?["followUpOf"] == ["type": "integer", "minimum": 0])
    }
}
