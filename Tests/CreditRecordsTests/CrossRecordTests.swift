import Foundation
import Testing
@testable import CreditRecords

@Suite struct CrossRecordTests {
    static let authority = "113303040025997855"
    static let may = LocalDate(year: 2026, month: 5, day: 20)!

    func lookup(_ entries: [RecordSummary], numbers: Set<String> = []) -> ValidationContext {
        var fake = FakeLookup()
        for e in entries { fake.summaries[e.seq] = e }
        fake.numbers = numbers
        return ValidationContext(today: Fixture.today, lookup: fake)
    }

    func summary(_ seq: UInt64, _ kind: RecordKind, revoked: Bool = false, repaired: Bool = false, decided: LocalDate = may) -> RecordSummary {
        RecordSummary(seq: seq, kind: kind, authority: Self.authority, decidedAt: decided, isRevoked: revoked, isRepaired: repaired)
    }

    func errors(_ example: String, target: Int64, decidedAt: String = "2026-09-01", _ context: ValidationContext) throws -> [String] {
        let document = try Fixture.example(example).setting("/body/target", .number(String(target))).setting("/body/decidedAt", .string(decidedAt))
        return Fixture.validate(document, context: context).map { "\($0.pointer) \($0.code)" }
    }

    @Test func revocationRules() throws {
        let ctx = lookup([summary(1, .penalty), summary(2, .revocation), summary(3, .creditRepair), summary(4, .ban, revoked: true),
                          summary(5, .ban), summary(6, .inspection, repaired: true)])
        #expect(try errors("revocation-data-error", target: 1, ctx) == [])
        #expect(try errors("revocation-data-error", target: 5, ctx) == [])
        #expect(try errors("revocation-data-error", target: 6, ctx) == [])
        #expect(try errors("revocation-data-error", target: 9, ctx) == ["/body/target target_not_found"])
        #expect(try errors("revocation-data-error", target: 2, ctx) == ["/body/target target_kind"])
        #expect(try errors("revocation-data-error", target: 3, ctx) == ["/body/target target_kind"])
        #expect(try errors("revocation-data-error", target: 4, ctx) == ["/body/target already_revoked"])
        #expect(try errors("revocation-data-error", target: 1, decidedAt: "2026-05-19", ctx) == ["/body/decidedAt date_order"])
        #expect(try errors("revocation-data-error", target: 1, decidedAt: "2026-05-20", ctx) == [])
    }

    @Test func creditRepairRules() throws {
        let ctx = lookup([summary(1, .penalty), summary(2, .enforcement), summary(3, .judgment), summary(4, .ban),
                          summary(5, .inspection), summary(6, .annualReview), summary(7, .institutionFiling), summary(8, .revocation),
                          summary(9, .creditRepair), summary(10, .penalty, revoked: true), summary(11, .penalty, repaired: true),
                          summary(12, .ban, revoked: true)])
        for t: Int64 in [1, 2, 3] { #expect(try errors("credit_repair-signed", target: t, ctx) == []) }
        #expect(try errors("credit_repair-signed", target: 4, ctx) == ["/body/target repair_of_ban"])
        #expect(try errors("credit_repair-signed", target: 12, ctx) == ["/body/target repair_of_ban"])
        for t: Int64 in [5, 6, 7, 8, 9] { #expect(try errors("credit_repair-signed", target: t, ctx) == ["/body/target target_kind"]) }
        #expect(try errors("credit_repair-signed", target: 10, ctx) == ["/body/target target_revoked"])
        #expect(try errors("credit_repair-signed", target: 11, ctx) == ["/body/target already_repaired"])
        #expect(try errors("credit_repair-signed", target: 99, ctx) == ["/body/target target_not_found"])
        // 3 calendar months after 2026-05-20 is 2026-08-20.
        #expect(try errors("credit_repair-signed", target: 1, decidedAt: "2026-08-19", ctx) == ["/body/decidedAt repair_too_early"])
        #expect(try errors("credit_repair-signed", target: 1, decidedAt: "2026-08-20", ctx) == [])
    }

    @Test func repairTooEarlyClampsToMonthEnd() throws {
        let ctx = lookup([summary(1, .penalty, decided: LocalDate(year: 2025, month: 11, day: 30)!)])
        #expect(try errors("credit_repair-signed", target: 1, decidedAt: "2026-02-27", ctx) == ["/body/decidedAt repair_too_early"])
        #expect(try errors("credit_repair-signed", target: 1, decidedAt: "2026-02-28", ctx) == [])
    }

    @Test func duplicateDocumentNumbers() throws {
        let ctx = lookup([], numbers: [Self.authority + "|瓯卫罚〔2026〕5号", Self.authority + "|瓯卫检〔2026〕88号",
                                       Self.authority + "|瓯卫托备〔2026〕12号", Self.authority + "|（2026）浙0304刑初123号"])
        #expect(Fixture.validate(try Fixture.example("penalty-organization"), context: ctx).map { "\($0.pointer) \($0.code)" }
                == ["/body/decisionNo duplicate_document_number"])
        #expect(Fixture.validate(try Fixture.example("inspection-rectification"), context: ctx).map { "\($0.pointer) \($0.code)" }
                == ["/body/inspectionNo duplicate_document_number"])
        #expect(Fixture.validate(try Fixture.example("institution_filing-filed"), context: ctx).map { "\($0.pointer) \($0.code)" }
                == ["/body/filingNo duplicate_document_number"])
        #expect(Fixture.validate(try Fixture.example("judgment-practice-ban"), context: ctx).map { "\($0.pointer) \($0.code)" }
                == ["/body/caseNo duplicate_document_number"])
        // Same number, other authority: fine.
        let other = try Fixture.example("penalty-organization").setting("/body/authority", .object(JSONObject([
            ("name", "温州市瓯海区市场监督管理局"), ("uscc", "11330304MB1C247898"), ("region", "330304")])))
        #expect(Fixture.validate(other, context: ctx) == [])
        // Reported together with field errors.
        let both = try Fixture.example("penalty-organization").setting("/body/facts", 1)
        #expect(Set(Fixture.validate(both, context: ctx).map(\.code)) == ["type", "duplicate_document_number"])
    }

    @Test func registryReplaysEveryKind() throws {
        let registry = RecordRegistry()
        let names = ["institution_filing-filed", "inspection-rectification", "penalty-organization", "enforcement-seal",
                     "judgment-practice-ban", "ban-lifetime", "annual_review-fail"]
        for (i, name) in names.enumerated() {
            let object = try Fixture.example(name).objectValue!
            let envelope = Envelope(kind: RecordKind(rawValue: object["kind"]!.stringValue!)!, body: object["body"]!.objectValue!,
                                    submittedAt: "2026-11-22T08:00:00Z", submittedBy: Submitter(principal: "admin", authority: nil), clientSignature: nil)
            registry.apply(seq: UInt64(i), envelope: envelope)
        }
        #expect(registry.count == names.count)
        #expect(registry.summary(of: 2)?.kind == .penalty)
        #expect(registry.summary(of: 2)?.decidedAt == LocalDate(year: 2026, month: 5, day: 20))
        #expect(registry.summary(of: 0)?.decidedAt == LocalDate(year: 2026, month: 3, day: 1))
        #expect(registry.summary(of: 6)?.decidedAt == LocalDate(year: 2026, month: 1, day: 15))
        #expect(registry.summary(of: 3)?.authority == "11330304MB1C247898")
        #expect(registry.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: Self.authority))
        #expect(registry.isRecorded(documentNumber: "瓯卫检〔2026〕88号", authority: Self.authority))
        #expect(registry.isRecorded(documentNumber: "（2026）浙0304刑初123号", authority: Self.authority))
        #expect(!registry.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: "11330304MB1C247898"))

        func append(_ seq: UInt64, _ kind: RecordKind, _ body: JSONObject) {
            registry.apply(seq: seq, envelope: Envelope(kind: kind, body: body, submittedAt: "2026-11-22T08:00:00Z",
                                                        submittedBy: Submitter(principal: "admin", authority: nil), clientSignature: nil))
        }
        let authority: JSONValue = ["name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855", "region": "330304"]
        // Through the validator with the registry as the lookup: repair then revoke the penalty.
        let context = ValidationContext(today: Fixture.today, lookup: registry)
        // The penalty is decided after 2026-04-01: 信用修复管理办法 (NDRC Order 2025 No. 36) wants the four conditions.
        let repair: JSONValue = ["kind": "credit_repair", "body": ["target": 2, "decisionNo": "瓯卫信修〔2026〕1号", "decidedAt": "2026-09-01", "authority": authority,
                                                                   "conditions": ["minimum_period", "corrected_and_discharged", "credit_commitment", "other_legal_conditions"]]]
        let repaired = try RecordValidator.validate(repair, context: context).get()
        append(7, repaired.kind, repaired.body)
        #expect(registry.summary(of: 2)?.isRepaired == true)
        #expect(Fixture.validate(repair, context: context).map(\.code).sorted() == ["already_repaired", "duplicate_document_number"])
        let revoke: JSONValue = ["kind": "revocation", "body": ["target": 2, "reason": "data_error", "decisionNo": "瓯卫撤〔2026〕1号",
                                                                 "decidedAt": "2026-09-02", "authority": authority]]
        let revoked = try RecordValidator.validate(revoke, context: context).get()
        append(8, revoked.kind, revoked.body)
        #expect(registry.summary(of: 2)?.isRevoked == true)
        // The revoked penalty's decision number is free again for the corrected record.
        #expect(!registry.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: Self.authority))
        #expect(Fixture.validate(try Fixture.example("penalty-organization"), context: context) == [])
        let again = revoke.setting("/body/decisionNo", "瓯卫撤〔2026〕9号")
        #expect(Fixture.validate(again, context: context).map(\.code) == ["already_revoked"])
        // A ban can be revoked but never repaired.
        let banRepair = repair.setting("/body/target", 5).setting("/body/decisionNo", "瓯卫信修〔2026〕2号")
        #expect(Fixture.validate(banRepair, context: context).map(\.code) == ["repair_of_ban"])
        // Targets outside the registry are ignored on replay, not trusted.
        append(9, .revocation, JSONObject([("target", 500), ("authority", authority), ("decisionNo", "x")]))
        #expect(registry.summary(of: 500) == nil)
        #expect(registry.count == 10)
    }
}
