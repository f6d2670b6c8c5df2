import DurableStorage
import Foundation
import LedgerCrypto
import LedgerTestSupport
@testable import PersonalVault
import Testing

/// Damage on disk: bit flips are reported as `VaultError.corrupt` (never a crash, never a
/// wrong plaintext); a torn tail is cut.
@Suite struct VaultDamageTests {
    typealias F = VaultFixture

    /// Three records of one owner, synced; answers the vault's keys and the frame offsets.
    func threeRecords(_ dir: String) throws -> (VaultKeys, [Int]) {
        let keys = VaultKeys.generate()
        let vault = try FileVault.open(directory: dir, keys: keys)
        var offsets: [Int] = []
        for name in ["a", "b", "c"] {
            offsets.append(Int(vault.sealedEnd))
            try vault.seal(F.plaintext(name), commitment: F.commitment(name), owner: vault.pseudonym(F.person), mentions: [])
            try vault.sync()
        }
        return (keys, offsets)
    }

    @Test func aFlippedCiphertextBitIsCorruptNotWrongPlaintext() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, offsets) = try threeRecords(dir.path)
        try F.flip(dir.path + "/sealed", at: offsets[1] + 400)
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        #expect(vault.recovery == VaultRecovery(cutBytes: 0, damagedRecords: 1, damagedKeys: 0))
        #expect(try vault.open(F.commitment("a")) == F.plaintext("a"))
        #expect(throws: VaultError.self) { try vault.open(F.commitment("b")) }
        #expect(try vault.open(F.commitment("c")) == F.plaintext("c"))
        // Sealed again (the core retrying from its log), the record is readable again.
        try vault.seal(F.plaintext("b"), commitment: F.commitment("b"), owner: vault.pseudonym(F.person), mentions: [])
        try vault.sync()
        #expect(try FileVault.open(directory: dir.path, keys: keys).open(F.commitment("b")) == F.plaintext("b"))
    }

    /// The export's reads (`mapForReading`, SealedFileMapping.swift) answer what `pread` does:
    /// records from before the open through the mapping, a later one past its end, an
    /// erasure's zeros as erased, and bytes damaged while the vault is open as damage, never
    /// as another plaintext or as an erasure.
    @Test func readsThroughTheMappingAnswerAsPreadDoes() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, offsets) = try threeRecords(dir.path)
        let vault = try FileVault.open(directory: dir.path, keys: keys, mapForReading: true)
        let mapping = try #require(vault.sealedMapping)
        let fileSize = try #require(try DurableFile.read(dir.path + "/sealed")).count
        #expect(mapping.length == Int(vault.sealedEnd) && mapping.length < fileSize)
        #expect(mapping.bytes(at: Int64(offsets[2]), count: 100) != nil && mapping.bytes(at: Int64(mapping.length - 10), count: 11) == nil)
        for name in ["a", "b", "c"] { #expect(try vault.open(F.commitment(name)) == F.plaintext(name)) }
        try vault.seal(F.plaintext("d"), commitment: F.commitment("d"), owner: vault.pseudonym(F.person), mentions: [])
        try vault.sync()
        #expect(try vault.open(F.commitment("d")) == F.plaintext("d"))  // past the mapping: pread
        try vault.eraseRecord(F.commitment("b"))
        #expect(try vault.open(F.commitment("b")) == nil)
        // One ciphertext byte of c changed in place (the same inode the mapping shows).
        let fd = open(dir.path + "/sealed", O_RDWR)
        defer { close(fd) }
        var byte: UInt8 = 0
        #expect(pread(fd, &byte, 1, off_t(offsets[2] + 400)) == 1)
        byte ^= 0x10
        #expect(pwrite(fd, &byte, 1, off_t(offsets[2] + 400)) == 1)
        #expect(throws: VaultError.self) { try vault.open(F.commitment("c")) }
        #expect(try vault.open(F.commitment("a")) == F.plaintext("a"))
    }

    @Test func aFlippedBitInTheMiddleFramesMetadataRefusesOpen() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, offsets) = try threeRecords(dir.path)
        try F.flip(dir.path + "/sealed", at: offsets[1] + 20)   // inside the commitment
        let error = #expect(throws: VaultError.self) { try FileVault.open(directory: dir.path, keys: keys) }
        guard case .corrupt(let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.contains("byte \(offsets[1])"))
    }

    @Test func aFlippedWrappedKeyMakesItsRecordsCorrupt() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, _) = try threeRecords(dir.path)
        // The last wrapped key ends where the next frame would go (room follows it).
        let end = Int(try FileVault.open(directory: dir.path, keys: keys).keysEnd)
        try F.flip(dir.path + "/keys", at: end - 20)
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        #expect(vault.recovery.damagedKeys == 1)
        #expect(throws: VaultError.self) { try vault.open(F.commitment("a")) }
        #expect(throws: VaultError.self) {
            try vault.seal([1], commitment: F.commitment("d"), owner: vault.pseudonym(F.person), mentions: [])
        }
    }

    @Test func aDamagedHeaderIsRefused() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, _) = try threeRecords(dir.path)
        try F.flip(dir.path + "/keys", at: 30)
        #expect(throws: VaultError.self) { try FileVault.open(directory: dir.path, keys: keys) }
    }

    @Test(arguments: [1, 15, 100, 600]) func aTornTailIsCut(keep: Int) throws {
        let dir = TemporaryDirectory("vault")
        let (keys, offsets) = try threeRecords(dir.path)
        // The last frame cut `keep` bytes in, as a crash mid-write leaves it.
        let sealed = try #require(try DurableFile.read(dir.path + "/sealed"))
        try DurableFile.replace(dir.path + "/sealed", with: Array(sealed.prefix(offsets[2] + keep)))
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        #expect(vault.recovery.cutBytes == keep)
        #expect(vault.recovery.messages.count == 1)
        #expect(try DurableFile.read(dir.path + "/sealed")!.count == offsets[2])
        #expect(try vault.open(F.commitment("b")) == F.plaintext("b"))
        #expect(try vault.open(F.commitment("c")) == nil)
        try vault.seal(F.plaintext("c"), commitment: F.commitment("c"), owner: vault.pseudonym(F.person), mentions: [])
        try vault.sync()
        #expect(try FileVault.open(directory: dir.path, keys: keys).open(F.commitment("c")) == F.plaintext("c"))
    }

    /// `sealed` grows in steps of zeros written ahead (FileVault.grow): they are room,
    /// kept and not reported; the next frame goes where the last one ended.
    @Test func zerosAheadOfTheFramesAreRoomNotATornTail() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, offsets) = try threeRecords(dir.path)
        let size = try #require(try DurableFile.read(dir.path + "/sealed")).count
        #expect(size % VaultFormat.growthStep == 0 && size > offsets[2])
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        #expect(vault.recovery == VaultRecovery(cutBytes: 0, damagedRecords: 0, damagedKeys: 0))
        #expect(try DurableFile.read(dir.path + "/sealed")!.count == size)
        let end = vault.sealedEnd
        try vault.seal(F.plaintext("d"), commitment: F.commitment("d"), owner: vault.pseudonym(F.person), mentions: [])
        try vault.sync()
        #expect(try DurableFile.read(dir.path + "/sealed")!.count == size, "written into the room")
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(reopened.sealedEnd > end && reopened.recovery.cutBytes == 0)
        for name in ["a", "b", "c", "d"] { #expect(try reopened.open(F.commitment(name)) == F.plaintext(name)) }
    }

    /// A frame torn inside the room (a crash before its sync) is cut with the room after it;
    /// bytes that are not zeros far into the room are cut too, never taken for room.
    @Test(arguments: [1, 15, 600, 100_000]) func aTearInsideTheRoomIsCut(at distance: Int) throws {
        let dir = TemporaryDirectory("vault")
        let (keys, _) = try threeRecords(dir.path)
        let end = Int(try FileVault.open(directory: dir.path, keys: keys).sealedEnd)
        let size = try #require(try DurableFile.read(dir.path + "/sealed")).count
        try F.flip(dir.path + "/sealed", at: end + distance - 1)
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        #expect(vault.recovery.cutBytes == size - end)
        #expect(try DurableFile.read(dir.path + "/sealed")!.count == end)
        for name in ["a", "b", "c"] { #expect(try vault.open(F.commitment(name)) == F.plaintext(name)) }
        try vault.seal(F.plaintext("d"), commitment: F.commitment("d"), owner: vault.pseudonym(F.person), mentions: [])
        try vault.sync()
        let reopened = try FileVault.open(directory: dir.path, keys: keys)
        #expect(reopened.recovery.cutBytes == 0)
        #expect(try reopened.open(F.commitment("d")) == F.plaintext("d"))
    }

    /// `keys` has room the same way: kept and not reported at open, written into by the
    /// next new subject's key; a tear inside it is cut and reported, and no key is lost.
    @Test func theKeysFileHasRoomAndATearInItIsCut() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, _) = try threeRecords(dir.path)
        let size = try #require(try DurableFile.read(dir.path + "/keys")).count
        let end = Int(try FileVault.open(directory: dir.path, keys: keys).keysEnd)
        #expect(size % VaultFormat.growthStep == 0 && size > end)
        let vault = try FileVault.open(directory: dir.path, keys: keys)
        #expect(vault.recovery.cutBytes == 0)
        try vault.seal(F.plaintext("d"), commitment: F.commitment("d"), owner: vault.pseudonym(F.other), mentions: [])
        try vault.sync()
        #expect(try DurableFile.read(dir.path + "/keys")!.count == size, "written into the room")
        let newEnd = Int(vault.keysEnd)
        #expect(newEnd > end)

        try F.flip(dir.path + "/keys", at: newEnd + 300)
        let torn = try FileVault.open(directory: dir.path, keys: keys)
        #expect(torn.recovery.cutBytes == size - newEnd)
        #expect(try DurableFile.read(dir.path + "/keys")!.count == newEnd)
        for name in ["a", "b", "c", "d"] { #expect(try torn.open(F.commitment(name)) == F.plaintext(name)) }
    }

    @Test func aMissingKeysFileBesideRecordsIsRefused() throws {
        let dir = TemporaryDirectory("vault")
        let (keys, _) = try threeRecords(dir.path)
        unlink(dir.path + "/keys")
        #expect(throws: VaultError.self) { try FileVault.open(directory: dir.path, keys: keys) }
    }
}
