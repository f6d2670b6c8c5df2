import CreditRecords
import Testing
@testable import BackgroundIndex

func classed(_ rec: Rec, _ cls: String?, authorityName: String? = nil) -> Rec {
    var rec = rec
    var body = rec.body.objectValue!
    if let cls { body["class"] = .string(cls) }
    if let authorityName {
        var a = body["authority"]!.objectValue!
        a["name"] = .string(authorityName)
        body["authority"] = .object(a)
    }
    rec.body = .object(body)
    return rec
}

/// Publication windows by the rule in force at the decision (docs/records.md "Publication
/// periods"), in checks (`records_found`) and disclosures, on both sides of 2026-04-01.
@Suite struct PublicationPeriodRules {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var rec: Rec
        var today: String
        var counts: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // NDRC Order 2023 No. 58: without publicUntil, 3 years.
        Case(name: "Order 58: decided 2026-03-31, counted through 2029-03-31", rec: R.penalty(alice.party, decided: "2026-03-31"), today: "2029-03-31", counts: true),
        Case(name: "Order 58: not on 2029-04-01", rec: R.penalty(alice.party, decided: "2026-03-31"), today: "2029-04-01", counts: false),
        // 信用修复管理办法 (NDRC Order 2025 No. 36): 一般 at most 1 year (the default class of a warning).
        Case(name: "2025 rule: general through 2027-04-01", rec: R.penalty(alice.party, decided: "2026-04-01"), today: "2027-04-01", counts: true),
        Case(name: "2025 rule: general not on 2027-04-02", rec: R.penalty(alice.party, decided: "2026-04-01"), today: "2027-04-02", counts: false),
        // 严重 up to 3 years.
        Case(name: "2025 rule: serious through 2029-04-01", rec: classed(R.penalty(alice.party, decided: "2026-04-01"), "serious"), today: "2029-04-01", counts: true),
        // 轻微: in principle not published.
        Case(name: "2025 rule: minor is not published", rec: classed(R.penalty(alice.party, decided: "2026-04-01"), "minor"), today: "2026-04-01", counts: false),
        Case(name: "2025 rule: minor with publicUntil, through it",
             rec: classed(R.penalty(alice.party, decided: "2026-04-01", publicUntil: "2026-06-30"), "minor"), today: "2026-06-30", counts: true),
        // An explicit publicUntil answers as before the rule table.
        Case(name: "publicUntil 2 years, no class: as before", rec: R.penalty(alice.party, decided: "2026-05-20", publicUntil: "2028-05-20"),
             today: "2028-05-20", counts: true),
        // validUntil still extends a person's check.
        Case(name: "validUntil extends a check", rec: R.penalty(alice.party, decided: "2026-04-01", validUntil: "2027-12-31"), today: "2027-12-31", counts: true),
        // SAMR Order 45 art. 13: 3 months for a market regulator's 轻微 penalty.
        Case(name: "SAMR Order 45: 3 months", rec: classed(R.penalty(alice.party, decided: "2026-05-20"), "minor", authorityName: "温州市瓯海区市场监督管理局"),
             today: "2026-08-20", counts: true),
        Case(name: "SAMR Order 45: not after 3 months",
             rec: classed(R.penalty(alice.party, decided: "2026-05-20"), "minor", authorityName: "温州市瓯海区市场监督管理局"), today: "2026-08-21", counts: false),
    ]

    @Test(arguments: cases, Feed.allCases)
    func personCheck(_ c: Case, feed: Feed) throws {
        let (index, _) = try build([c.rec], feed: feed)
        #expect(index.status(of: alice.key, today: day(c.today)) == (c.counts ? .recordsFound : .clear))
    }

    @Test(arguments: [true, false])
    func disclosureFollowsTheRule(_ after: Bool) throws {
        // The same warning decided a day either side of 2026-04-01, seen on 2027-06-01.
        let decided = after ? "2026-04-01" : "2026-03-31"
        let (index, source) = try build([R.filing(nurseryUSCC), R.penalty(organizationParty(nurseryUSCC, representative: alice), decided: decided)])
        let d = try #require(try index.institution(uscc: nurseryUSCC, today: day("2027-06-01"), source: source))
        #expect(d.penalties.count == (after ? 0 : 1))
    }

    @Test func repairWindowInTheIndex() throws {
        let (index, _) = try build([classed(R.penalty(alice.party, decided: "2026-05-20"), "serious"), R.penalty(alice.party, decided: "2026-03-20"),
                                    R.enforcement(alice.party)])
        #expect(index.summary(of: 0)?.repair == RepairWindow(rule: .ndrc2025, from: day("2027-05-20")))
        #expect(index.summary(of: 1)?.repair == RepairWindow(rule: .order58, from: day("2026-06-20")))
        #expect(index.summary(of: 2)?.repair == nil)
    }

    @Test func bothReadersAgree() throws {
        for rec in Self.cases.map(\.rec) {
            let envelope = rec.envelope
            let fast = try #require(RecordFacts.extract(entry: try envelope.canonicalBytes()))
            #expect(fast == RecordFacts(envelope: envelope))
            #expect(fast.repairRule != 0)
        }
    }
}
