import DurableStorage
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Testing

/// A failing disk under the vault: a failed write leaves no half frame in the middle of a
/// file, and after a failed fsync the vault refuses writes until reopened.
@Suite struct VaultFaultTests {
    typealias F = VaultFixture

    @Test func aShortWriteIsCutAndLaterSealsLandOnAFrameBoundary() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let io = FaultInjectingIO()
        let vault = try FileVault.open(directory: dir.path, keys: keys, io: io)
        let person = vault.pseudonym(F.person)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.sync()
        io.inject(.shortWrite, at: FaultInjectingIO.Trigger(operation: .pwrite, pathContaining: "sealed"))
        #expect(throws: VaultError.self) {
            try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: person, mentions: [])
        }
        io.clearFaults()
        #expect(try vault.open(F.commitment("b")) == nil)
        try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: person, mentions: [])
        try vault.sync()
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(try reopened.open(F.commitment("a")) == F.plaintext("a"))
        #expect(try reopened.open(F.commitment("b")) == nil)
        #expect(try reopened.open(F.commitment("c")) == F.plaintext("c"))
    }

    @Test func aFailedSyncRefusesLaterWritesUntilReopened() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let io = FaultInjectingIO()
        let vault = try FileVault.open(directory: dir.path, keys: keys, io: io)
        let person = vault.pseudonym(F.person)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.sync()
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: person, mentions: [])
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync))
        #expect(throws: VaultError.self) { try vault.sync() }
        io.clearFaults()
        #expect(throws: VaultError.self) {
            try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: person, mentions: [])
        }
        #expect(throws: VaultError.self) { try vault.sync() }
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(try reopened.open(F.commitment("a")) == F.plaintext("a"))
        try reopened.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: person, mentions: [])
        try reopened.sync()
        #expect(try reopened.open(F.commitment("c")) == F.plaintext("c"))
    }
}
