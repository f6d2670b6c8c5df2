import CreditRecords
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import BackgroundIndex

/// A penalty against the nursery with the given categories (a closure or revocation needs
/// no fine amount; a revocation needs the licence named).
func statusPenalty(_ categories: [String], uscc: String = nurseryUSCC, decided: String = "2026-05-20", number: String = "瓯卫罚〔2026〕9号") -> Rec {
    var rec = R.penalty(organizationParty(uscc, representative: alice), decided: decided)
    var body = rec.body.objectValue!
    body["categories"] = .array(categories.map { .string($0) })
    body["decisionNo"] = .string(number)
    if categories.contains("license_revocation") { body["license"] = "托育机构备案回执" }
    rec.body = .object(body)
    return rec
}

func seal(_ uscc: String = nurseryUSCC, decided: String, measure: String = "seal") -> Rec {
    var rec = R.enforcement(organizationParty(uscc, representative: alice), decided: decided)
    var body = rec.body.objectValue!
    body["measure"] = .string(measure)
    rec.body = .object(body)
    return rec
}

/// A 解除查封 decision (行政强制法 art. 28) lifting the measure at `target`.
func lift(_ target: UInt64, decided: String, uscc: String = nurseryUSCC) -> Rec {
    var rec = seal(uscc, decided: decided, measure: "other")
    var body = rec.body.objectValue!
    body["lifts"] = .number(String(target))
    body["decisionNo"] = "瓯卫解强〔2026〕1号"
    rec.body = .object(body)
    return rec
}

func filing(_ uscc: String, region: String, action: String = "filed") -> Rec {
    var rec = R.filing(uscc, action: action)
    var body = rec.body.objectValue!
    var inst = body["institution"]!.objectValue!
    inst["region"] = .string(region)
    body["institution"] = .object(inst)
    rec.body = .object(body)
    return rec
}

struct StatusCase: Sendable, CustomTestStringConvertible {
    var name: String
    var records: [Rec]
    var today: String
    var status: InstitutionStatus
    var causes: [UInt64]
    var testDescription: String { name }
    init(_ name: String, _ records: [Rec], today: String = "2026-11-22", _ status: InstitutionStatus, _ causes: [UInt64]) {
        (self.name, self.records, self.today, self.status, self.causes) = (name, records, today, status, causes)
    }
}

let m = nurseryUSCC
let statusCases: [StatusCase] = [
    // 行政处罚法 (2021) art. 9(4): 责令关闭 is a penalty; the institution is closed from its record on.
    StatusCase("行政处罚法 art. 9(4): a closure penalty closes", [R.filing(m), statusPenalty(["closure"])], .closed, [1]),
    // 行政处罚法 art. 9(3): 吊销许可证件.
    StatusCase("行政处罚法 art. 9(3): a licence revocation", [R.filing(m), statusPenalty(["fine", "license_revocation"])], .licenseRevoked, [1]),
    StatusCase("closure wins over a licence revocation", [R.filing(m), statusPenalty(["license_revocation"]), statusPenalty(["closure"], number: "b")],
               .closed, [2]),
    StatusCase("a closure with no filing still closes", [statusPenalty(["closure"])], .closed, [0]),
    StatusCase("a warning changes nothing", [R.filing(m), statusPenalty(["warning"])], .active, [0]),
    // 行政处罚法 art. 65 / the record contract: a revoked (overturned) decision has no effect.
    StatusCase("a revoked closure does not close", [R.filing(m), statusPenalty(["closure"]), R.revocation(1)], .active, [0]),
    // A repair ends publication (信用修复管理办法 art. 3), not the closure itself.
    StatusCase("a repaired closure still closes", [R.filing(m), statusPenalty(["closure"]), R.repair(1)], .closed, [1]),
    StatusCase("a deregistration after the closure: deregistered", [R.filing(m), statusPenalty(["closure"]), R.filing(m, action: "deregistered")],
               .deregistered, [2]),
    StatusCase("a closure before a deregistration does not follow a re-filing",
               [R.filing(m), statusPenalty(["closure"]), R.filing(m, action: "deregistered"), R.filing(m)], .active, [3]),
    StatusCase("a closure against another institution", [R.filing(m), statusPenalty(["closure"], uscc: otherNurseryUSCC)], .active, [0]),
    // 行政强制法 arts. 9 and 25: a 查封 lasts at most 30 days (extension: a further decision).
    StatusCase("行政强制法 art. 25: sealed on the decision day", [R.filing(m), seal(decided: "2026-11-22")], .sealed, [1]),
    StatusCase("行政强制法 art. 25: sealed through the 30th day", [R.filing(m), seal(decided: "2026-10-23")], .sealed, [1]),
    StatusCase("行政强制法 art. 25: lifted on the 31st day", [R.filing(m), seal(decided: "2026-10-22")], .active, [0]),
    StatusCase("行政强制法 art. 25: an extension is its own decision",
               [R.filing(m), seal(decided: "2026-10-01"), seal(decided: "2026-10-31")], .sealed, [2]),
    // 行政强制法 art. 28: a 解除 decision lifts the seal from its own date.
    StatusCase("行政强制法 art. 28: a lift ends the seal", [R.filing(m), seal(decided: "2026-11-10"), lift(1, decided: "2026-11-20")], .active, [0]),
    StatusCase("行政强制法 art. 28: sealed before the lift's date", [R.filing(m), seal(decided: "2026-11-10"), lift(1, decided: "2026-11-20")],
               today: "2026-11-19", .sealed, [1]),
    StatusCase("a revoked lift does not lift", [R.filing(m), seal(decided: "2026-11-10"), lift(1, decided: "2026-11-20"), R.revocation(2)], .sealed, [1]),
    StatusCase("a lift of another measure leaves the seal", [R.filing(m), seal(decided: "2026-11-10"), seal(decided: "2026-11-12"), lift(1, decided: "2026-11-20")],
               .sealed, [2]),
    StatusCase("another institution's lift leaves the seal", [R.filing(m), seal(decided: "2026-11-10"), lift(1, decided: "2026-11-20", uscc: otherNurseryUSCC)],
               .sealed, [1]),
    StatusCase("a seizure (扣押) is no seal", [R.filing(m), seal(decided: "2026-11-20", measure: "seize")], .active, [0]),
    StatusCase("a revoked seal is lifted", [R.filing(m), seal(decided: "2026-11-20"), R.revocation(1)], .active, [0]),
    StatusCase("a seal after 2026-04-01 on a fixed today", [R.filing(m), seal(decided: "2026-04-01")], today: "2026-05-01", .sealed, [1]),
    StatusCase("closed wins over sealed", [R.filing(m), seal(decided: "2026-11-20"), statusPenalty(["closure"])], .closed, [2]),
    // 榆林市促进3岁以下婴幼儿照护服务发展的实施方案 (2020): 连续两年年审不合格的托育机构，责令关闭.
    StatusCase("two failed reviews: closure_required with both reviews",
               [R.filing(m), R.review(m, year: 2024, passed: false), R.review(m, year: 2025, passed: false)], .closureRequired, [1, 2]),
    StatusCase("three failed years: all three", [R.filing(m), R.review(m, year: 2023, passed: false), R.review(m, year: 2024, passed: false),
                                                R.review(m, year: 2025, passed: false)], .closureRequired, [1, 2, 3]),
    StatusCase("a re-review supersedes: its seq is the cause", [R.filing(m), R.review(m, year: 2024, passed: false),
               R.review(m, year: 2025, passed: true), R.review(m, year: 2025, passed: false)], .closureRequired, [1, 3]),
    StatusCase("sealed wins over closure_required", [R.filing(m), R.review(m, year: 2024, passed: false), R.review(m, year: 2025, passed: false),
                                                    seal(decided: "2026-11-20")], .sealed, [3]),
    StatusCase("unfiled carries no record", [R.inspection(m)], .unfiled, []),
]

@Suite struct InstitutionStatusRules {
    @Test(arguments: statusCases, Feed.allCases)
    func rule(_ c: StatusCase, feed: Feed) throws {
        let (index, source) = try build(c.records, feed: feed)
        let d = try #require(try index.institution(uscc: nurseryUSCC, today: day(c.today), source: source))
        #expect(d.status == c.status)
        #expect(d.statusRecords == c.causes)
    }

    /// Version 2 entries carry no status flags: such a snapshot is refused (and the index
    /// rebuilt from the log), never read as an institution without its closure.
    @Test func aVersion2SnapshotIsRefused() throws {
        let (index, _) = try build([R.filing(m), statusPenalty(["closure"])])
        var bytes = BackgroundIndex.encode(index.state.withLock { $0 }, rootHash: fakeRoot(index.size))
        bytes[8] = 2
        bytes = Array(bytes.dropLast(32)) + SHA256.hash(bytes.dropLast(32)).bytes
        #expect(throws: BackgroundIndex.SnapshotError.self) { try BackgroundIndex.decode(bytes, rootAt: { fakeRoot($0) }) }
        let current = BackgroundIndex.encode(index.state.withLock { $0 }, rootHash: fakeRoot(index.size))
        let loaded = try BackgroundIndex.decode(current, rootAt: { fakeRoot($0) })
        // The current version keeps the closure across a snapshot.
        #expect(loaded.institutions(status: .closed, region: nil, after: nil, limit: 5, today: today).items.map(\.uscc) == [m])
    }

    @Test func bothReadersAgree() throws {
        for rec in [statusPenalty(["closure", "fine"]), statusPenalty(["license_revocation"]), seal(decided: "2026-11-01"), filing(m, region: "330304"),
                    lift(7, decided: "2026-11-20")] {
            let envelope = rec.envelope
            let fast = try #require(RecordFacts.extract(entry: try envelope.canonicalBytes()))
            #expect(fast == RecordFacts(envelope: envelope))
            #expect(fast.statusBits != 0 || fast.region == 330304 || fast.lifts == 7)
        }
    }
}

@Suite struct InstitutionList {
    let a = "91330304MA2HXXXX1B", b = "91330305MA2HXXXX2C", c = "91330100MA2HXXXX3D", d = "91110105MA2HXXXX4E"

    func index() throws -> BackgroundIndex {
        try build([filing(a, region: "330304"), filing(b, region: "330305"), filing(c, region: "330106"), filing(d, region: "110105"),
                   statusPenalty(["closure"], uscc: a), statusPenalty(["closure"], uscc: c, number: "c"), seal(b, decided: "2026-11-20")]).0
    }

    @Test func byStatus() throws {
        let page = try index().institutions(status: .closed, region: nil, after: nil, limit: 10, today: today)
        #expect(page.items.map(\.uscc) == [c, a])  // USCC order
        #expect(page.items.map(\.statusRecords) == [[5], [4]])
        #expect(page.items.map(\.region) == ["330106", "330304"])
        #expect(page.next == nil)
        #expect(try index().institutions(status: .sealed, region: nil, after: nil, limit: 10, today: today).items.map(\.uscc) == [b])
        // 行政强制法 art. 25: thirty days later the seal no longer lists.
        #expect(try index().institutions(status: .sealed, region: nil, after: nil, limit: 10, today: day("2026-12-21")).items.isEmpty)
    }

    @Test func byRegionLevel() throws {
        let idx = try index()
        func codes(_ region: String, _ status: InstitutionStatus? = nil) -> [String] {
            idx.institutions(status: status, region: RegionFilter(region)!, after: nil, limit: 10, today: today).items.map(\.uscc)
        }
        #expect(codes("330304") == [a])                 // a district: itself
        #expect(codes("330300") == [b, a].sorted())     // a city: its districts
        #expect(codes("330000") == [c, b, a].sorted())  // a province
        #expect(codes("330000", .closed) == [c, a])
        #expect(codes("110000", .closed).isEmpty)
        #expect(RegionFilter("33030") == nil && RegionFilter("33030x") == nil && RegionFilter("+33030") == nil)
        #expect(codes("000000").isEmpty)
    }

    /// 榆林市 policy: 连续两年年审不合格 — computed before, now listed.
    @Test func closureRequiredIsListed() throws {
        let idx = try build([filing(a, region: "330304"), filing(b, region: "330305"),
                             R.review(b, year: 2024, passed: false), R.review(b, year: 2025, passed: false)]).0
        let page = idx.institutions(status: .closureRequired, region: nil, after: nil, limit: 10, today: today)
        #expect(page.items.map(\.uscc) == [b] && page.items.first?.statusRecords == [2, 3])
    }

    /// The lists are worked out once per size and day (PublicListTables): the same index
    /// asked again after a new day or a new record must answer from the new state, never
    /// from the table it made before.
    @Test func listsFollowEveryNewRecordAndEveryNewDay() throws {
        let idx = try index()
        func closed() -> [String] { idx.institutions(status: .closed, region: nil, after: nil, limit: 10, today: today).items.map(\.uscc) }
        func sealed(_ on: LocalDate) -> [String] { idx.institutions(status: .sealed, region: nil, after: nil, limit: 10, today: on).items.map(\.uscc) }
        func published(_ on: LocalDate = today) -> [UInt64] { idx.publishedPenalties(region: nil, today: on).map(\.seq) }
        #expect(closed() == [c, a] && sealed(today) == [b] && published() == [5, 4])
        #expect(sealed(day("2026-12-21")).isEmpty)
        #expect(sealed(today) == [b])  // back to the earlier day: made again, not the later day's table
        // Far past every publication period (three years from 2026-05-20 at most, no class).
        #expect(published(day("2030-01-01")).isEmpty && published() == [5, 4])
        idx.apply(seq: 7, entry: try R.revocation(4).envelope.canonicalBytes())  // a's closure, withdrawn
        #expect(closed() == [c] && published() == [5])
        idx.apply(seq: 8, entry: try statusPenalty(["closure"], uscc: d, number: "d").envelope.canonicalBytes())
        #expect(closed() == [d, c] && published() == [8, 5])  // USCC order: 9111… before 9133…
        #expect(idx.institutions(status: .closed, region: RegionFilter("110000")!, after: nil, limit: 10, today: today).items.map(\.uscc) == [d])
        #expect(idx.publishedPenalties(region: RegionFilter("330100")!, today: today).map(\.seq) == [5])
    }

    /// The tables kept up to date per changed institution (PublicListTables) answer what
    /// tables made whole answer, after every one of 400 random records: filings moving
    /// regions, closures, seals and their lifts, inspections, revocations, credit repairs,
    /// asked on the day and on other days in between. Two indexes are fed the same entries;
    /// the second's tables are thrown away before every question, so it always makes them whole.
    @Test func tablesKeptUpToDateAnswerAsTablesMadeWhole() throws {
        var rng = SplitMix64(state: 20261206)
        let codes = (0..<40).map { i in "9133\(["03", "01", "11"][i % 3])04MA2H\(String(format: "%04d", i))BX" }
        let regions = ["330304", "330305", "330106", "110105"]
        let kept = BackgroundIndex(), whole = BackgroundIndex()
        var penalties: [UInt64] = [], seals: [UInt64] = []
        func ask(_ idx: BackgroundIndex, _ on: LocalDate) -> [String] {
            var out: [String] = []
            for status in [nil, InstitutionStatus.closed, .sealed, .active, .unfiled] {
                out += idx.institutions(status: status, region: nil, after: nil, limit: 1000, today: on).items.map {
                    "\($0.uscc) \($0.status) \($0.statusRecords) \($0.region ?? "-") \($0.filingSeq.map(String.init) ?? "-")"
                }
            }
            out += idx.institutions(status: nil, region: RegionFilter("330000")!, after: codes[7], limit: 5, today: on).items.map(\.uscc)
            out += idx.publishedPenalties(region: nil, today: on).map { "\($0.seq) \($0.uscc) \(String(describing: $0.decidedAt)) \($0.filingSeq ?? 0)" }
            out += idx.publishedPenalties(region: RegionFilter("330300")!, today: on).map { "\($0.seq)" }
            return out
        }
        for seq in UInt64(0)..<400 {
            let code = codes[Int(rng.next() % UInt64(codes.count))]
            let decided = "202\(4 + rng.next() % 3)-0\(1 + rng.next() % 9)-1\(rng.next() % 9)"
            let rec: Rec
            switch rng.next() % 10 {
            case 0, 1: rec = filing(code, region: regions[Int(rng.next() % 4)])
            case 2: rec = statusPenalty(["closure"], uscc: code, decided: decided, number: "c\(seq)"); penalties.append(seq)
            case 3, 4: rec = statusPenalty(["warning"], uscc: code, decided: decided, number: "w\(seq)"); penalties.append(seq)
            case 5: rec = seal(code, decided: "2026-11-\(10 + rng.next() % 12)"); seals.append(seq)
            case 6: rec = seals.isEmpty ? R.inspection(code) : lift(seals[Int(rng.next() % UInt64(seals.count))], decided: "2026-11-21", uscc: code)
            case 7: rec = penalties.isEmpty ? R.inspection(code) : R.revocation(penalties[Int(rng.next() % UInt64(penalties.count))])
            case 8: rec = penalties.isEmpty ? R.inspection(code) : R.repair(penalties[Int(rng.next() % UInt64(penalties.count))])
            default: rec = R.inspection(code)
            }
            let entry = try rec.envelope.canonicalBytes()
            kept.apply(seq: seq, entry: entry)
            whole.apply(seq: seq, entry: entry)
            let on = seq % 37 == 0 ? day("2027-0\(1 + seq % 9)-01") : today
            whole.publicLists.institutions.withLock { $0 = nil }
            whole.publicLists.penalties.withLock { $0 = nil }
            let expected = ask(whole, on)
            let answered = ask(kept, on)
            #expect(answered == expected, "after seq \(seq) on \(on)")
            if answered != expected { return }
        }
        // The run did exercise both lists.
        #expect(!kept.publishedPenalties(region: nil, today: today).isEmpty)
        #expect(!kept.institutions(status: .closed, region: nil, after: nil, limit: 10, today: today).items.isEmpty)
    }

    @Test func pages() throws {
        let idx = try index()
        let first = idx.institutions(status: nil, region: nil, after: nil, limit: 2, today: today)
        #expect(first.items.count == 2 && first.next == first.items.last?.uscc)
        let second = idx.institutions(status: nil, region: nil, after: first.next, limit: 2, today: today)
        #expect(second.items.count == 2 && second.next == nil)
        #expect((first.items + second.items).map(\.uscc) == [a, b, c, d].sorted())
    }
}

