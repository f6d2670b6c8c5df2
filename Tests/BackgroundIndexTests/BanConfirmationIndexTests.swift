import CreditRecords
import LedgerCrypto
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BackgroundIndex

/// Bans need two people (docs/background-index.md "Bans need two people"): an inspector's
/// lifetime ban submitted under the rule is pending until a `ban_confirmation`; so is a
/// revocation of a lifetime ban, and the ban stays in force meanwhile. Earlier bans and
/// admins' are in force as before. The state is rebuilt from the log alone.
@Suite struct BanConfirmationIndexTests {
    /// Submitted after the rule's date by an inspector (or, `admin`, by an admin).
    static func envelope(_ rec: Rec, at: String = "2026-12-06T09:00:00Z", admin: Bool = false) -> Envelope {
        Envelope(kind: rec.kind, body: rec.body.objectValue!, submittedAt: at,
                 submittedBy: Submitter(principal: admin ? "admin" : "insp-ouhai-01", authority: admin ? nil : authorityUSCC), clientSignature: nil)
    }

    static func confirmation(_ target: UInt64) -> Rec {
        Rec(kind: .banConfirmation, body: ["target": .number(String(target)), "decidedAt": "2026-12-06", "authority": authority])
    }

    static func index(_ envelopes: [Envelope], feed: Feed) throws -> BackgroundIndex {
        let index = BackgroundIndex()
        for (seq, envelope) in envelopes.enumerated() {
            switch feed {
            case .entryBytes: index.apply(seq: UInt64(seq), entry: try envelope.canonicalBytes())
            case .envelopes: index.apply(seq: UInt64(seq), envelope: envelope)
            }
        }
        return index
    }

    static func answer(_ envelopes: [Envelope], feed: Feed, who: Subject = alice) throws -> PersonAnswer {
        try index(envelopes, feed: feed).person(who.key, today: today, source: MemorySource(envelopes: envelopes))
    }

    @Test(arguments: Feed.allCases) func aPendingBanIsFoundMarkedPendingNeverClearAndBarsOnceConfirmed(feed: Feed) throws {
        let ban = Self.envelope(R.ban(alice))
        let pending = try Self.answer([ban], feed: feed)
        #expect(pending.status == .recordsFound)
        #expect(pending.findings.map(\.pending) == [true])
        #expect(pending.findings.first?.rule == nil, "a pending ban bars by no rule yet")

        let confirmed = try Self.answer([ban, Self.envelope(Self.confirmation(0))], feed: feed)
        #expect(confirmed.status == .barred)
        #expect(confirmed.findings.map(\.pending) == [false])
        #expect(confirmed.findings.first?.rule == .ban)
    }

    @Test(arguments: Feed.allCases) func aBanUntilADateNeedsNoConfirmation(feed: Feed) throws {
        #expect(try Self.answer([Self.envelope(R.ban(alice, until: "2030-01-01"))], feed: feed).status == .barred)
    }

    @Test(arguments: Feed.allCases) func earlierBansAndAdminsBansAreInForceAsBefore(feed: Feed) throws {
        // Submitted before BanConfirmationRule.since: grandfathered.
        #expect(try Self.answer([Self.envelope(R.ban(alice), at: "2026-12-05T23:59:59Z")], feed: feed).status == .barred)
        #expect(try Self.answer([Self.envelope(R.ban(alice), admin: true)], feed: feed).status == .barred)
    }

    @Test(arguments: Feed.allCases) func aRevocationOfALifetimeBanKeepsItInForceUntilConfirmed(feed: Feed) throws {
        // A grandfathered ban, revoked under the rule: barred until the revocation is confirmed.
        let log = [Self.envelope(R.ban(alice), at: "2026-11-01T08:00:00Z"), Self.envelope(R.revocation(0))]
        let index = try Self.index(log, feed: feed)
        #expect(index.status(of: alice.key, today: today) == .barred)
        #expect(index.pending(at: 1) == BackgroundIndex.PendingRecord(seq: 1, kind: .revocation, revokes: 0, authority: authorityUSCC))
        #expect(index.summary(of: 0)?.isRevoked == false)

        let confirmed = try Self.index(log + [Self.envelope(Self.confirmation(1))], feed: feed)
        #expect(confirmed.status(of: alice.key, today: today) == .clear)
        #expect(confirmed.pending(at: 1) == nil && confirmed.summary(of: 0)?.isRevoked == true)
        // A revocation of anything else takes effect at once, as before.
        let penalty = try Self.index([Self.envelope(R.penalty(alice.party, validUntil: "2027-01-01")), Self.envelope(R.revocation(0))], feed: feed)
        #expect(penalty.summary(of: 0)?.isRevoked == true && penalty.pendingRecords(authority: nil).isEmpty)
    }

    @Test(arguments: Feed.allCases) func aConfirmationOfWhatIsNotPendingChangesNothing(feed: Feed) throws {
        let log = [Self.envelope(R.ban(alice), admin: true), Self.envelope(Self.confirmation(0)), Self.envelope(Self.confirmation(7))]
        #expect(try Self.answer(log, feed: feed).status == .barred)
        let pending = [Self.envelope(R.ban(alice)), Self.envelope(R.penalty(bob.party)), Self.envelope(Self.confirmation(1))]
        #expect(try Self.answer(pending, feed: feed).status == .recordsFound)
    }

    @Test func pendingRecordsAreListedByAuthority() throws {
        let log = [Self.envelope(R.ban(alice)), Self.envelope(R.ban(bob)), Self.envelope(Self.confirmation(1))]
        let index = try Self.index(log, feed: .entryBytes)
        #expect(index.pendingRecords(authority: authorityUSCC).map(\.seq) == [0])
        #expect(index.pendingRecords(authority: "11330304MB1C247898").isEmpty)
        #expect(index.isBarredOrPending(alice.key, today: today) && index.isBarredOrPending(bob.key, today: today))
        #expect(!index.isBarredOrPending(foreigner.key, today: today))
    }

    /// Rebuilt from the log's bytes, from decoded envelopes, or from a snapshot plus the tail:
    /// the same answers and the same pending state as the live index.
    @Test func rebuildFromTheLogEqualsTheLiveIndex() throws {
        let log = [Self.envelope(R.ban(alice)), Self.envelope(R.ban(bob), at: "2026-11-01T08:00:00Z"), Self.envelope(R.revocation(1)),
                   Self.envelope(R.ban(foreigner)), Self.envelope(Self.confirmation(3)), Self.envelope(R.penalty(aliceNamesake.party))]
        let entries = try log.map { try $0.canonicalBytes() }
        let live = try Self.index(log, feed: .envelopes)
        let rebuilt = try BackgroundIndex.rebuild(size: UInt64(entries.count), entries: { start, count in
            Array(entries[Int(start)..<min(entries.count, Int(start) + count)])
        }, progress: nil)
        let source = MemorySource(envelopes: log)
        try sameAnswers(live, rebuilt, source: source)
        #expect(live.pendingRecords(authority: nil) == rebuilt.pendingRecords(authority: nil))
        #expect(rebuilt.pendingRecords(authority: nil).map(\.seq) == [0, 2])

        let path = tempPath("pending-bans")
        defer { unlink(path) }
        // A snapshot taken with the revocation pending, then the tail (its confirmation) replayed.
        let head = try Self.index(Array(log.prefix(3)), feed: .entryBytes)
        try head.writeSnapshot(to: path, rootHash: fakeRoot(3))
        let (loaded, problem) = BackgroundIndex.loadSnapshot(from: path, rootAt: { fakeRoot($0) })
        let restored = try #require(loaded, "\(problem ?? "")")
        #expect(restored.pendingRecords(authority: nil) == head.pendingRecords(authority: nil))
        try restored.catchUp(to: UInt64(entries.count), entries: { start, count in Array(entries[Int(start)..<min(entries.count, Int(start) + count)]) })
        try sameAnswers(live, restored, source: source)
        #expect(restored.pendingRecords(authority: nil) == live.pendingRecords(authority: nil))
    }
}
