import CreditRecords
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BackgroundIndex

/// The index as the validator's registry (`RecordLookup`) must answer exactly as
/// `RecordRegistry`, the plain reference implementation, over the same log.
@Suite struct RecordLookupTests {
    /// Two penalties sharing a decision number, every kind, revocations and a repair.
    static let log: [Rec] = mixedLog + [
        R.penalty(alice.party, decided: "2026-04-01"),  // seq 13: the same number as seq 2 and 8
        R.revocation(8), R.revocation(13),              // 14, 15: two of the three withdrawn
        R.enforcement(bob.party), R.repair(16),         // 16, 17
    ]

    static let numbers: [(String, String)] = [
        ("瓯卫罚〔2026〕5号", authorityUSCC), ("瓯卫禁〔2026〕1号", authorityUSCC), ("瓯卫检〔2026〕88号", authorityUSCC),
        ("瓯卫托备〔2026〕12号", authorityUSCC), ("（2026）浙0304刑初123号", authorityUSCC), ("瓯卫强〔2026〕2号", authorityUSCC),
        ("瓯卫撤〔2026〕1号", authorityUSCC), ("瓯卫修〔2026〕1号", authorityUSCC),
        ("瓯卫罚〔2026〕5号", "12330304MB1234567X"), ("瓯卫罚〔2026〕6号", authorityUSCC), ("", authorityUSCC),
    ]

    func reference(_ records: [Rec]) -> RecordRegistry {
        let registry = RecordRegistry()
        for (seq, rec) in records.enumerated() { registry.apply(seq: UInt64(seq), envelope: rec.envelope) }
        return registry
    }

    func expectSameAnswers(_ index: BackgroundIndex, _ registry: RecordRegistry, count: Int, _ note: String) {
        for seq in 0..<UInt64(count + 2) {
            #expect(index.summary(of: seq) == registry.summary(of: seq), "\(note): seq \(seq)")
        }
        for (number, authority) in Self.numbers {
            #expect(index.isRecorded(documentNumber: number, authority: authority) == registry.isRecorded(documentNumber: number, authority: authority),
                    "\(note): \(number) of \(authority)")
        }
    }

    @Test(arguments: Feed.allCases)
    func agreesWithTheReferenceAtEveryPrefix(feed: Feed) throws {
        for n in 0...Self.log.count {
            let records = Array(Self.log.prefix(n))
            let (index, _) = try build(records, feed: feed)
            expectSameAnswers(index, reference(records), count: n, "\(feed) prefix \(n)")
        }
    }

    @Test func aNumberIsFreeOnlyOnceEveryRecordCarryingItIsRevoked() throws {
        let (index, _) = try build(Self.log)
        // Seqs 2, 8 and 13 carry 瓯卫罚〔2026〕5号; 8 and 13 are revoked, 2 is only repaired.
        #expect(index.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: authorityUSCC))
        let (withoutTwo, _) = try build(Self.log + [R.revocation(2)])
        #expect(!withoutTwo.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: authorityUSCC))
        // Revoking the same record again (the validator refuses it) must not free a number twice.
        let (twice, _) = try build([R.penalty(bob.party), R.penalty(alice.party), R.revocation(0), R.revocation(0)])
        #expect(twice.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: authorityUSCC))
    }

    @Test func summariesUseEachKindsOwnDecisionDate() throws {
        let (index, _) = try build([R.filing(nurseryUSCC, filed: "2026-03-01"), R.inspection(nurseryUSCC), R.review(nurseryUSCC, year: 2025, passed: true)])
        #expect(index.summary(of: 0)?.decidedAt == day("2026-03-01"))
        #expect(index.summary(of: 1)?.decidedAt == day("2026-05-10"))
        #expect(index.summary(of: 2)?.decidedAt == day("2026-01-15"))
        #expect(index.summary(of: 0)?.authority == authorityUSCC)
    }

    @Test func theColumnsSurviveASnapshot() throws {
        let (index, _) = try build(Self.log)
        let path = tempPath("lookup-round-trip")
        defer { unlink(path) }
        try index.writeSnapshot(to: path, rootHash: fakeRoot(index.size))
        let copy = try #require(BackgroundIndex.loadSnapshot(from: path, rootAt: { fakeRoot($0) }).index)
        expectSameAnswers(copy, reference(Self.log), count: Self.log.count, "snapshot")
        // And it keeps counting after the load: the tail's revocation frees the number.
        copy.apply(seq: UInt64(Self.log.count), envelope: R.revocation(2).envelope)
        #expect(!copy.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: authorityUSCC))
    }

    @Test func nonRecordsHaveNoSummary() {
        let index = BackgroundIndex()
        index.apply(seq: 0, entry: Array("not a record".utf8))
        #expect(index.summary(of: 0) == nil)
        #expect(index.summary(of: 1) == nil)
    }

    @Test func institutionCodesRoundTrip() {
        for code in [authorityUSCC, nurseryUSCC, otherNurseryUSCC, "91330304MA2J7K8L10", "ABC"] {
            #expect(SubjectRef.institution(uscc: code).institutionCode == code)
        }
        #expect(SubjectRef.person(type: .residentId, number: alice.number).institutionCode == nil)
    }
}

/// Findings are read straight from the entry bytes when the source has them; the answer must
/// be the one the envelope decoder gives.
@Suite struct FindingTextTests {
    struct BytesSource: EnvelopeSource {
        var envelopes: [Envelope]
        func envelope(at seq: UInt64) throws -> Envelope { envelopes[Int(seq)] }
        func entryBytes(at seq: UInt64) throws -> [UInt8]? { try envelopes[Int(seq)].canonicalBytes() }
    }

    @Test func bytesAndEnvelopesGiveTheSameFindings() throws {
        let records: [Rec] = [
            R.ban(alice), R.ban(bob, until: "2027-01-01", role: "responsible_manager"), R.judgment(bob, practiceBanUntil: "2030-01-01"),
            R.penalty(alice.party, publicUntil: "2027-05-20"), R.enforcement(foreigner.party),
        ]
        let envelopes = records.map(\.envelope)
        for (seq, rec) in records.enumerated() {
            let bytes = try rec.envelope.canonicalBytes()
            #expect(FindingText.extract(entry: bytes) != nil, "\(rec.kind) takes the fast path")
            let fast = try Rules.finding(seq: UInt64(seq), until: 100, kind: rec.kind, source: BytesSource(envelopes: envelopes))
            let slow = try Rules.finding(seq: UInt64(seq), until: 100, kind: rec.kind, source: MemorySource(envelopes: envelopes))
            #expect(fast == slow, "\(rec.kind)")
        }
    }

    @Test func anEscapedNameFallsBackToTheDecoder() throws {
        let who = Subject(name: "王\"丽\"", idType: .residentId, number: alice.number)
        let envelopes = [R.ban(who).envelope]
        #expect(FindingText.extract(entry: try envelopes[0].canonicalBytes()) == nil)
        let finding = try Rules.finding(seq: 0, until: DayNumber.never, kind: .ban, source: BytesSource(envelopes: envelopes))
        #expect(finding.recordedName == "王\"丽\"")
    }

    @Test func aSourceOfAnotherKindIsAMismatch() throws {
        let envelopes = [R.penalty(alice.party).envelope]
        #expect(throws: BackgroundIndexError.sourceMismatch(seq: 0)) {
            try Rules.finding(seq: 0, until: 0, kind: .ban, source: BytesSource(envelopes: envelopes))
        }
    }

    @Test func recordsThatAreNotFindingsHaveNoFindingText() throws {
        for rec in [R.filing(nurseryUSCC), R.inspection(nurseryUSCC), R.review(nurseryUSCC, year: 2025, passed: true), R.revocation(0)] {
            #expect(FindingText.extract(entry: try rec.envelope.canonicalBytes()) == nil)
        }
    }
}
