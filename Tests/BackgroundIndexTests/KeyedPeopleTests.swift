import CreditRecords
import Foundation
import LedgerCrypto
import Testing
@testable import BackgroundIndex

/// People keyed by a keyed hash (docs/background-index.md "Keyed people"): the same answers
/// as keyed by number, no ID number in the snapshot, and a snapshot under another key stale.
@Suite struct KeyedPeopleTests {
    static func keying(_ id: String, key: [UInt8]) -> PersonKeying {
        PersonKeying(keyID: id) { type, number in HMACSHA256.authenticationCode(for: Array("person:\(type.rawValue):\(number)".utf8), key: key) }
    }

    @Test func keyedPeopleAnswerAsByNumberAndTheSnapshotHoldsNoNumberAndRotationIsStale() throws {
        let entries = mixedLog.map { try! $0.envelope.canonicalBytes() }
        let source = MemorySource(envelopes: mixedLog.map(\.envelope))
        let k1 = Self.keying("k1", key: Array(repeating: 1, count: 32))
        let plain = BackgroundIndex()
        let keyed = BackgroundIndex(keying: k1)
        for (seq, entry) in entries.enumerated() {
            plain.apply(seq: UInt64(seq), entry: entry)
            keyed.apply(seq: UInt64(seq), entry: entry)
        }
        try sameAnswers(plain, keyed, source: source)

        let path = tempPath("keyed-snapshot")
        defer { unlink(path) }
        try keyed.writeSnapshot(to: path, rootHash: fakeRoot(keyed.size))
        let bytes = try #require(FileManager.default.contents(atPath: path))
        for who in [alice, bob, foreigner, aliceNamesake] {
            #expect(bytes.range(of: Data(who.number.utf8)) == nil, "the snapshot holds an ID number")
            #expect(bytes.range(of: Data(who.name.utf8)) == nil, "the snapshot holds a name")
        }
        let reloaded = try #require(BackgroundIndex.loadSnapshot(from: path, keying: k1, rootAt: fakeRoot).index)
        try sameAnswers(plain, reloaded, source: source)
        // Another index key (a rotation), or none: stale, never a wrong index.
        let rotated = BackgroundIndex.loadSnapshot(from: path, keying: Self.keying("k2", key: Array(repeating: 2, count: 32)), rootAt: fakeRoot)
        #expect(rotated.index == nil && rotated.problem?.contains("another index key") == true)
        #expect(BackgroundIndex.loadSnapshot(from: path, rootAt: fakeRoot).index == nil)

        // Forgetting a person (erasure) answers as for someone never recorded.
        #expect(try keyed.person(bob.key, today: today, source: source).status == .barred)
        keyed.forget(bob.key)
        #expect(try keyed.person(bob.key, today: today, source: source).status == .clear)
        #expect(try keyed.person(bob.key, today: today, source: source).findings.isEmpty)
    }
}
