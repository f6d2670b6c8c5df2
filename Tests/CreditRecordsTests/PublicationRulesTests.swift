import Testing
@testable import CreditRecords

/// The publication rule table on both sides of 2026-04-01 (docs/records.md "Publication
/// periods"): NDRC Order 2023 No. 58 before, 信用修复管理办法 (NDRC Order 2025 No. 36) from
/// that day, SAMR Order 45 for market regulators.
@Suite struct PublicationRulesTests {
    func d(_ text: String) -> LocalDate { LocalDate(iso: text)! }

    func publication(_ decided: String, _ cls: PenaltyClass? = nil, procedure: PenaltyProcedure? = nil, _ categories: [PenaltyCategory] = [.warning],
                     publicUntil: String? = nil, market: Bool = false) -> Publication {
        PublicationRules.penalty(decidedAt: d(decided), penaltyClass: cls, procedure: procedure, categories: categories,
                                 publicUntil: publicUntil.map(d), marketRegulator: market)
    }

    @Test func order58BeforeApril2026() {
        // Order 58: min 3 months, max 3 years, for every class.
        let p = publication("2026-03-31", .general)
        #expect(p.rule == .order58 && p.end == d("2029-03-31") && p.repairFrom == d("2026-06-30"))
        #expect(publication("2026-03-31", .minor).end == d("2029-03-31"))
        #expect(publication("2026-03-31").latestEnd == d("2029-03-31"))
    }

    @Test func ndrc2025FromApril2026() {
        // 信用修复管理办法: 一般 3 months – 1 year.
        let general = publication("2026-04-01", .general)
        #expect(general.rule == .ndrc2025 && general.end == d("2027-04-01") && general.repairFrom == d("2026-07-01"))
        #expect(general.earliestEnd == d("2026-07-01") && general.latestEnd == d("2027-04-01"))
        // 轻微: in principle not published, at most 3 months; repair once obligations are discharged.
        let minor = publication("2026-04-01", .minor)
        #expect(minor.end == nil && minor.repairFrom == d("2026-04-01") && minor.latestEnd == d("2026-07-01"))
        #expect(publication("2026-04-01", .minor, publicUntil: "2026-06-01").end == d("2026-06-01"))
        // 严重: 1 – 3 years.
        let serious = publication("2026-04-01", .serious)
        #expect(serious.end == d("2029-04-01") && serious.repairFrom == d("2027-04-01"))
    }

    @Test func defaultClassWithoutOne() {
        // Engineering defaults (docs): closure-like categories serious; a publicUntil beyond a year serious; else general; never minor.
        #expect(publication("2026-05-20", nil, [.closure]).penaltyClass == .serious)
        #expect(publication("2026-05-20", nil, [.warning], publicUntil: "2027-05-21").penaltyClass == .serious)
        #expect(publication("2026-05-20", nil, [.warning], publicUntil: "2027-05-20").penaltyClass == .general)
        #expect(publication("2026-05-20").end == d("2027-05-20"))
        // Without a class the old 3-year bound stays the only one (records before classes stay valid).
        #expect(publication("2026-05-20").earliestEnd == d("2026-05-20") && publication("2026-05-20").latestEnd == d("2029-05-20"))
    }

    @Test func samrOrder45ForMarketRegulators() {
        // Art. 13: 仅通报批评 3 months, other penalties 3 years.
        #expect(publication("2026-05-20", nil, [.publicCriticism], market: true).end == d("2026-08-20"))
        #expect(publication("2026-05-20", nil, [.fine], market: true).end == d("2029-05-20"))
        #expect(publication("2025-05-20", .minor, [.fine], market: true).end == d("2025-08-20"))
        // Art. 14: no early end for 吊销.
        #expect(publication("2026-05-20", nil, [.licenseRevocation], market: true).repairFrom == nil)
        #expect(publication("2026-05-20", nil, [.licenseRevocation]).repairFrom == d("2027-05-20"))
        // Art. 2: summary-procedure penalties are not published.
        #expect(publication("2026-05-20", procedure: .summary, [.fine], market: true).end == nil)
        #expect(PublicationRules.isMarketRegulator(name: "温州市瓯海区市场监督管理局".utf8))
        #expect(!PublicationRules.isMarketRegulator(name: "温州市瓯海区卫生健康局".utf8))
    }

    // MARK: through the validator

    func penalty(decided: String, cls: String?, publicUntil: String?) throws -> [String] {
        var doc = try Fixture.example("penalty-organization").setting("/body/decidedAt", .string(decided)).setting("/body/validUntil", nil)
        doc = doc.setting("/body/publicUntil", publicUntil.map { .string($0) })
        if let cls { doc = doc.setting("/body/class", .string(cls)) }
        return Fixture.validate(doc).map { "\($0.pointer) \($0.code)" }
    }

    @Test func publicUntilWithinTheRule() throws {
        // 信用修复管理办法: a general penalty is published 3 months to 1 year.
        #expect(try penalty(decided: "2026-05-20", cls: "general", publicUntil: "2027-05-20") == [])
        #expect(try penalty(decided: "2026-05-20", cls: "general", publicUntil: "2027-05-21") == ["/body/publicUntil publication_limit"])
        #expect(try penalty(decided: "2026-05-20", cls: "general", publicUntil: "2026-08-19") == ["/body/publicUntil publication_limit"])
        #expect(try penalty(decided: "2026-05-20", cls: "serious", publicUntil: "2027-05-19") == ["/body/publicUntil publication_limit"])
        #expect(try penalty(decided: "2026-05-20", cls: "minor", publicUntil: "2026-08-20") == [])
        // Order 58 (before 2026-04-01): up to 3 years whatever the class.
        #expect(try penalty(decided: "2026-03-20", cls: "general", publicUntil: "2028-03-20") == [])
        // No class: the bound of records before classes.
        #expect(try penalty(decided: "2026-05-20", cls: nil, publicUntil: "2028-05-20") == [])
        #expect(try penalty(decided: "2026-05-20", cls: "severe", publicUntil: nil) == ["/body/class enum"])
        let message = Fixture.validate(try Fixture.example("penalty-organization").setting("/body/class", "general")
            .setting("/body/publicUntil", "2028-05-20")).first?.message ?? ""
        #expect(message.contains("信用修复管理办法"), "the refusal names the rule")
    }

    // MARK: credit repair

    func repair(_ window: RepairWindow, decidedAt: String, conditions: [String]?) throws -> [String] {
        var fake = FakeLookup()
        fake.summaries[1] = RecordSummary(seq: 1, kind: .penalty, authority: "113303040025997855", decidedAt: d("2026-05-20"), repair: window)
        var doc = try Fixture.example("credit_repair-signed").setting("/body/target", 1).setting("/body/decidedAt", .string(decidedAt))
        doc = doc.setting("/body/conditions", conditions.map { .array($0.map { .string($0) }) })
        return Fixture.validate(doc, context: ValidationContext(today: Fixture.today, lookup: fake)).map { "\($0.pointer) \($0.code)" }
    }

    @Test func repairByTheRuleInForce() throws {
        let all = RepairCondition.rawValues
        // 信用修复管理办法: a serious penalty decided 2026-05-20 may be repaired from 2027-05-20, on all four conditions.
        let serious = RepairWindow(rule: .ndrc2025, from: d("2027-05-20"))
        #expect(try repair(serious, decidedAt: "2026-11-20", conditions: all) == ["/body/decidedAt repair_too_early"])
        #expect(try repair(RepairWindow(rule: .ndrc2025, from: d("2026-08-20")), decidedAt: "2026-09-01", conditions: all) == [])
        #expect(try repair(RepairWindow(rule: .ndrc2025, from: d("2026-08-20")), decidedAt: "2026-09-01", conditions: nil)
                == ["/body/conditions repair_conditions"])
        #expect(try repair(RepairWindow(rule: .ndrc2025, from: d("2026-08-20")), decidedAt: "2026-09-01", conditions: ["credit_commitment"])
                == ["/body/conditions repair_conditions"])
        // Order 58: 3 months, conditions optional.
        #expect(try repair(RepairWindow(rule: .order58, from: d("2026-05-20")), decidedAt: "2026-09-01", conditions: nil) == [])
        // SAMR Order 45 art. 14: no early end for 吊销.
        #expect(try repair(RepairWindow(rule: .samr45, from: nil), decidedAt: "2026-09-01", conditions: all) == ["/body/target repair_not_available"])
        #expect(try repair(RepairWindow(rule: .ndrc2025, from: d("2026-08-20")), decidedAt: "2026-09-01", conditions: ["bribe"])
            .contains("/body/conditions/0 enum"))
    }

    /// 行政强制法 art. 28: a lift names an enforcement measure in the log, not revoked, not later than itself.
    @Test func liftRules() throws {
        var fake = FakeLookup()
        fake.summaries[1] = RecordSummary(seq: 1, kind: .enforcement, authority: "113303040025997855", decidedAt: d("2026-06-03"))
        fake.summaries[2] = RecordSummary(seq: 2, kind: .penalty, authority: "113303040025997855", decidedAt: d("2026-06-03"))
        fake.summaries[3] = RecordSummary(seq: 3, kind: .enforcement, authority: "113303040025997855", decidedAt: d("2026-06-03"), isRevoked: true)
        let context = ValidationContext(today: Fixture.today, lookup: fake)
        func errors(_ target: Int64, decided: String = "2026-06-20") throws -> [String] {
            let doc = try Fixture.example("enforcement-lift").setting("/body/lifts", .number(String(target))).setting("/body/decidedAt", .string(decided))
            return Fixture.validate(doc, context: context).map { "\($0.pointer) \($0.code)" }
        }
        #expect(try errors(1) == [])
        #expect(try errors(2) == ["/body/lifts target_kind"])
        #expect(try errors(3) == ["/body/lifts target_revoked"])
        #expect(try errors(9) == ["/body/lifts target_not_found"])
        #expect(try errors(1, decided: "2026-06-02") == ["/body/decidedAt date_order"])
    }

    @Test func registryAndBodyAgree() throws {
        let body = try Fixture.example("penalty-organization").objectValue!["body"]!.objectValue!
        let registry = RecordRegistry()
        registry.apply(seq: 0, envelope: Envelope(kind: .penalty, body: body, submittedAt: "2026-11-22T08:00:00Z",
                                                  submittedBy: Submitter(principal: "admin", authority: nil), clientSignature: nil))
        // decided 2026-05-20, publicUntil 2027-05-20, no class: general under the 2025 rule.
        #expect(registry.summary(of: 0)?.repair == RepairWindow(rule: .ndrc2025, from: d("2026-08-20")))
    }
}
