import DurableStorage
import Foundation
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Testing

/// `FileVault.rotateKEK` (docs/operations.md "Key rotation"): every data key re-wrapped under
/// the new KEK, erased subjects still erased, and a failure at any write before the keys
/// file's rename leaves the vault whole under the old KEK.
@Suite struct VaultKEKRotationTests {
    typealias F = VaultFixture

    /// A vault with two live subjects (three records) and one erased subject.
    static func filled(_ dir: String, keys: VaultKeys) throws {
        let vault = try FileVault.open(directory: dir, keys: keys)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: vault.pseudonym(F.person), mentions: [])
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: vault.pseudonym(F.person), mentions: [vault.pseudonym(F.institution)])
        try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: vault.pseudonym(F.institution), mentions: [])
        try vault.seal(F.plaintext("d"), commitment: F.commitment("d"), owner: vault.pseudonym(F.other), mentions: [])
        try vault.sync()
        #expect(try vault.eraseSubject(vault.pseudonym(F.other)) == [F.commitment("d")])
    }

    static func expectWhole(_ dir: String, keys: VaultKeys) throws {
        let vault = try FileVault.open(directory: dir, keys: keys)
        for name in ["a", "b", "c"] { #expect(try vault.open(F.commitment(name)) == F.plaintext(name), "record \(name)") }
        #expect(try vault.open(F.commitment("d")) == nil)
        #expect(vault.commitments(of: vault.pseudonym(F.other)).isEmpty)
        // An erased subject's key is never made again, under any KEK: a new record about
        // them opens under a new key, and the erased one still does not.
        try vault.seal(F.plaintext("e"), commitment: F.commitment("e"), owner: vault.pseudonym(F.other), mentions: [])
        #expect(try vault.open(F.commitment("e")) == F.plaintext("e"))
        #expect(try vault.open(F.commitment("d")) == nil)
    }

    static func newKeys(after old: VaultKeys) -> VaultKeys { VaultKeys(kek: SecureRandom.bytes(32), indexKeys: old.indexKeys) }

    @Test func everyDataKeyIsRewrappedAndTheOldKEKNoLongerOpens() throws {
        let dir = TemporaryDirectory("vault"), old = VaultKeys.generate(), new = Self.newKeys(after: old)
        try Self.filled(dir.path, keys: old)
        let before = F.files(dir.path)["sealed"]
        let keyFile = dir.base + "/new.vaultkey"
        let done = try FileVault.rotateKEK(directory: dir.path, from: old, to: new, newKeyFile: keyFile)
        #expect(done == FileVault.KEKRotation(rewrapped: 2, erased: 1, alreadyRotated: false))
        // Records are sealed under the data keys, which did not change: the file is untouched.
        #expect(F.files(dir.path)["sealed"] == before)
        #expect(try VaultKeyFile.read(keyFile) == new)
        #expect(DurableFile.mode(of: keyFile).map { $0 & 0o777 } == 0o600)
        #expect(throws: VaultError.self) { _ = try FileVault.open(directory: dir.path, keys: old) }
        try Self.expectWhole(dir.path, keys: new)

        // Run again (as after a crash past the rename): it says so and changes nothing.
        let again = try FileVault.rotateKEK(directory: dir.path, from: old, to: new, newKeyFile: keyFile)
        #expect(again.alreadyRotated)
        // A new key file that already holds other keys is refused, never overwritten.
        let other = Self.newKeys(after: old)
        #expect(throws: VaultError.self) { _ = try FileVault.rotateKEK(directory: dir.path, from: new, to: other, newKeyFile: keyFile) }
        #expect(try VaultKeyFile.read(keyFile) == new)
        try Self.expectWhole(dir.path, keys: new)
    }

    @Test func newIndexKeysOrTheSameKEKAreRefused() throws {
        let dir = TemporaryDirectory("vault"), old = VaultKeys.generate()
        try Self.filled(dir.path, keys: old)
        #expect(throws: VaultError.self) {
            _ = try FileVault.rotateKEK(directory: dir.path, from: old, to: old.rotatingIndexKey(), newKeyFile: dir.base + "/k1")
        }
        #expect(throws: VaultError.self) { _ = try FileVault.rotateKEK(directory: dir.path, from: old, to: old, newKeyFile: dir.base + "/k2") }
        #expect(!DurableFile.exists(dir.base + "/k1") && !DurableFile.exists(dir.base + "/k2"))
        try Self.expectWhole(dir.path, keys: old)
    }

    /// Every way the keys file's replacement can fail before its rename: the vault is still
    /// the old KEK's, whole; the new key file is kept, and a rerun with it finishes.
    @Test(arguments: ReplaceFault.allCases) func aFailedReplaceLeavesTheOldKEKValid(_ fault: ReplaceFault) throws {
        let dir = TemporaryDirectory("vault"), old = VaultKeys.generate(), new = Self.newKeys(after: old)
        try Self.filled(dir.path, keys: old)
        let keyFile = dir.base + "/new.vaultkey"
        let io = FaultInjectingIO()
        fault.arm(io, onPathContaining: "vault/keys")
        #expect(throws: VaultError.self) { _ = try FileVault.rotateKEK(directory: dir.path, from: old, to: new, newKeyFile: keyFile, io: io) }
        #expect(!io.firedFaults.isEmpty, "\(fault) never fired")
        #expect(!DurableFile.exists(dir.path + "/keys.tmp"))
        try Self.expectWhole(dir.path, keys: old)
        #expect(throws: VaultError.self) { _ = try FileVault.open(directory: dir.path, keys: new) }

        let done = try FileVault.rotateKEK(directory: dir.path, from: old, to: new, newKeyFile: keyFile)
        #expect(done.rewrapped == 2 && !done.alreadyRotated)
        try Self.expectWhole(dir.path, keys: new)
    }

    /// The new key file cannot be written: nothing in the vault changes.
    @Test func aNewKeyFileThatCannotBeWrittenChangesNothing() throws {
        let dir = TemporaryDirectory("vault"), old = VaultKeys.generate(), new = Self.newKeys(after: old)
        try Self.filled(dir.path, keys: old)
        let io = FaultInjectingIO()
        io.inject(.enospc, at: .init(operation: .pwrite, pathContaining: "new.vaultkey"))
        #expect(throws: VaultError.self) {
            _ = try FileVault.rotateKEK(directory: dir.path, from: old, to: new, newKeyFile: dir.base + "/new.vaultkey", io: io)
        }
        #expect(!DurableFile.exists(dir.base + "/new.vaultkey"))
        try Self.expectWhole(dir.path, keys: old)
    }

    /// The rename reached the disk but its directory fsync failed (or the process died right
    /// after it): the vault is under the new KEK, and a rerun says the rotation is done.
    @Test func aFailureAfterTheRenameLeavesTheNewKEKValid() throws {
        let dir = TemporaryDirectory("vault"), old = VaultKeys.generate(), new = Self.newKeys(after: old)
        try Self.filled(dir.path, keys: old)
        let keyFile = dir.base + "/new.vaultkey"
        let io = FaultInjectingIO()
        io.inject(.fsyncFails(persisted: true), at: .init(operation: .fsyncDirectory, pathContaining: "vault"))
        #expect(throws: VaultError.self) { _ = try FileVault.rotateKEK(directory: dir.path, from: old, to: new, newKeyFile: keyFile, io: io) }
        try Self.expectWhole(dir.path, keys: new)
        #expect(try FileVault.rotateKEK(directory: dir.path, from: old, to: new, newKeyFile: keyFile).alreadyRotated)
    }

    /// Through the real command line: `careledger vault rotate-kek`.
    @Test func theCommandRotatesAndTheServiceKeyFileChanges() async throws {
        let binary = try #require(BuiltExecutable.path("careledger"))
        let dir = TemporaryDirectory("data"), old = VaultKeys.generate()
        try PrivateDirectory.create(dir.path)
        try Self.filled(dir.path + "/vault", keys: old)
        let oldFile = dir.base + "/old.vaultkey", newFile = dir.base + "/new.vaultkey"
        try DurableFile.replace(oldFile, with: Array(old.serialized().utf8), mode: 0o600)
        // A vault in use (as by a running service) is refused, and nothing is written.
        do {
            let inUse = try FileVault.open(directory: dir.path + "/vault", keys: old)
            let refused = try await ChildProcess.capture(binary, ["vault", "rotate-kek", "--data", dir.path, "--vault-key-file", oldFile,
                                                                  "--new-key-file", newFile])
            #expect(refused.outcome == .exited(2))
            #expect(String(decoding: refused.stderr, as: UTF8.self).contains("in use by another process"))
            withExtendedLifetime(inUse) {}
        }
        #expect(!DurableFile.exists(newFile))
        let run = try await ChildProcess.capture(binary, ["vault", "rotate-kek", "--data", dir.path, "--vault-key-file", oldFile, "--new-key-file", newFile])
        let stdout = String(decoding: run.stdout, as: UTF8.self)
        #expect(run.outcome == .exited(0), "\(String(decoding: run.stderr, as: UTF8.self))")
        #expect(stdout.contains("re-wrapped 2 data keys") && stdout.contains("1 erased subjects stay erased"))
        let new = try VaultKeyFile.read(newFile)
        #expect(new.indexKeys == old.indexKeys && new.kek != old.kek)
        try Self.expectWhole(dir.path + "/vault", keys: new)
        // No key material in what it printed.
        #expect(!stdout.contains(Base64.encode(new.kek)) && !stdout.contains(Base64.encode(old.kek)))

        let inside = try await ChildProcess.capture(binary, ["vault", "rotate-kek", "--data", dir.path, "--vault-key-file", newFile,
                                                             "--new-key-file", dir.path + "/third.vaultkey"])
        #expect(inside.outcome == .exited(2))
        #expect(String(decoding: inside.stderr, as: UTF8.self).contains("inside the data directory"))
    }
}
