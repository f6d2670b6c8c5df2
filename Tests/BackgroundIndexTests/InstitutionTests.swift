import CreditRecords
import Testing
@testable import BackgroundIndex

struct InstitutionCase: Sendable, CustomTestStringConvertible {
    var name: String
    var records: [Rec]
    var status: InstitutionStatus
    /// The seq of the filing shown, if any.
    var filing: UInt64? = nil
    var testDescription: String { name }

    init(_ name: String, _ records: [Rec], _ status: InstitutionStatus, filing: UInt64? = nil) {
        (self.name, self.records, self.status, self.filing) = (name, records, status, filing)
    }
}

let n = nurseryUSCC
let institutionCases: [InstitutionCase] = [
    InstitutionCase("filed", [R.filing(n)], .active, filing: 0),
    InstitutionCase("changed: the latest filing is shown", [R.filing(n), R.filing(n, action: "changed")], .active, filing: 1),
    InstitutionCase("deregistered", [R.filing(n), R.filing(n, action: "deregistered")], .deregistered, filing: 1),
    InstitutionCase("re-filed after deregistration", [R.filing(n), R.filing(n, action: "deregistered"), R.filing(n)], .active, filing: 2),
    InstitutionCase("a revoked filing is not current", [R.filing(n), R.filing(n, action: "changed"), R.revocation(1)], .active, filing: 0),
    InstitutionCase("a revoked deregistration", [R.filing(n), R.filing(n, action: "deregistered"), R.revocation(1)], .active, filing: 0),
    InstitutionCase("records but no filing", [R.inspection(n)], .unfiled),
    InstitutionCase("only a revoked filing", [R.filing(n), R.revocation(0)], .unfiled),
    InstitutionCase("named only by a ban", [R.ban(alice, at: n)], .unfiled),
    InstitutionCase("named only by a penalty", [R.penalty(organizationParty(n, representative: alice))], .unfiled),
    InstitutionCase("one failed review", [R.filing(n), R.review(n, year: 2025, passed: false)], .active, filing: 0),
    InstitutionCase("two consecutive failed years", [R.filing(n), R.review(n, year: 2024, passed: false), R.review(n, year: 2025, passed: false)],
                    .closureRequired, filing: 0),
    InstitutionCase("recorded out of year order", [R.filing(n), R.review(n, year: 2025, passed: false), R.review(n, year: 2024, passed: false)],
                    .closureRequired, filing: 0),
    InstitutionCase("without a filing", [R.review(n, year: 2024, passed: false), R.review(n, year: 2025, passed: false)], .closureRequired),
    InstitutionCase("a pass in between", [R.filing(n), R.review(n, year: 2023, passed: false), R.review(n, year: 2024, passed: true),
                                          R.review(n, year: 2025, passed: false)], .active, filing: 0),
    InstitutionCase("non-consecutive years", [R.filing(n), R.review(n, year: 2023, passed: false), R.review(n, year: 2025, passed: false)],
                    .active, filing: 0),
    InstitutionCase("cleared by a later pass", [R.filing(n), R.review(n, year: 2024, passed: false), R.review(n, year: 2025, passed: false),
                                                R.review(n, year: 2026, passed: true)], .active, filing: 0),
    InstitutionCase("a later pass, then a failure: one failure since", [R.filing(n), R.review(n, year: 2023, passed: false),
                    R.review(n, year: 2024, passed: false), R.review(n, year: 2025, passed: true), R.review(n, year: 2026, passed: false)], .active, filing: 0),
    InstitutionCase("a re-review that passes supersedes the failure", [R.filing(n), R.review(n, year: 2024, passed: false),
                    R.review(n, year: 2025, passed: false), R.review(n, year: 2025, passed: true)], .active, filing: 0),
    InstitutionCase("a late pass for an earlier year does not clear", [R.filing(n), R.review(n, year: 2024, passed: false),
                    R.review(n, year: 2025, passed: false), R.review(n, year: 2023, passed: true)], .closureRequired, filing: 0),
    InstitutionCase("ended by deregistration", [R.filing(n), R.review(n, year: 2024, passed: false), R.review(n, year: 2025, passed: false),
                    R.filing(n, action: "deregistered")], .deregistered, filing: 3),
    InstitutionCase("failures before a deregistration do not count after re-filing", [R.filing(n), R.review(n, year: 2024, passed: false),
                    R.filing(n, action: "deregistered"), R.filing(n), R.review(n, year: 2025, passed: false)], .active, filing: 3),
    InstitutionCase("a revoked failure does not count", [R.filing(n), R.review(n, year: 2024, passed: false), R.review(n, year: 2025, passed: false),
                    R.revocation(2)], .active, filing: 0),
    InstitutionCase("another institution's failures do not count", [R.filing(n), R.review(n, year: 2024, passed: false),
                    R.review(otherNurseryUSCC, year: 2025, passed: false)], .active, filing: 0),
]

@Suite struct InstitutionRules {
    @Test(arguments: institutionCases, Feed.allCases)
    func rule(_ c: InstitutionCase, feed: Feed) throws {
        let (index, source) = try build(c.records, feed: feed)
        let d = try #require(try index.institution(uscc: nurseryUSCC, today: today, source: source))
        #expect(d.status == c.status)
        #expect(d.filing?["seq"]?.integerValue.map(UInt64.init) == c.filing)
        #expect(d.uscc == nurseryUSCC)
    }

    @Test func unknownCodeIsNil() throws {
        let (index, source) = try build([R.filing(nurseryUSCC), R.ban(alice)])
        #expect(try index.institution(uscc: otherNurseryUSCC, today: today, source: source) == nil)
        #expect(try index.institution(uscc: "91330304MA2HXXXX1C", today: today, source: source) == nil)
    }

    @Test func codeIsNormalised() throws {
        let (index, source) = try build([R.filing(nurseryUSCC)])
        let d = try #require(try index.institution(uscc: " 91330304ma2hxxxx1b", today: today, source: source))
        #expect(d.uscc == nurseryUSCC && d.status == .active)
    }

    @Test func placeholderCodeIsNoInstitution() throws {
        let business: JSONValue = ["category": "individual_business", "name": "某某托育服务部", "uscc": "00000000000000000X",
                                   "registrationNo": "330304600123456", "legalRepresentative": alice.json]
        let (index, source) = try build([R.penalty(business)])
        #expect(try index.institution(uscc: "00000000000000000X", today: today, source: source) == nil)
        #expect(index.stats.institutions == 0)
    }

    @Test(arguments: Feed.allCases)
    func disclosedLists(feed: Feed) throws {
        let (index, source) = try build([
            R.filing(nurseryUSCC),                                                                     // 0
            R.inspection(nurseryUSCC), R.inspection(nurseryUSCC, result: "fail"), R.inspection(nurseryUSCC),  // 1 2 3
            R.revocation(3),                                                                           // 4
            R.penalty(organizationParty(nurseryUSCC, representative: alice), publicUntil: tomorrow),   // 5 shown
            R.penalty(organizationParty(nurseryUSCC, representative: alice), publicUntil: yesterday),  // 6 ended
            R.penalty(organizationParty(nurseryUSCC, representative: alice), validUntil: tomorrow, publicUntil: yesterday),  // 7 publication ended
            R.penalty(organizationParty(nurseryUSCC, representative: alice)),                          // 8 repaired
            R.repair(8),                                                                               // 9
            R.penalty(organizationParty(nurseryUSCC, representative: alice)),                          // 10 revoked
            R.revocation(10),                                                                          // 11
            R.penalty(organizationParty(nurseryUSCC, representative: alice, category: "individual_business"), decided: "2023-11-22"),  // 12 last day
            R.review(nurseryUSCC, year: 2024, passed: true), R.review(nurseryUSCC, year: 2025, passed: false),  // 13 14
            R.enforcement(organizationParty(nurseryUSCC, representative: alice)),                      // 15 not a disclosure list
            R.ban(alice, at: nurseryUSCC),                                                             // 16 never disclosed
        ], feed: feed)
        let d = try #require(try index.institution(uscc: nurseryUSCC, today: today, source: source))
        func seqs(_ items: [JSONValue]) -> [Int64] { items.compactMap { $0.objectValue?["seq"]?.integerValue } }
        #expect(seqs(d.inspections) == [1, 2])
        #expect(seqs(d.penalties) == [5, 12])
        #expect(seqs(d.annualReviews) == [13, 14])
        #expect(d.status == .active)
        #expect(d.filing?["action"] == "filed")
        #expect(d.filing?["institution"]?.objectValue?["legalRepresentative"]?.objectValue?["name"] == "王丽")
        #expect(d.inspections[1].objectValue?["record"]?.objectValue?["result"] == "fail")
    }

    /// docs/records.md "Disclosure": a disclosure never contains anyone's ID number (the name may appear).
    @Test func disclosureHasNoIdNumbers() throws {
        let people = [alice, bob, aliceNamesake, foreigner]
        let (index, source) = try build([
            R.filing(nurseryUSCC, representative: alice),
            R.filing(nurseryUSCC, action: "changed", representative: bob),
            R.penalty(organizationParty(nurseryUSCC, representative: aliceNamesake)),
            R.penalty(organizationParty(nurseryUSCC, representative: foreigner, category: "individual_business")),
            R.inspection(nurseryUSCC, result: "fail"),
            R.review(nurseryUSCC, year: 2025, passed: true),
            R.ban(alice, at: nurseryUSCC), R.ban(bob, at: nurseryUSCC),
            R.judgment(alice), R.penalty(alice.party), R.enforcement(bob.party),
        ])
        let d = try #require(try index.institution(uscc: nurseryUSCC, today: today, source: source))
        let all: JSONValue = ["filing": .object(d.filing!), "inspections": .array(d.inspections), "penalties": .array(d.penalties),
                              "annualReviews": .array(d.annualReviews)]
        let text = String(decoding: try CanonicalJSON.encode(all), as: UTF8.self)
        for p in people {
            #expect(!text.contains(p.number))
        }
        #expect(!text.contains("idNumber") && !text.contains("idType") && !text.contains("resident_id"))
        #expect(text.contains("张伟"))  // the current legal representative's name stays
        #expect(d.penalties.count == 2 && d.inspections.count == 1 && d.annualReviews.count == 1)
    }

    @Test func closureRule() {
        func c(_ r: [(Int32, Bool)]) -> Bool { Rules.closureRequired(r.map { (year: $0.0, passed: $0.1) }) }
        #expect(!c([]))
        #expect(c([(2024, false), (2025, false)]))
        #expect(c([(2020, false), (2021, false), (2023, false)]))
        #expect(!c([(2020, false), (2021, false), (2022, true)]))
        #expect(!c([(2020, false), (2021, true), (2022, false)]))
        #expect(c([(2020, false), (2021, true), (2022, false), (2023, false)]))
    }
}
