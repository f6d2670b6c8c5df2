import DurableStorage
import Foundation
import LedgerCrypto
import LedgerTestSupport
@testable import PersonalVault
import Testing

/// The open index (issue 15): a clean close leaves it, the next open reads it and scans only
/// the frames sealed after it; it never makes an erased record readable, and a damaged or
/// foreign one is ignored (the vault then scans as before).
@Suite struct VaultOpenIndexTests {
    typealias F = VaultFixture

    static func subject(_ i: Int) -> SubjectIdentifier { .person(idType: "resident_id", idNumber: "3303021990010\(String(format: "%05d", i))") }

    /// `count` records from `first`, over 7 owners, each mentioning the next owner.
    static func seal(_ vault: FileVault, _ range: Range<Int>) throws {
        for n in range {
            try vault.seal(F.plaintext("r\(n)"), commitment: F.commitment("r\(n)"), owner: vault.pseudonym(subject(n % 7)),
                           mentions: [vault.pseudonym(subject((n + 1) % 7))])
        }
        try vault.sync()
    }

    static func flip(_ path: String, at offset: Int) throws {
        var bytes = try #require(try DurableFile.read(path))
        bytes[offset] ^= 0x40
        try PosixIO().replaceFile(path, with: bytes)
    }

    /// A vault directory holding `indexed` records under an open index, then `tail` records
    /// sealed after it; closed again.
    static func indexedVault(_ indexed: Range<Int>, tail: Range<Int> = 0..<0) throws -> (dir: TemporaryDirectory, keys: VaultKeys) {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        try seal(vault, indexed)
        try vault.writeOpenIndex()
        try seal(vault, tail)
        return (dir, keys)
    }

    @Test func anIndexedOpenFindsTheIndexedRecordsAndTheTail() throws {
        let (dir, keys) = try Self.indexedVault(0..<200, tail: 200..<260)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/index"))
        let indexed = try FileVault.open(directory: dir.path, keys: keys)
        for n in 0..<260 { #expect(try indexed.open(F.commitment("r\(n)")) == F.plaintext("r\(n)"), "record \(n)") }
        let bySubject = (0..<7).map { indexed.commitments(of: indexed.pseudonym(Self.subject($0))) }
        // The same maps as a full scan builds.
        try FileManager.default.removeItem(atPath: dir.path + "/index")
        let scanned = try FileVault.open(directory: dir.path, keys: keys)
        #expect((0..<7).map { scanned.commitments(of: scanned.pseudonym(Self.subject($0))) } == bySubject)
        // Each owns about 37 and is mentioned in about 37 (the index keeps mentions too).
        #expect(bySubject.allSatisfy { $0.count >= 74 })
    }

    /// Enough subjects that the keys are unwrapped on every core (KeyUnwrap), and mention-only
    /// subjects between them in the index's order: the open answers as one by one would, for
    /// live, erased and damaged keys, through the index and through a full scan alike.
    @Test func manySubjectsOpenAsOneByOne() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let count = 5000
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        for n in 0..<count {
            // Every tenth record mentions someone who owns nothing (a subject with no key).
            let mentions = n % 10 == 0 ? [vault.pseudonym(Self.subject(count + n))] : []
            try vault.seal(F.plaintext("m\(n)"), commitment: F.commitment("m\(n)"), owner: vault.pseudonym(Self.subject(n)), mentions: mentions)
        }
        try vault.sync()
        let erased = [7, 1230, 4999]
        for n in erased { _ = try vault.eraseSubject(vault.pseudonym(Self.subject(n))) }
        try vault.writeOpenIndex()
        let damaged = 2500
        let keyOffset = try #require(vault.state.withReadLock { s in s.subjectNumber(vault.pseudonym(Self.subject(damaged))).flatMap { s.subjects[Int($0)].keySecretOffset } })
        try Self.flip(dir.path + "/keys", at: Int(keyOffset) + 5)
        for withIndex in [true, false] {
            if !withIndex { try FileManager.default.removeItem(atPath: dir.path + "/index") }
            let reopened = try FileVault.open(directory: dir.path, keys: keys)
            #expect(reopened.recovery.damagedKeys == 1, "index \(withIndex)")
            #expect(reopened.openIndexCoveredRecords == (withIndex ? count : 0))
            for n in 0..<count {
                let c = F.commitment("m\(n)")
                if n == damaged {
                    #expect(throws: VaultError.self) { try reopened.open(c) }
                } else if erased.contains(n) {
                    #expect(try reopened.open(c) == nil, "record \(n)")
                } else {
                    #expect(try reopened.open(c) == F.plaintext("m\(n)"), "record \(n)")
                }
            }
            #expect(reopened.commitments(of: reopened.pseudonym(Self.subject(count + 30))) == [F.commitment("m30")])
            #expect(reopened.commitments(of: reopened.pseudonym(Self.subject(count + 1230))).isEmpty)
        }
    }

    @Test func theIndexIsReadNotTheFramesItCovers() throws {
        let (dir, keys) = try Self.indexedVault(0..<20)
        // Damage the first record's tag: a scan reports it at open, the index cannot.
        let sealed = dir.path + "/sealed"
        let bytes = try #require(try DurableFile.read(sealed))
        let length = bytes.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: VaultFormat.sealedHeaderSize + 4, as: UInt32.self))) }
        try Self.flip(sealed, at: VaultFormat.sealedHeaderSize + length - 1)
        let indexed = try FileVault.open(directory: dir.path, keys: keys)
        #expect(indexed.recovery.damagedRecords == 0)
        // Found when opened instead: corrupt, never taken for an erasure.
        #expect(throws: VaultError.self) { _ = try indexed.open(F.commitment("r0")) }
        #expect(try indexed.open(F.commitment("r1")) == F.plaintext("r1"))
        try FileManager.default.removeItem(atPath: dir.path + "/index")
        #expect(try FileVault.open(directory: dir.path, keys: keys).recovery.damagedRecords == 1)
    }

    @Test func anErasureRemovesTheIndexBeforeZeroing() throws {
        let (dir, keys) = try Self.indexedVault(0..<30)
        do {
            let vault = try FileVault.open(directory: dir.path, keys: keys)
            try vault.eraseRecord(F.commitment("r3"))
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/index"))
            _ = try vault.eraseSubject(vault.pseudonym(Self.subject(5)))
            try vault.writeOpenIndex()
        }
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(try reopened.open(F.commitment("r3")) == nil)
        // Owned by subject 5 (n % 7 == 5) or mentioning it ((n + 1) % 7 == 5): gone.
        for n in 0..<30 where n % 7 == 5 || (n + 1) % 7 == 5 { #expect(try reopened.open(F.commitment("r\(n)")) == nil, "record \(n)") }
        #expect(try reopened.open(F.commitment("r0")) == F.plaintext("r0"))
    }

    @Test func aDamagedOrStaleIndexIsIgnored() throws {
        let (dir, keys) = try Self.indexedVault(0..<40)
        let index = dir.path + "/index"
        let good = try #require(try DurableFile.read(index))
        // A flipped bit anywhere: the index's own CRC fails.
        try Self.flip(index, at: good.count / 2)
        var vault = try FileVault.open(directory: dir.path, keys: keys)
        for n in 0..<40 { #expect(try vault.open(F.commitment("r\(n)")) == F.plaintext("r\(n)")) }
        // The sealed file changed under a valid-looking index (its covered tail rewritten).
        try PosixIO().replaceFile(index, with: good)
        let sealed = dir.path + "/sealed"
        let end = Int(vault.sealedEnd)  // the frames' end: the file holds room after it
        try Self.flip(sealed, at: end - 1)
        vault = try FileVault.open(directory: dir.path, keys: keys)
        #expect(vault.recovery.damagedRecords == 1)
        for n in 0..<39 { #expect(try vault.open(F.commitment("r\(n)")) == F.plaintext("r\(n)")) }
    }

    /// Seals without syncing: frames written, not yet durable.
    static func sealUnsynced(_ vault: FileVault, _ range: Range<Int>) throws {
        for n in range {
            try vault.seal(F.plaintext("r\(n)"), commitment: F.commitment("r\(n)"), owner: vault.pseudonym(subject(n % 7)), mentions: [])
        }
    }

    static func covered(_ vault: FileVault) -> Int { vault.openIndexCoveredRecords }

    /// While the service runs the index is refreshed once a tenth of the vault (and at least
    /// `minimumTail`) is newer than it, covering only what a sync made durable; a reopen
    /// without a close (a crash) reads it and scans the rest.
    @Test func aRunningVaultRefreshesItsIndexAndAReopenAfterACrashReadsIt() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        try Self.seal(vault, 0..<40)
        try vault.refreshOpenIndexIfDue(minimumTail: 50)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/index"), "40 records: under the minimum tail")
        try Self.seal(vault, 40..<100)
        try Self.sealUnsynced(vault, 100..<120)
        try vault.refreshOpenIndexIfDue(minimumTail: 50)
        #expect(Self.covered(vault) == 100, "the 20 unsynced records are not covered")
        try vault.refreshOpenIndexIfDue(minimumTail: 50)
        #expect(Self.covered(vault) == 100)
        try vault.sync()
        try Self.seal(vault, 120..<130)
        try vault.refreshOpenIndexIfDue(minimumTail: 50)
        #expect(Self.covered(vault) == 100, "30 newer records: under the minimum tail, not rewritten")

        // Damage record 0's tag: only a scan of the frames the index covers would see it.
        let bytes = try #require(try DurableFile.read(dir.path + "/sealed"))
        let length = bytes.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: VaultFormat.sealedHeaderSize + 4, as: UInt32.self))) }
        try Self.flip(dir.path + "/sealed", at: VaultFormat.sealedHeaderSize + length - 1)
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(reopened.recovery.damagedRecords == 0, "the index was read")
        #expect(Self.covered(reopened) == 100)
        for n in 1..<130 { #expect(try reopened.open(F.commitment("r\(n)")) == F.plaintext("r\(n)"), "record \(n)") }
        let full = (0..<7).map { reopened.commitments(of: reopened.pseudonym(Self.subject($0))).count }
        #expect(full.reduce(0, +) == 130 + 110, "owners of all 130, and the mentions of the 110 sealed with one")
    }

    /// An index refreshed after an erasure holds it, and no index encoded before an erasure
    /// is written after it.
    @Test func aRefreshAfterAnErasureKeepsItErased() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        try Self.seal(vault, 0..<30)
        try vault.refreshOpenIndexIfDue(minimumTail: 1)
        #expect(Self.covered(vault) == 30)
        try vault.eraseRecord(F.commitment("r4"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/index") && Self.covered(vault) == 0)
        try vault.refreshOpenIndexIfDue(minimumTail: 1)
        #expect(Self.covered(vault) == 30)
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(Self.covered(reopened) == 30)
        #expect(try reopened.open(F.commitment("r4")) == nil)
        #expect(try reopened.open(F.commitment("r5")) == F.plaintext("r5"))
    }
}
