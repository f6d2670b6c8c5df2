import BackgroundIndex
import CreditRecords
import Foundation
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Testing
@testable import LedgerCore

/// A person recorded before `careledger vault rotate-index-key` and again after it: the vault
/// knows them by their older pseudonym, and the service must seal, find and erase them by it
/// (docs/operations.md "Rotating the index key"). Until 7 December 2026 the service used the
/// current key's pseudonym: records made after a rotation got a second data key, and an
/// erasure destroyed only those, leaving the person's older records readable.
@Suite(.serialized) struct ErasureAfterIndexKeyRotationTests {
    static let zhangID = SubjectIdentifier.person(idType: "resident_id", idNumber: "11010519491231002X")

    @Test func anErasureAfterARotationTakesTheRecordsFromBeforeIt() async throws {
        let directory = TemporaryDirectory("rotation-erasure"), keys = VaultKeys.generate()
        var (ledger, vault, admin) = try await VaultRepairTests.open(directory, keys: keys)
        let before = try await RecordedAgainAfterErasureTests.Steps(ledger: ledger, admin: admin).erasablePenalty()
        try await ledger.close()

        let rotated = keys.rotatingIndexKey()
        (ledger, vault, admin) = try await VaultRepairTests.open(directory, keys: rotated)
        #expect(vault.indexKeyID == "k2")
        let steps = RecordedAgainAfterErasureTests.Steps(ledger: ledger, admin: admin)
        let after = try await steps.erasablePenalty(11)
        // One data key for the person, under the pseudonym the vault first filed them by.
        let older = try #require(vault.pseudonyms(Self.zhangID).first { $0.keyID == "k1" })
        #expect(Set(vault.commitments(of: older)).count == 4, "the penalties and their revocations, all under the k1 key")
        #expect(vault.liveDataKey(of: vault.pseudonym(Self.zhangID)) == nil, "no second data key under k2")

        try await steps.eraseZhang()
        #expect(try ledger.sealed.isErased(ledger.log.entry(at: before)), "the record from before the rotation was left readable")
        #expect(try ledger.sealed.isErased(ledger.log.entry(at: after)))
        #expect(vault.commitments(of: Self.zhangID).isEmpty)
        #expect(vault.liveDataKey(of: older) == nil)
        try await ledger.close()
    }

    /// A vault restored from before such an erasure: the start destroys the person's key under
    /// the older pseudonym too.
    @Test func aRestoredVaultIsErasedAgainUnderTheOlderPseudonym() async throws {
        let directory = TemporaryDirectory("rotation-erasure"), keys = VaultKeys.generate()
        var (ledger, vault, admin) = try await VaultRepairTests.open(directory, keys: keys)
        let before = try await RecordedAgainAfterErasureTests.Steps(ledger: ledger, admin: admin).erasablePenalty()
        try await ledger.close()
        let vaultDirectory = directory.path + "/vault", backup = directory.base + "/vault-backup"
        try FileManager.default.copyItem(atPath: vaultDirectory, toPath: backup)

        let rotated = keys.rotatingIndexKey()
        (ledger, vault, admin) = try await VaultRepairTests.open(directory, keys: rotated)
        try await RecordedAgainAfterErasureTests.Steps(ledger: ledger, admin: admin).eraseZhang()
        try await ledger.close()

        try FileManager.default.removeItem(atPath: vaultDirectory)
        try FileManager.default.moveItem(atPath: backup, toPath: vaultDirectory)
        (ledger, vault, admin) = try await VaultRepairTests.open(directory, keys: rotated)
        #expect(try ledger.sealed.isErased(ledger.log.entry(at: before)))
        let older = try #require(vault.pseudonyms(Self.zhangID).first { $0.keyID == "k1" })
        #expect(vault.liveDataKey(of: older) == nil, "the restored key under the older pseudonym was left live")
        try await ledger.close()
    }

    /// A person banned before the rotation is still barred after it, whether the start reads
    /// the index snapshot written under the older key or rebuilds the index from the log.
    @Test(arguments: [true, false]) func aBanFromBeforeTheRotationStillBars(keepingTheSnapshot: Bool) async throws {
        let directory = TemporaryDirectory("rotation-ban"), keys = VaultKeys.generate()
        var (ledger, _, admin) = try await VaultRepairTests.open(directory, keys: keys)
        _ = try await RecordedAgainAfterErasureTests.Steps(ledger: ledger, admin: admin).append(RecordedAgainAfterErasureTests.ban(3))
        #expect(ledger.index.isBarredOrPending(RecordedAgainAfterErasureTests.zhangKey, today: LocalDate.today()))
        try await ledger.close()
        if !keepingTheSnapshot { try? FileManager.default.removeItem(atPath: ServerDataDirectory(directory.path).indexSnapshot) }

        (ledger, _, admin) = try await VaultRepairTests.open(directory, keys: keys.rotatingIndexKey())
        #expect(ledger.index.isBarredOrPending(RecordedAgainAfterErasureTests.zhangKey, today: LocalDate.today()),
                "a ban recorded before the index-key rotation no longer bars the person")
        try await ledger.close()
    }

    /// An objection filed after the rotation, and the authority's reply, which is sealed under
    /// the pseudonym stored with the objection: the person's one data key, not a second one.
    @Test func anObjectionsReplyAfterTheRotationJoinsThePersonsOneKey() async throws {
        let directory = TemporaryDirectory("rotation-objection"), keys = VaultKeys.generate()
        var (ledger, vault, admin) = try await VaultRepairTests.open(directory, keys: keys)
        let penalty = try await RecordedAgainAfterErasureTests.Steps(ledger: ledger, admin: admin).append(Fixtures.personalPenalty(1))
        try await ledger.close()

        (ledger, vault, admin) = try await VaultRepairTests.open(directory, keys: keys.rotatingIndexKey())
        let filed = try ledger.fileObjection(ObjectionTests.zhangSan, seq: penalty, text: "该记录中的违法事实与实际不符。", contact: "")
        _ = try ledger.answerObjection(id: filed.id, try CanonicalJSON.encode(["reply": "经复核，记录无误。"]), principal: admin)
        #expect(try ledger.objections(of: ObjectionTests.zhangSan).first?.reply == "经复核，记录无误。")
        #expect(vault.liveDataKey(of: vault.pseudonym(Self.zhangID)) == nil, "the reply made the person a second data key")
        try await ledger.close()
    }
}
