import CreditRecords
import DurableStorage
import LedgerCrypto
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BackgroundIndex

/// A log of every kind, a few people and institutions, revocations and repairs.
let mixedLog: [Rec] = [
    R.filing(nurseryUSCC), R.ban(alice), R.penalty(bob.party), R.repair(2), R.judgment(bob, practiceBanUntil: "2030-01-01"),
    R.review(nurseryUSCC, year: 2024, passed: false), R.review(nurseryUSCC, year: 2025, passed: false), R.revocation(1),
    R.penalty(organizationParty(nurseryUSCC, representative: alice)), R.inspection(nurseryUSCC, result: "fail"),
    R.enforcement(foreigner.party), R.ban(Subject(name: "X", idType: .foreignPermanentResidentId, number: "ABC123456789012345678")),
    R.filing("ABC"),  // a code that does not pack: the overflow table
]

func tempPath(_ name: String) -> String {
    "/tmp/background-index-tests-\(getpid())-\(name)"
}

/// A stand-in for the log's root at each size: any function of the size will do.
func fakeRoot(_ size: UInt64) -> Digest32 { SHA256.hash("root \(size)") }

func sameAnswers(_ a: BackgroundIndex, _ b: BackgroundIndex, source: MemorySource) throws {
    for who in [alice, bob, foreigner, aliceNamesake] {
        #expect(try a.person(who.key, today: today, source: source) == b.person(who.key, today: today, source: source))
    }
    for code in [nurseryUSCC, "ABC", otherNurseryUSCC] {
        #expect(try a.institution(uscc: code, today: today, source: source) == b.institution(uscc: code, today: today, source: source))
    }
    #expect(a.stats == b.stats)
}

@Suite struct Snapshots {
    let entries: [[UInt8]] = mixedLog.map { try! $0.envelope.canonicalBytes() }
    var source: MemorySource { MemorySource(envelopes: mixedLog.map(\.envelope)) }

    func chunks(_ start: UInt64, _ count: Int) -> [[UInt8]] {
        Array(entries[Int(start)..<min(entries.count, Int(start) + count)])
    }

    @Test func roundTrip() throws {
        let (index, source) = try build(mixedLog)
        let path = tempPath("round-trip")
        defer { unlink(path) }
        try index.writeSnapshot(to: path, rootHash: fakeRoot(index.size))
        let (loaded, problem) = BackgroundIndex.loadSnapshot(from: path, rootAt: { fakeRoot($0) })
        #expect(problem == nil)
        let copy = try #require(loaded)
        #expect(copy.size == UInt64(mixedLog.count))
        #expect(copy.state.withLock { $0.entries } == index.state.withLock { $0.entries })
        try sameAnswers(index, copy, source: source)
        #expect(index.stats.people == 4 && index.stats.institutions == 2 && index.stats.records == mixedLog.count)
    }

    @Test func restoreReplaysTheTail() throws {
        let path = tempPath("tail")
        defer { unlink(path) }
        let head = try BackgroundIndex.rebuild(size: 6, entries: chunks, progress: nil)
        #expect(try head.writeSnapshot(to: path, rootAt: fakeRoot) == 6)
        let (restored, problem) = try BackgroundIndex.restore(snapshotAt: path, logSize: UInt64(entries.count), rootAt: { fakeRoot($0) }, entries: chunks)
        #expect(problem == nil)
        let full = try BackgroundIndex.rebuild(size: UInt64(entries.count), entries: chunks, progress: nil)
        try sameAnswers(restored, full, source: source)
    }

    @Test func restoreRebuildsWhenTheSnapshotIsRejected() throws {
        let path = tempPath("rejected")
        defer { unlink(path) }
        let head = try BackgroundIndex.rebuild(size: 6, entries: chunks, progress: nil)
        try head.writeSnapshot(to: path, rootHash: SHA256.hash("another log"))
        var progress: [UInt64] = []
        let (restored, problem) = try BackgroundIndex.restore(snapshotAt: path, logSize: UInt64(entries.count), rootAt: { fakeRoot($0) },
                                                              entries: chunks, progress: { progress.append($0) })
        #expect(problem?.contains("foreign") == true)
        #expect(progress.last == UInt64(entries.count))
        try sameAnswers(restored, try BackgroundIndex.rebuild(size: UInt64(entries.count), entries: chunks, progress: nil), source: source)
    }

    enum Damage: String, CaseIterable, Sendable { case missing, flippedByte, truncated, unknownVersion, notASnapshot, beyondTheLog, rootMismatch, emptyFile }

    @Test(arguments: Damage.allCases)
    func rejects(_ damage: Damage) throws {
        let (index, _) = try build(mixedLog)
        let path = tempPath("damage-\(damage.rawValue)")
        defer { unlink(path) }
        try index.writeSnapshot(to: path, rootHash: fakeRoot(index.size))
        var bytes = try #require(try BackgroundIndex.readFile(path))
        func resealed(_ b: [UInt8]) -> [UInt8] { Array(b.dropLast(32)) + SHA256.hash(b.dropLast(32)).bytes }
        var rootAt: (UInt64) -> Digest32? = { fakeRoot($0) }
        let expected: String
        switch damage {
        case .missing:
            unlink(path); expected = "no snapshot"
        case .flippedByte:
            bytes[bytes.count / 2] ^= 0x01; expected = "checksum"
        case .truncated:
            bytes.removeLast(7); expected = "checksum"
        case .emptyFile:
            bytes = []; expected = "shorter than a header"
        case .unknownVersion:
            bytes[8] = 99; bytes = resealed(bytes); expected = "unknown snapshot version 99"
        case .notASnapshot:
            bytes[0] = UInt8(ascii: "X"); bytes = resealed(bytes); expected = "bad magic"
        case .beyondTheLog:
            rootAt = { $0 > 5 ? nil : fakeRoot($0) }; expected = "the log is shorter"
        case .rootMismatch:
            rootAt = { _ in SHA256.hash("a rewritten log") }; expected = "not the log's"
        }
        if damage != .missing && damage != .beyondTheLog && damage != .rootMismatch { try PosixIO().replaceFile(path, with: bytes) }
        let (loaded, problem) = BackgroundIndex.loadSnapshot(from: path, rootAt: rootAt)
        #expect(loaded == nil)
        #expect(problem?.contains(expected) == true, "\(problem ?? "nil")")
    }

    @Test func inconsistentContentUnderAValidChecksumIsRejected() throws {
        let (index, _) = try build(mixedLog)
        var bytes = BackgroundIndex.encode(index.state.withLock { $0 }, rootHash: fakeRoot(index.size))
        // The first entry's `previous` (offset 16 within it) pointing forward.
        let entryStart = BackgroundIndex.headerSize + mixedLog.count
        bytes[entryStart + 16] = 0x7F
        bytes = Array(bytes.dropLast(32)) + SHA256.hash(bytes.dropLast(32)).bytes
        #expect(throws: BackgroundIndex.SnapshotError.self) { try BackgroundIndex.decode(bytes, rootAt: { fakeRoot($0) }) }
    }

    @Test func rebuildNeedsTheWholeLog() {
        #expect(throws: BackgroundIndex.SnapshotError.self) {
            try BackgroundIndex.rebuild(size: UInt64(entries.count + 1), entries: chunks, progress: nil)
        }
    }
}

@Suite struct Entries {
    /// The byte scanner and the envelope decoder agree on every record of the tests.
    @Test func fastAndSlowPathsAgree() throws {
        for rec in mixedLog + personCases.flatMap(\.records) + institutionCases.flatMap(\.records) {
            let bytes = try rec.envelope.canonicalBytes()
            let fast = try #require(RecordFacts.extract(entry: bytes))
            #expect(fast == RecordFacts(envelope: try Envelope.decode(bytes)), "\(rec.kind)")
        }
    }

    @Test func escapesInOtherFieldsKeepTheFastPath() throws {
        var rec = R.penalty(alice.party, publicUntil: tomorrow)
        if case .object(var o) = rec.body {
            o["facts"] = "第一行\n\"引号\" \\ 反斜杠 \u{01}"
            rec.body = .object(o)
        }
        let bytes = try rec.envelope.canonicalBytes()
        #expect(String(decoding: bytes, as: UTF8.self).contains("\\\""))
        let fast = try #require(RecordFacts.extract(entry: bytes))
        #expect(fast == RecordFacts(envelope: try Envelope.decode(bytes)))
        #expect(fast.person == SubjectRef.person(type: .residentId, number: alice.number))
    }

    @Test func escapedFieldsFallBackToTheDecoder() throws {
        let bytes = try R.ban(bob).envelope.canonicalBytes()
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "11010519491231002X", with: "11010519491231002\\u0058")
        let escaped = Array(text.utf8)
        #expect(RecordFacts.extract(entry: escaped) == nil)
        let index = BackgroundIndex()
        index.apply(seq: 0, entry: escaped)
        #expect(index.status(of: bob.key, today: today) == .barred)
    }

    @Test func nonEnvelopesOnlyAdvanceTheSize() throws {
        let index = BackgroundIndex()
        let junk: [[UInt8]] = [[], Array("not json".utf8), Array(#"{"v":2,"kind":"ban","body":{}}"#.utf8), Array(#"{"kind":"ban"}"#.utf8),
                               Array(#"{"v":1,"kind":"nope","body":{},"submittedAt":"x","submittedBy":{"principal":"p"}}"#.utf8), [0xFF, 0xFE]]
        for (i, entry) in junk.enumerated() { index.apply(seq: UInt64(i), entry: entry) }
        index.apply(seq: UInt64(junk.count), entry: try R.ban(alice).envelope.canonicalBytes())
        #expect(index.size == UInt64(junk.count + 1))
        #expect(index.stats.records == 1)
        #expect(index.status(of: alice.key, today: today) == .barred)
        index.apply(seq: 0, entry: try R.ban(bob).envelope.canonicalBytes())  // already applied: ignored
        #expect(index.status(of: bob.key, today: today) == .clear && index.size == UInt64(junk.count + 1))
    }

    @Test func dayNumbers() {
        for text in ["1970-01-01", "2000-02-29", "2024-02-29", "2026-11-22", "2099-12-31", "0001-01-01", "9999-12-31"] {
            let d = day(text)
            #expect(DayNumber.date(DayNumber.from(d)) == d)
        }
        #expect(DayNumber.from(day("1970-01-02")) == 1)
        #expect(DayNumber.adding(years: 3, toYear: 2024, month: 2, day: 29) == DayNumber.from(day("2027-02-28")))
        #expect(DayNumber.parse("2025-02-29") == nil && DayNumber.parse("2025-13-01") == nil && DayNumber.parse("2025-1-01") == nil)
    }

    /// One writer appends while readers query: every answer is consistent with some prefix.
    @Test func concurrentReadersAndOneWriter() async throws {
        let index = BackgroundIndex()
        let count = 2000
        let people = (0..<count).map { Subject(name: "人", idType: .residentId, number: "3303271985" + String(String(100_000_000 + $0).dropFirst())) }
        let entries = try people.map { try R.ban($0).envelope.canonicalBytes() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for (i, e) in entries.enumerated() { index.apply(seq: UInt64(i), entry: e) }
            }
            for r in 0..<4 {
                group.addTask {
                    for i in stride(from: r, to: count, by: 4) {
                        let seen = index.size
                        let status = index.status(of: people[i].key, today: today)
                        if UInt64(i) < seen { #expect(status == .barred) }
                    }
                }
            }
        }
        #expect(index.stats.people == count)
        #expect(people.allSatisfy { index.status(of: $0.key, today: today) == .barred })
    }
}
