import Foundation
import DurableStorage
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Testing

/// A failing disk under the vault: a failed write leaves no half frame in the middle of a
/// file, and after a failed fsync the vault refuses writes until it is recovered in place.
@Suite struct VaultFaultTests {
    typealias F = VaultFixture

    /// A group's sealed frames are written by its sync, in one write: a short write fails the
    /// sync and the vault refuses writes; the recovery cuts the half-written group back to the
    /// last sync, so later seals land on a frame boundary and nothing of that group survives.
    @Test func aShortWriteIsCutAndLaterSealsLandOnAFrameBoundary() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let io = FaultInjectingIO()
        let vault = try FileVault.open(directory: dir.path, keys: keys, io: io)
        let person = vault.pseudonym(F.person)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.sync()
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: person, mentions: [])
        io.inject(.shortWrite, at: FaultInjectingIO.Trigger(operation: .pwrite, pathContaining: "sealed"))
        #expect(throws: VaultError.self) { try vault.sync() }
        io.clearFaults()
        #expect(io.firedFaults.count == 1)
        #expect(throws: VaultError.self) {
            try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: person, mentions: [])
        }
        try vault.recoverIfFailed()
        #expect(try vault.open(F.commitment("b")) == nil)
        try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: person, mentions: [])
        try vault.sync()
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(reopened.recovery.cutBytes == 0)
        #expect(try reopened.open(F.commitment("a")) == F.plaintext("a"))
        #expect(try reopened.open(F.commitment("b")) == nil)
        #expect(try reopened.open(F.commitment("c")) == F.plaintext("c"))
    }

    @Test func aFailedSyncIsRecoveredInPlaceOnceTheDiskWorks() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let io = FaultInjectingIO()
        let vault = try FileVault.open(directory: dir.path, keys: keys, io: io)
        let person = vault.pseudonym(F.person)
        let newcomer = vault.pseudonym(.person(idType: "resident_id", idNumber: "330381199211083443"))
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.sync()
        // Written, never synced: "b", and a newcomer's first key with "n".
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: person, mentions: [])
        try vault.seal(F.plaintext("n"), commitment: F.commitment("n"), owner: newcomer, mentions: [])
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync))
        #expect(throws: VaultError.self) { try vault.sync() }
        // Still failing: writes refused, and the recovery fails too.
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync))
        #expect(throws: VaultError.self) { try vault.recoverIfFailed() }
        #expect(throws: VaultError.self) {
            try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: person, mentions: [])
        }
        #expect(vault.recoveries == 0)
        io.clearFaults()
        // At most one attempt a second: the one just made holds the next back.
        #expect(throws: VaultError.self) { try vault.recoverIfFailed() }
        Thread.sleep(forTimeInterval: 1.1)
        try vault.recoverIfFailed()
        #expect(vault.recoveries == 1)
        // What no sync covered is gone; what one did is there.
        #expect(try vault.open(F.commitment("a")) == F.plaintext("a"))
        #expect(try vault.open(F.commitment("b")) == nil)
        #expect(try vault.open(F.commitment("n")) == nil)
        try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: person, mentions: [])
        try vault.seal(F.plaintext("m"), commitment: F.commitment("m"), owner: newcomer, mentions: [])
        try vault.sync()
        #expect(try vault.open(F.commitment("m")) == F.plaintext("m"))
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(reopened.recovery.cutBytes == 0)
        #expect(try reopened.open(F.commitment("a")) == F.plaintext("a"))
        #expect(try reopened.open(F.commitment("b")) == nil)
        #expect(try reopened.open(F.commitment("c")) == F.plaintext("c"))
        #expect(try reopened.open(F.commitment("m")) == F.plaintext("m"))
    }

    /// An erasure whose fsync failed may leave zeros in the page cache the disk never got; the
    /// recovered vault reads them as erased. Its retry must write and sync them again rather
    /// than find "nothing to erase".
    @Test func aRetriedErasureWritesItsZerosAgainAfterAFailedSync() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let io = FaultInjectingIO(recording: true)
        let vault = try FileVault.open(directory: dir.path, keys: keys, io: io)
        let person = vault.pseudonym(F.person)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: person, mentions: [])
        try vault.sync()
        for erase in [{ try vault.eraseRecord(F.commitment("a")) }, { _ = try vault.eraseSubject(person) }] {
            io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync, pathContaining: "/sealed"))
            #expect(throws: VaultError.self) { try erase() }
            io.clearFaults()
            let before = io.history.count
            try erase()
            let retry = io.history[before...]
            #expect(retry.contains { $0.operation == .pwrite && $0.path.hasSuffix("/sealed") }, "the retry wrote no zeros")
            #expect(retry.contains { $0.operation == .fdatasync && $0.path.hasSuffix("/sealed") }, "the retry synced nothing")
        }
        #expect(try vault.open(F.commitment("a")) == nil)
        #expect(try vault.open(F.commitment("b")) == nil)
        #expect(vault.recoveries == 2)
    }
}
