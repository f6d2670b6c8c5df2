import CreditRecords
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BackgroundIndex

/// The statutory bars (docs/background-index.md "Statutory bars"), against fixed dates. Each
/// case names its source: 未成年人保护法 art. 62 (no hiring of anyone with a record of 性侵害、
/// 虐待、拐卖、暴力伤害) and art. 130 (婴幼儿照护服务机构 are bound by it); 行政处罚法 art. 9
/// (限制从业); 学前教育法 art. 44 (the wider list, an option for kindergarten 托班).
extension R {
    static func judgment(_ who: Subject, decided: String = "2026-08-01", practiceBanUntil: String? = nil, category: String?) -> Rec {
        var rec = judgment(who, decided: decided, practiceBanUntil: practiceBanUntil)
        var body = rec.body.objectValue!
        if let category { body["offenceCategory"] = .string(category) }
        rec.body = .object(body)
        return rec
    }

    static func penalty(_ party: JSONValue, decided: String = "2026-05-20", validUntil: String? = nil, categories: [String], category: String? = nil) -> Rec {
        var rec = penalty(party, decided: decided, validUntil: validUntil)
        var body = rec.body.objectValue!
        body["categories"] = .array(categories.map(JSONValue.string))
        if let category { body["offenceCategory"] = .string(category) }
        rec.body = .object(body)
        return rec
    }
}

struct BarCase: Sendable, CustomTestStringConvertible {
    var name: String
    var records: [Rec]
    var on: LocalDate
    var options: BarOptions = .standard
    var status: PersonStatus
    /// The barring finding's rule (nil: none bars).
    var rule: BarRule?
    var testDescription: String { name }
}

let barCases: [BarCase] = [
    // 未成年人保护法 art. 62, 130: the category bars whatever the court set, for as long as the record stands.
    BarCase(name: "art. 62: abuse (Criminal Law 260-1) without a court ban bars",
            records: [R.judgment(alice, decided: "2026-03-31", category: "abuse")], on: day("2026-03-31"), status: .barred, rule: .statutoryOffence),
    BarCase(name: "art. 62: abuse judgment decided 2026-04-02, checked 2030-01-01 (past its 3-year record period): still barred",
            records: [R.judgment(alice, decided: "2026-04-02", category: "abuse")], on: day("2030-01-01"), status: .barred, rule: .statutoryOffence),
    BarCase(name: "art. 62: sexual offence (236/237) whose court ban ended 2026-03-31 still bars on 2026-04-01",
            records: [R.judgment(alice, decided: "2025-01-10", practiceBanUntil: "2026-03-31", category: "sexual_offence")], on: day("2026-04-01"),
            status: .barred, rule: .statutoryOffence),
    BarCase(name: "art. 62: trafficking (240/241/262) bars", records: [R.judgment(alice, category: "trafficking")], on: today, status: .barred, rule: .statutoryOffence),
    BarCase(name: "art. 62: violent injury (234/232) bars", records: [R.judgment(alice, category: "violent_injury")], on: today, status: .barred, rule: .statutoryOffence),
    BarCase(name: "art. 62: a revoked abuse judgment does not bar",
            records: [R.judgment(alice, category: "abuse"), R.revocation(0)], on: today, status: .clear, rule: nil),
    BarCase(name: "art. 62: a credit repair does not lift the statutory bar (the record stands)",
            records: [R.judgment(alice, decided: "2026-01-10", category: "abuse"), R.repair(0)], on: today, status: .barred, rule: .statutoryOffence),
    BarCase(name: "art. 62 covers 违法 records: a 治安 penalty for 猥亵 (sexual_offence) against a person bars",
            records: [R.penalty(alice.party, categories: ["detention"], category: "sexual_offence")], on: today, status: .barred, rule: .statutoryOffence),
    // Categories outside art. 62's list, and records from before the category existed.
    BarCase(name: "abandonment (261, draft 托育服务法 only) is a record, not a bar",
            records: [R.judgment(alice, decided: "2026-01-10", category: "abandonment")], on: today, status: .recordsFound, rule: nil),
    BarCase(name: "other offence: a record, not a bar", records: [R.judgment(alice, decided: "2026-01-10", category: "other")], on: today, status: .recordsFound, rule: nil),
    BarCase(name: "before this change: a judgment without a category answers records_found as it did",
            records: [R.judgment(alice, decided: "2026-01-10")], on: today, status: .recordsFound, rule: nil),
    BarCase(name: "before this change: a court ban still bars through its day, by the court's order",
            records: [R.judgment(alice, decided: "2026-01-10", practiceBanUntil: "2026-03-31")], on: day("2026-03-31"), status: .barred, rule: .courtPracticeBan),
    // 学前教育法 art. 44: off by default, on for kindergarten 托班.
    BarCase(name: "学前教育法 art. 44 list (drug use) off by default: a record",
            records: [R.judgment(alice, decided: "2026-01-10", category: "drug_use")], on: today, status: .recordsFound, rule: nil),
    BarCase(name: "学前教育法 art. 44 list (gambling) with the kindergarten option: barred",
            records: [R.judgment(alice, decided: "2026-01-10", category: "gambling")], on: today, options: BarOptions(preschoolList: true),
            status: .barred, rule: .preschoolOffence),
    BarCase(name: "学前教育法 art. 44 option: a sexual-harassment penalty bars", records: [R.penalty(alice.party, categories: ["detention"], category: "sexual_harassment")],
            on: today, options: BarOptions(preschoolList: true), status: .barred, rule: .preschoolOffence),
    // 行政处罚法 art. 9: 限制从业 bars for its term (validUntil), inclusive.
    BarCase(name: "行政处罚法 art. 9: 限制从业 through validUntil 2026-04-01 bars on its last day",
            records: [R.penalty(alice.party, decided: "2025-04-02", validUntil: "2026-04-01", categories: ["practice_restriction"])], on: day("2026-04-01"),
            status: .barred, rule: .practiceRestriction),
    BarCase(name: "行政处罚法 art. 9: the day after the term it is a record (published 3 years), not a bar",
            records: [R.penalty(alice.party, decided: "2025-04-02", validUntil: "2026-04-01", categories: ["practice_restriction"])], on: day("2026-04-02"),
            status: .recordsFound, rule: nil),
    BarCase(name: "行政处罚法 art. 9: a 限制从业 without validUntil bars through its record period (decided 2025-03-31 + 3 years)",
            records: [R.penalty(alice.party, decided: "2025-03-31", categories: ["warning", "practice_restriction"])], on: day("2028-03-31"),
            status: .barred, rule: .practiceRestriction),
    BarCase(name: "行政处罚法 art. 9: a repaired 限制从业 still bars for its term",
            records: [R.penalty(alice.party, decided: "2026-04-02", validUntil: "2027-04-01", categories: ["practice_restriction"]), R.repair(0)],
            on: today, status: .barred, rule: .practiceRestriction),
    BarCase(name: "行政处罚法 art. 9: a revoked 限制从业 does not bar",
            records: [R.penalty(alice.party, decided: "2026-04-02", validUntil: "2027-04-01", categories: ["practice_restriction"]), R.revocation(0)],
            on: today, status: .clear, rule: nil),
    BarCase(name: "a penalty without 限制从业 or a barring category stays a record",
            records: [R.penalty(alice.party, decided: "2026-04-02", validUntil: "2027-04-01", categories: ["warning"])], on: today, status: .recordsFound, rule: nil),
    BarCase(name: "a 限制从业 against an organisation bars no one (its legal representative is not its subject)",
            records: [R.penalty(organizationParty(nurseryUSCC, representative: alice), decided: "2026-04-02", validUntil: "2027-04-01",
                                categories: ["practice_restriction"], category: "abuse")], on: today, status: .clear, rule: nil),
]

@Suite struct StatutoryBarTests {
    @Test(arguments: barCases, Feed.allCases)
    func bar(_ c: BarCase, feed: Feed) throws {
        let (index, source) = try build(c.records, feed: feed)
        let answer = try index.person(alice.key, today: c.on, options: c.options, source: source)
        #expect(answer.status == c.status)
        #expect(answer.findings.first(where: { $0.rule != nil })?.rule == c.rule)
        #expect(index.status(of: alice.key, today: c.on, options: c.options) == c.status)
    }

    /// The finding cites the rule and the articles: 未成年人保护法 arts. 62 and 130, and for a
    /// judgment the Criminal Law articles of its category (260-1, 260 for abuse).
    @Test func findingCitesTheArticles() throws {
        let (index, source) = try build([R.judgment(alice, decided: "2026-03-31", category: "abuse"),
                                         R.penalty(alice.party, categories: ["detention"], category: "sexual_offence"),
                                         R.penalty(alice.party, decided: "2026-04-02", validUntil: "2027-04-01", categories: ["practice_restriction"])])
        let f = try index.person(alice.key, today: today, source: source).findings
        #expect(f.map(\.rule) == [.statutoryOffence, .statutoryOffence, .practiceRestriction])
        #expect(f[0].basis == "未成年人保护法第62条、第130条（虐待：刑法第260条之一、第260条）")
        #expect(f[0].until == nil, "a statutory bar has no end")
        #expect(f[1].basis == "未成年人保护法第62条、第130条（性侵害）")
        // `until` is the last day the finding counts: the bar ends 2027-04-01, the record's
        // publication (decidedAt + 3 years) runs on to 2029-04-02, as for a court's ban.
        #expect(f[2].basis == "行政处罚法第9条（限制从业）" && f[2].until == day("2029-04-02"))
    }

    /// Both readers (entry bytes, decoded envelope) take the same category and 限制从业.
    @Test func bothReadersAgree() throws {
        for rec in [R.judgment(alice, category: "abuse"), R.penalty(alice.party, validUntil: "2027-04-01", categories: ["warning", "practice_restriction"], category: "other")] {
            let bytes = try rec.envelope.canonicalBytes()
            let fast = try #require(RecordFacts.extract(entry: bytes))
            #expect(fast == RecordFacts(envelope: try Envelope.decode(bytes)))
            #expect(fast.offenceCategory != nil)
        }
    }

    /// A snapshot keeps the category and the 限制从业 end (version 3).
    @Test func snapshotKeepsTheBars() throws {
        let (index, source) = try build([R.judgment(alice, category: "abuse"),
                                         R.penalty(bob.party, decided: "2026-04-02", validUntil: "2027-04-01", categories: ["practice_restriction"])])
        let path = tempPath("statutory-bars")
        defer { unlink(path) }
        try index.writeSnapshot(to: path, rootHash: fakeRoot(index.size))
        let (loaded, problem) = BackgroundIndex.loadSnapshot(from: path, rootAt: { fakeRoot($0) })
        #expect(problem == nil)
        let restored = try #require(loaded)
        #expect(try restored.person(alice.key, today: day("2031-01-01"), source: source).status == .barred)
        #expect(restored.status(of: bob.key, today: day("2027-04-01")) == .barred)
    }

    /// The table covers every category once, in the enum's order, and names 260-1 under abuse.
    @Test func tableCoversEveryCategory() {
        #expect(KindSpec.offenceCategories.map(\.category) == OffenceCategory.allCases)
        #expect(KindSpec.offence(.abuse).criminalLawArticles.contains("260-1"))
        #expect(OffenceCategory.allCases.allSatisfy { OffenceCategory.category(code: OffenceCategory.code($0)) == $0 })
    }
}
