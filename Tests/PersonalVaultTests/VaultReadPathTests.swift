import DurableStorage
import LedgerCrypto
import LedgerTestSupport
@testable import PersonalVault
import Testing

/// The export's read path: `open(_:droppingFirst:)` and the per-thread guess of the next
/// record (OpenHint.swift) change how a record is found and copied, never what is answered.
@Suite struct VaultReadPathTests {
    typealias F = VaultFixture

    /// Without its prefix, a record reads as the plain open's bytes after it, in both vaults;
    /// a prefix longer than the plaintext leaves nothing; erased stays nil.
    @Test func droppingAPrefixAnswersTheRestOfThePlainOpen() throws {
        let dir = TemporaryDirectory("vault")
        let file = try FileVault.open(directory: dir.path, keys: VaultKeys.generate())
        let memory = MemoryVault()
        let short: [UInt8] = Array("tiny".utf8)
        for vault in [file, memory] as [any PersonalVault] {
            for name in ["a", "b"] {
                try vault.seal(F.plaintext(name), commitment: F.commitment(name), owner: vault.pseudonym(F.person), mentions: [])
            }
            try vault.seal(short, commitment: F.commitment("short"), owner: vault.pseudonym(F.other), mentions: [])
            try vault.sync()
            for prefix in [0, 1, 32, 64] {
                #expect(try vault.open(F.commitment("a"), droppingFirst: prefix) == Array(F.plaintext("a").dropFirst(prefix)))
                #expect(try vault.open(F.commitment("short"), droppingFirst: prefix) == Array(short.dropFirst(prefix)))
            }
            _ = try vault.eraseSubject(vault.pseudonym(F.other))
            #expect(try vault.open(F.commitment("short"), droppingFirst: 32) == nil)
            #expect(try vault.open(F.commitment("unknown"), droppingFirst: 32) == nil)
        }
    }

    /// One thread reading two vaults in turn, in and out of order: a guess left by one vault
    /// (or by a record far away) is never taken for an answer in the other.
    @Test func aGuessFromAnotherVaultOrPlaceIsNeverAnAnswer() throws {
        let dirA = TemporaryDirectory("vault"), dirB = TemporaryDirectory("vault")
        let a = try FileVault.open(directory: dirA.path, keys: VaultKeys.generate())
        let b = try FileVault.open(directory: dirB.path, keys: VaultKeys.generate())
        let names = (0..<12).map { "r\($0)" }
        for name in names {
            try a.seal(F.plaintext("A" + name), commitment: F.commitment(name), owner: a.pseudonym(F.person), mentions: [])
        }
        // B files the same commitments in reverse, with other plaintexts.
        for name in names.reversed() {
            try b.seal(F.plaintext("B" + name), commitment: F.commitment(name), owner: b.pseudonym(F.other), mentions: [])
        }
        try a.sync()
        try b.sync()
        let order = names + names.reversed() + [names[3], names[9], names[0], names[11], names[4]]
        for name in order {
            #expect(try a.open(F.commitment(name)) == F.plaintext("A" + name), "A \(name)")
            #expect(try b.open(F.commitment(name)) == F.plaintext("B" + name), "B \(name)")
        }
        #expect(try a.open(F.commitment("not filed")) == nil)
        #expect(try b.open(F.commitment(names[0])) == F.plaintext("B" + names[0]))
    }
}
