import DurableStorage
import Foundation
import LedgerCrypto
import LedgerTestSupport
@testable import PersonalVault
import Testing

/// Helpers shared by the vault's suites.
enum VaultFixture {
    static let person = SubjectIdentifier.person(idType: "resident_id", idNumber: "11010519491231002X")
    static let other = SubjectIdentifier.person(idType: "resident_id", idNumber: "330302199001011234")
    static let institution = SubjectIdentifier.organization(uscc: "91330304MA2L12345X")

    static func commitment(_ name: String) -> Digest32 { SHA256.hash("commitment " + name) }

    /// A recognisable plaintext of about 1 KB: a name and an ID number, as the core seals.
    static func plaintext(_ name: String) -> [UInt8] {
        Array("{\"name\":\"张三-\(name)\",\"idNumber\":\"11010519491231002X\",\"facts\":\"\(name)\"}".utf8)
            + [UInt8](repeating: UInt8(truncatingIfNeeded: name.hashValue), count: 900)
    }

    static func files(_ directory: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[name] = (try? DurableFile.read(path)) ?? nil
            }
        }
        return out
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    static func flip(_ path: String, at offset: Int) throws {
        var bytes = try DurableFile.read(path)!
        bytes[offset] ^= 0x10
        try DurableFile.replace(path, with: bytes)
    }
}

@Suite struct FileVaultTests {
    typealias F = VaultFixture

    @Test func sealsOpensAndReopens() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        let person = vault.pseudonym(F.person), org = vault.pseudonym(F.institution)
        try vault.seal(F.plaintext("ban"), commitment: F.commitment("ban"), owner: person, mentions: [])
        try vault.seal(F.plaintext("filing"), commitment: F.commitment("filing"), owner: org, mentions: [person])
        try vault.seal([], commitment: F.commitment("empty"), owner: org, mentions: [])
        try vault.sync()
        #expect(try vault.open(F.commitment("ban")) == F.plaintext("ban"))
        #expect(try vault.open(F.commitment("unknown")) == nil)
        #expect(DurableFile.mode(of: dir.path) == 0o700)
        #expect(DurableFile.mode(of: dir.path + "/keys") == 0o600)
        #expect(DurableFile.mode(of: dir.path + "/sealed") == 0o600)

        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(reopened.recovery.messages.isEmpty)
        #expect(try reopened.open(F.commitment("ban")) == F.plaintext("ban"))
        #expect(try reopened.open(F.commitment("filing")) == F.plaintext("filing"))
        #expect(try reopened.open(F.commitment("empty")) == [])
        #expect(Set(reopened.commitments(of: person)) == [F.commitment("ban"), F.commitment("filing")])
        // Sealing the same commitment again (a retried group) keeps one record.
        try reopened.seal(F.plaintext("other"), commitment: F.commitment("ban"), owner: person, mentions: [])
        #expect(try reopened.open(F.commitment("ban")) == F.plaintext("ban"))
        // No plaintext and no data key in any file.
        let key = try #require(reopened.liveDataKey(of: person))
        for (name, bytes) in F.files(dir.path) {
            #expect(!F.contains(bytes, Array("11010519491231002X".utf8)), "\(name) holds the ID number")
            #expect(!F.contains(bytes, key), "\(name) holds the unwrapped data key")
        }
    }

    @Test func erasingASubjectDestroysItsKeyAndRecordsInPlaceAndSurvivesReopen() throws {
        let dir = TemporaryDirectory("vault"), backup = TemporaryDirectory("backup"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        let person = vault.pseudonym(F.person), org = vault.pseudonym(F.institution)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: org, mentions: [person])
        try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: org, mentions: [])
        try vault.sync()
        let personKey = try #require(vault.liveDataKey(of: person))
        try FileManager.default.copyItem(atPath: dir.path, toPath: backup.path)
        let before = F.files(dir.path)

        #expect(try vault.eraseSubject(person) == [F.commitment("a"), F.commitment("b")].sorted { $0.hex < $1.hex })
        #expect(try vault.eraseSubject(person) == [])
        #expect(try vault.open(F.commitment("a")) == nil)
        #expect(try vault.open(F.commitment("b")) == nil)
        #expect(try vault.open(F.commitment("c")) == F.plaintext("c"))
        #expect(vault.commitments(of: person).isEmpty)

        // In place: every byte that changed is now zero, and at least the wrapped key and
        // both ciphertexts changed.
        let after = F.files(dir.path)
        var changed = 0
        for (name, old) in before {
            let new = try #require(after[name])
            #expect(new.count == old.count, "\(name) grew or shrank")
            for i in 0..<min(old.count, new.count) where old[i] != new[i] {
                #expect(new[i] == 0)
                changed += 1
            }
            #expect(!F.contains(new, personKey))
        }
        #expect(changed >= 2 * 900)

        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(try reopened.open(F.commitment("a")) == nil)
        #expect(try reopened.open(F.commitment("b")) == nil)
        #expect(try reopened.open(F.commitment("c")) == F.plaintext("c"))
        #expect(reopened.liveDataKey(of: person) == nil)
        // A late seal for the erased subject is kept under a new key; the erased records
        // stay erased (aSubjectRecordedAgainAfterAnErasureGetsANewKey).
        try reopened.seal(F.plaintext("late"), commitment: F.commitment("late"), owner: person, mentions: [])
        try reopened.sync()
        let afterLate = try FileVault.open(directory: dir.path, keys: keys)
        #expect(try afterLate.open(F.commitment("late")) == F.plaintext("late"))
        #expect(try afterLate.open(F.commitment("a")) == nil)
        // The backup taken before still opens (what a pre-erasure restore must re-erase).
        #expect(try FileVault.open(directory: backup.path, keys: keys).open(F.commitment("a")) == F.plaintext("a"))
    }

    /// A person erased and recorded again later (a new ban, say) is filed under a new data
    /// key, so every check finds the new record, also after a restart, while what the
    /// erasure took stays destroyed; erasing them again takes only what came after.
    @Test func aSubjectRecordedAgainAfterAnErasureGetsANewKey() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        let person = vault.pseudonym(F.person), org = vault.pseudonym(F.institution), other = vault.pseudonym(F.other)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.seal(F.plaintext("m"), commitment: F.commitment("m"), owner: org, mentions: [person])
        try vault.sync()
        let firstKey = try #require(vault.liveDataKey(of: person))
        #expect(try vault.eraseSubject(person) == [F.commitment("a"), F.commitment("m")].sorted { $0.hex < $1.hex })
        // Never seen before its erasure: recorded later all the same.
        #expect(try vault.eraseSubject(other) == [])
        try vault.seal(F.plaintext("late"), commitment: F.commitment("late"), owner: person, mentions: [])
        try vault.seal(F.plaintext("mention"), commitment: F.commitment("mention"), owner: org, mentions: [person, other])
        try vault.seal(F.plaintext("other"), commitment: F.commitment("other"), owner: other, mentions: [])
        try vault.sync()
        let again = [F.commitment("late"), F.commitment("mention")].sorted { $0.hex < $1.hex }
        for vault in [vault, try FileVault.open(directory: dir.path, keys: keys)] {
            for name in ["late", "mention", "other"] { #expect(try vault.open(F.commitment(name)) == F.plaintext(name), "\(name)") }
            for name in ["a", "m"] { #expect(try vault.open(F.commitment(name)) == nil, "\(name)") }
            #expect(vault.commitments(of: person) == again)
            #expect(try #require(vault.liveDataKey(of: person)) != firstKey)
        }
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(try reopened.eraseSubject(person) == again)
        #expect(try reopened.eraseSubject(person) == [])
        for vault in [reopened, try FileVault.open(directory: dir.path, keys: keys)] {
            for name in ["a", "m", "late", "mention"] { #expect(try vault.open(F.commitment(name)) == nil, "\(name)") }
            #expect(try vault.open(F.commitment("other")) == F.plaintext("other"))
            #expect(vault.commitments(of: person).isEmpty && vault.liveDataKey(of: person) == nil)
            // The record that named both went with the person's erasure.
            #expect(vault.commitments(of: other) == [F.commitment("other")])
        }
    }

    @Test func erasingARecordSurvivesReopen() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        let person = vault.pseudonym(F.person)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: person, mentions: [])
        try vault.sync()
        let before = try #require(try DurableFile.read(dir.path + "/sealed"))
        try vault.eraseRecord(F.commitment("a"))
        try vault.eraseRecord(F.commitment("a"))
        try vault.eraseRecord(F.commitment("never"))
        #expect(try vault.open(F.commitment("a")) == nil)
        let after = try #require(try DurableFile.read(dir.path + "/sealed"))
        #expect(zip(before, after).filter { $0 != $1 }.allSatisfy { $0.1 == 0 })
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(try reopened.open(F.commitment("a")) == nil)
        #expect(try reopened.open(F.commitment("b")) == F.plaintext("b"))
        #expect(reopened.commitments(of: person) == [F.commitment("b")])
        // Erased stays erased: the same commitment sealed again is not revived.
        try reopened.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        #expect(try reopened.open(F.commitment("a")) == nil)
    }

    /// A group's frames wait in memory for its sync: until then `open` reads them there, and
    /// an erasure zeroes them there, so the frames the sync writes hold no erased ciphertext.
    @Test func recordsNotYetWrittenOpenAndEraseBeforeTheirSync() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        let person = vault.pseudonym(F.person), other = vault.pseudonym(F.other), org = vault.pseudonym(F.institution)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: person, mentions: [])
        try vault.sync()
        for name in ["b", "c", "d"] {
            try vault.seal(F.plaintext(name), commitment: F.commitment(name), owner: name == "d" ? other : org, mentions: name == "c" ? [other] : [])
        }
        #expect(try vault.open(F.commitment("b")) == F.plaintext("b"))
        #expect(try vault.open(F.commitment("c")) == F.plaintext("c"))
        let otherKey = try #require(vault.liveDataKey(of: other))
        try vault.eraseRecord(F.commitment("b"))
        #expect(try vault.eraseSubject(other) == [F.commitment("c"), F.commitment("d")].sorted { $0.hex < $1.hex })
        // A new subject's key frame and its record, both still in memory when it is erased.
        let third = vault.pseudonym(.person(idType: "resident_id", idNumber: "330302198001010014"))
        try vault.seal(F.plaintext("f"), commitment: F.commitment("f"), owner: third, mentions: [])
        #expect(try vault.eraseSubject(third) == [F.commitment("f")])
        try vault.seal(F.plaintext("e"), commitment: F.commitment("e"), owner: org, mentions: [])
        #expect(try vault.open(F.commitment("b")) == nil)
        #expect(try vault.open(F.commitment("e")) == F.plaintext("e"))
        try vault.sync()

        let sealed = try #require(try DurableFile.read(dir.path + "/sealed"))
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(reopened.recovery.cutBytes == 0)
        #expect(reopened.recovery.damagedRecords == 0)
        #expect(try reopened.open(F.commitment("a")) == F.plaintext("a"))
        for name in ["b", "c", "d", "f"] { #expect(try reopened.open(F.commitment(name)) == nil, "\(name)") }
        #expect(reopened.liveDataKey(of: third) == nil)
        #expect(try reopened.open(F.commitment("e")) == F.plaintext("e"))
        #expect(reopened.commitments(of: org) == [F.commitment("e")])
        #expect(!F.contains(sealed, otherKey))
        #expect(reopened.liveDataKey(of: other) == nil)
    }

    @Test func aWrongKeyIsRefusedAtOpen() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        try vault.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: vault.pseudonym(F.person), mentions: [])
        try vault.sync()
        let other = VaultKeys(kek: SecureRandom.bytes(32), indexKeys: keys.indexKeys)
        do {
            _ = try FileVault.open(directory: dir.path, keys: other)
            Issue.record("a wrong KEK opened the vault")
        } catch let error as VaultError {
            guard case .keyFile(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("key-encryption key"))
        }
    }

    @Test func concurrentSealsAllOpen() async throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for n in 0..<40 {
                        let name = "\(task)-\(n)"
                        let owner = vault.pseudonym(.person(idType: "resident_id", idNumber: "p\(n % 5)"))
                        try vault.seal(F.plaintext(name), commitment: F.commitment(name), owner: owner, mentions: [])
                        if n % 10 == 0 { try vault.sync() }
                        #expect(try vault.open(F.commitment(name)) == F.plaintext(name))
                    }
                    try vault.sync()
                }
            }
            try await group.waitForAll()
        }
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        for task in 0..<8 {
            for n in 0..<40 { #expect(try reopened.open(F.commitment("\(task)-\(n)")) == F.plaintext("\(task)-\(n)")) }
        }
        // One data key per subject, however many tasks raced to make it (the frames' end:
        // the file itself has room after them).
        #expect(reopened.keysEnd < Int64(VaultFormat.keysHeaderSize + 6 * 120))
        #expect(reopened.keysEnd > Int64(VaultFormat.keysHeaderSize + 5 * 60))
    }

    @Test func rotationFindsSubjectsUnderOlderIndexKeys() throws {
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        let first = try FileVault.open(directory: dir.path, keys: keys)
        try first.seal(F.plaintext("a"), commitment: F.commitment("a"), owner: F.person, mentions: [])
        try first.sync()
        let rotated = keys.rotatingIndexKey()
        #expect(rotated.currentIndexKey.id == "k2")
        let second = try FileVault.open(directory: dir.path, keys: rotated)
        #expect(second.indexKeyID == "k2")
        #expect(second.pseudonyms(F.person).map(\.keyID) == ["k2", "k1"])
        try second.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: F.person, mentions: [])
        try second.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: F.other, mentions: [])
        // The person's records stay under its k1 data key: one key to destroy.
        #expect(second.commitments(of: second.pseudonyms(F.person)[1]).count == 2)
        #expect(second.liveDataKey(of: second.pseudonym(F.person)) == nil)
        #expect(second.liveDataKey(of: second.pseudonym(F.other)) != nil)
        #expect(Set(try second.eraseSubject(F.person)) == [F.commitment("a"), F.commitment("b")])
        #expect(try second.open(F.commitment("b")) == nil)
        #expect(try second.open(F.commitment("c")) == F.plaintext("c"))
        // Recorded again: readable under a new key, found and erased by identifier.
        try second.seal(F.plaintext("d"), commitment: F.commitment("d"), owner: F.person, mentions: [])
        #expect(try second.open(F.commitment("d")) == F.plaintext("d"))
        #expect(second.commitments(of: F.person) == [F.commitment("d")])
        #expect(try second.eraseSubject(F.person) == [F.commitment("d")])
        #expect(try second.open(F.commitment("d")) == nil)
    }
}
