import Foundation
import Testing
@testable import CreditRecords

/// The optional `offenceCategory` of judgments and penalties, a closed list in the kind table
/// (docs/background-index.md "Statutory bars"; the Minors Protection Law art. 62 list).
@Suite struct OffenceCategoryTests {
    func errors(_ example: String, _ value: JSONValue?) throws -> [String] {
        let document = try Fixture.example(example).setting("/body/offenceCategory", value)
        return Fixture.validate(document, context: Fixture.context).map { "\($0.pointer) \($0.code)" }
    }

    @Test func theTypedJudgmentCarriesIt() throws {
        guard case .success(let valid) = RecordValidator.validate(try Fixture.example("judgment-abuse"), context: Fixture.context),
              case .judgment(let judgment) = valid.record else {
            Issue.record("the abuse judgment example does not validate")
            return
        }
        #expect(judgment.offenceCategory == .abuse && judgment.practiceBanUntil == nil)
        guard case .success(let old) = RecordValidator.validate(try Fixture.example("judgment-practice-ban"), context: Fixture.context),
              case .judgment(let before) = old.record else {
            Issue.record("judgment-practice-ban does not validate")
            return
        }
        #expect(before.offenceCategory == nil, "optional: judgments recorded before it existed stay valid")
    }

    @Test func onlyTheClosedList() throws {
        #expect(try errors("judgment-abuse", .string("child_abuse")) == ["/body/offenceCategory enum"])
        #expect(try errors("judgment-abuse", .number("1")) == ["/body/offenceCategory type"])
        #expect(try errors("judgment-abuse", nil) == [])
        #expect(try errors("penalty-person", .string("sexual_offence")) == [])
        #expect(try errors("penalty-person", .string("abuse ")) == ["/body/offenceCategory enum"])
    }

    @Test func theTableAndTheSchemasListIt() throws {
        for (spec, file) in [(KindSpec.judgment, "judgment"), (KindSpec.penalty, "penalty")] {
            let field = try #require(spec.field("offenceCategory"))
            #expect(field.type == .enumeration(OffenceCategory.rawValues) && !field.required)
            let schema = try Fixture.load("schemas/records/\(file).schema.json")
            #expect(schema.objectValue?["properties"]?.objectValue?["offenceCategory"] != nil, "\(file)")
        }
        let table = KindSpec.tableJSON.objectValue?["offenceCategories"]?.objectValue
        #expect(table?["version"] == .number(String(KindSpec.offenceCategoryTableVersion)))
        #expect(table?["categories"]?.arrayValue?.count == OffenceCategory.allCases.count)
    }
}
