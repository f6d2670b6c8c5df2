import CreditRecords
import Testing
@testable import BackgroundIndex

/// One row of the person table: the log (records in seq order), whom we ask about and when,
/// and what docs/background-index.md "Person status" says the answer is.
struct PersonCase: Sendable, CustomTestStringConvertible {
    var name: String
    var records: [Rec]
    var who: PersonKey
    var on: LocalDate = today
    var status: PersonStatus
    /// The seqs of the findings, in order.
    var findings: [UInt64]
    var testDescription: String { name }

    init(_ name: String, _ records: [Rec], who: Subject = alice, on: LocalDate = today, _ status: PersonStatus, _ findings: [UInt64]) {
        self.init(name, records, key: who.key, on: on, status, findings)
    }

    init(_ name: String, _ records: [Rec], key: PersonKey, on: LocalDate = today, _ status: PersonStatus, _ findings: [UInt64]) {
        (self.name, self.records, self.who, self.on, self.status, self.findings) = (name, records, key, on, status, findings)
    }
}

let personCases: [PersonCase] = [
    // Bans
    PersonCase("nothing recorded", [], .clear, []),
    PersonCase("lifetime ban", [R.ban(alice)], .barred, [0]),
    PersonCase("ban until tomorrow", [R.ban(alice, until: tomorrow)], .barred, [0]),
    PersonCase("ban until today (inclusive)", [R.ban(alice, until: todayText)], .barred, [0]),
    PersonCase("ban until yesterday has ended and is no finding", [R.ban(alice, until: yesterday)], .clear, []),
    PersonCase("revoked ban", [R.ban(alice), R.revocation(0)], .clear, []),
    PersonCase("responsible manager barred like a perpetrator", [R.ban(alice, role: "responsible_manager")], .barred, [0]),
    PersonCase("manager ban until a date", [R.ban(alice, until: "2027-01-01", role: "responsible_manager")], .barred, [0]),
    PersonCase("a credit repair of a ban is ignored", [R.ban(alice), R.repair(0)], .barred, [0]),
    PersonCase("revoking a revocation is ignored: the ban stays revoked", [R.ban(alice), R.revocation(0), R.revocation(1)], .clear, []),
    PersonCase("a revocation naming a later seq is ignored", [R.revocation(1), R.ban(alice)], .barred, [1]),
    PersonCase("a revocation naming itself is ignored", [R.ban(alice), R.revocation(1)], .barred, [0]),
    PersonCase("ban and penalty: barred, both found", [R.penalty(alice.party), R.ban(alice)], .barred, [0, 1]),
    PersonCase("revoked ban leaves the penalty", [R.ban(alice), R.penalty(alice.party), R.revocation(0)], .recordsFound, [1]),
    // Judgments
    PersonCase("judgment practiceBanUntil today bars", [R.judgment(alice, practiceBanUntil: todayText)], .barred, [0]),
    PersonCase("judgment practiceBanUntil yesterday: still a record (decided + 3 years)",
               [R.judgment(alice, decided: "2024-01-10", practiceBanUntil: yesterday)], .recordsFound, [0]),
    PersonCase("old judgment whose ban and period ended", [R.judgment(alice, decided: "2020-01-10", practiceBanUntil: yesterday)], .clear, []),
    PersonCase("judgment without a ban inside 3 years", [R.judgment(alice, decided: "2023-11-22")], .recordsFound, [0]),
    PersonCase("judgment without a ban after 3 years", [R.judgment(alice, decided: "2023-11-21")], .clear, []),
    PersonCase("repaired judgment: no record, but the court's ban still bars",
               [R.judgment(alice, decided: "2026-01-10", practiceBanUntil: "2030-01-10"), R.repair(0)], .barred, [0]),
    PersonCase("repaired judgment without a ban", [R.judgment(alice, decided: "2026-01-10"), R.repair(0)], .clear, []),
    PersonCase("revoked judgment with a ban", [R.judgment(alice, practiceBanUntil: "2030-01-10"), R.revocation(0)], .clear, []),
    // Penalties
    PersonCase("penalty publicUntil today", [R.penalty(alice.party, publicUntil: todayText)], .recordsFound, [0]),
    PersonCase("penalty publicUntil yesterday", [R.penalty(alice.party, publicUntil: yesterday)], .clear, []),
    PersonCase("penalty validUntil later than publicUntil", [R.penalty(alice.party, validUntil: tomorrow, publicUntil: yesterday)], .recordsFound, [0]),
    PersonCase("penalty validUntil yesterday, publicUntil tomorrow", [R.penalty(alice.party, validUntil: yesterday, publicUntil: tomorrow)], .recordsFound, [0]),
    PersonCase("penalty both ended", [R.penalty(alice.party, validUntil: yesterday, publicUntil: yesterday)], .clear, []),
    PersonCase("penalty without publicUntil: decidedAt + 3 years, last day", [R.penalty(alice.party, decided: "2023-11-22")], .recordsFound, [0]),
    PersonCase("penalty without publicUntil: the day after", [R.penalty(alice.party, decided: "2023-11-21")], .clear, []),
    PersonCase("validUntil beyond the default period", [R.penalty(alice.party, decided: "2023-01-01", validUntil: "2026-12-31")], .recordsFound, [0]),
    PersonCase("29 February + 3 years = 28 February (inclusive)", [R.penalty(alice.party, decided: "2024-02-29")], on: day("2027-02-28"), .recordsFound, [0]),
    PersonCase("29 February + 3 years: 1 March is after", [R.penalty(alice.party, decided: "2024-02-29")], on: day("2027-03-01"), .clear, []),
    PersonCase("repaired penalty", [R.penalty(alice.party), R.repair(0)], .clear, []),
    PersonCase("revoked penalty", [R.penalty(alice.party), R.revocation(0)], .clear, []),
    PersonCase("revoked, then repaired (ignored order): still out", [R.penalty(alice.party), R.revocation(0), R.repair(0)], .clear, []),
    PersonCase("a revocation of a credit repair is ignored", [R.penalty(alice.party), R.repair(0), R.revocation(1)], .clear, []),
    // Enforcement
    PersonCase("enforcement inside 3 years", [R.enforcement(alice.party)], .recordsFound, [0]),
    PersonCase("enforcement after 3 years", [R.enforcement(alice.party, decided: "2022-05-20")], .clear, []),
    PersonCase("repaired enforcement", [R.enforcement(alice.party), R.repair(0)], .clear, []),
    // Whom a record names
    PersonCase("a legal representative is not the organisation's subject",
               [R.penalty(organizationParty(nurseryUSCC, representative: alice)), R.enforcement(organizationParty(nurseryUSCC, representative: alice))], .clear, []),
    PersonCase("nor an individual business's", [R.penalty(organizationParty(nurseryUSCC, representative: alice, category: "individual_business"))], .clear, []),
    PersonCase("nor a filing's legal representative", [R.filing(nurseryUSCC, representative: alice)], .clear, []),
    PersonCase("same name, other ID: the namesake is clear", [R.ban(alice)], who: aliceNamesake, .clear, []),
    PersonCase("same name, other ID: alice is barred", [R.ban(aliceNamesake), R.ban(alice)], .barred, [1]),
    PersonCase("the ID type is part of the key",
               [R.ban(alice)], key: PersonKey(idType: .foreignPermanentResidentId, number: alice.number), .clear, []),
    PersonCase("lower-case x in the record, upper-case in the check",
               [R.ban(Subject(name: "张伟", idType: .residentId, number: "11010519491231002x"))], who: bob, .barred, [0]),
    PersonCase("upper-case X in the record, lower-case and spaces in the check",
               [R.ban(bob)], key: PersonKey(idType: .residentId, number: "110105 19491231 002x"), .barred, [0]),
    PersonCase("passport numbers", [R.penalty(foreigner.party)], key: PersonKey(idType: .passport, number: "e12345678"), .recordsFound, [0]),
    PersonCase("a long other-ID number (overflow table)",
               [R.ban(Subject(name: "X", idType: .foreignPermanentResidentId, number: "ABC123456789012345678"))],
               key: PersonKey(idType: .foreignPermanentResidentId, number: "abc123456789012345678"), .barred, [0]),
    PersonCase("findings by seq, ended ones left out",
               [R.penalty(alice.party, publicUntil: yesterday), R.enforcement(alice.party), R.judgment(alice), R.penalty(alice.party)], .recordsFound, [1, 2, 3]),
]

@Suite struct PersonRules {
    @Test(arguments: personCases, Feed.allCases)
    func rule(_ c: PersonCase, feed: Feed) throws {
        let (index, source) = try build(c.records, feed: feed)
        let answer = try index.person(c.who, today: c.on, source: source)
        #expect(answer.status == c.status)
        #expect(answer.findings.map(\.seq) == c.findings)
        #expect(index.status(of: c.who, today: c.on) == c.status)
    }

    @Test func banFinding() throws {
        let (index, source) = try build([R.ban(alice), R.ban(bob, until: "2029-06-01", role: "responsible_manager")])
        let lifetime = try #require(try index.person(alice.key, today: today, source: source).findings.first)
        #expect(lifetime == Finding(seq: 0, kind: .ban, reason: "child_abuse", scope: "lifetime", until: nil, decidedAt: day("2026-06-01"),
                                    decisionNo: "瓯卫禁〔2026〕1号", authorityName: "温州市瓯海区卫生健康局", authorityUSCC: authorityUSCC, recordedName: "王丽", rule: .ban))
        let until = try #require(try index.person(bob.key, today: today, source: source).findings.first)
        #expect(until.scope == "until" && until.until == day("2029-06-01") && until.recordedName == "张伟")
    }

    @Test func otherFindings() throws {
        let (index, source) = try build([
            R.penalty(alice.party, decided: "2026-05-20", validUntil: "2026-11-20", publicUntil: "2027-05-20"),
            R.enforcement(alice.party, decided: "2024-02-29"),
            R.judgment(alice, decided: "2026-08-01", practiceBanUntil: "2031-08-01"),
        ])
        let f = try index.person(alice.key, today: today, source: source).findings
        #expect(f.map(\.kind) == [.penalty, .enforcement, .judgment])
        #expect(f[0].reason == "未按规定配备安防监控" && f[0].until == day("2027-05-20") && f[0].decisionNo == "瓯卫罚〔2026〕5号" && f[0].scope == nil)
        #expect(f[1].reason == "seal" && f[1].until == day("2027-02-28"))
        #expect(f[2].reason == "虐待被监护、看护人罪" && f[2].until == day("2031-08-01") && f[2].decisionNo == "（2026）浙0304刑初123号")
        #expect(f.allSatisfy { $0.recordedName == "王丽" && $0.authorityUSCC == authorityUSCC })
    }

    @Test func checkAfterAppendSeesTheRecord() throws {
        let index = BackgroundIndex()
        var envelopes: [Envelope] = []
        #expect(index.status(of: alice.key, today: today) == .clear)
        envelopes.append(R.ban(alice).envelope)
        index.apply(seq: 0, entry: try envelopes[0].canonicalBytes())
        #expect(try index.person(alice.key, today: today, source: MemorySource(envelopes: envelopes)).status == .barred)
        envelopes.append(R.revocation(0).envelope)
        index.apply(seq: 1, envelope: envelopes[1])
        #expect(try index.person(alice.key, today: today, source: MemorySource(envelopes: envelopes)).status == .clear)
        #expect(index.size == 2)
    }

    @Test func wrongSourceIsAnError() throws {
        let (index, _) = try build([R.ban(alice)])
        #expect(throws: BackgroundIndexError.sourceMismatch(seq: 0)) {
            try index.person(alice.key, today: today, source: MemorySource(envelopes: [R.penalty(alice.party).envelope]))
        }
    }

    @Test func personKeyNormalises() {
        #expect(PersonKey(idType: .residentId, number: " 11010519491231002x ").number == "11010519491231002X")
    }
}
