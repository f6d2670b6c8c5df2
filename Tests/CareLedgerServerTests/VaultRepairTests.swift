import DurableStorage
import CreditRecords
import Foundation
import LedgerCrypto
import LedgerTestSupport
@testable import PersonalVault
import Testing
@testable import LedgerCore

/// `careledger vault repair` (VaultRepair): a broken frame in `sealed` followed by valid ones
/// is cut only when the records log shows that no committed record needs anything cut.
@Suite(.serialized) struct VaultRepairTests {
    struct Setup {
        let data: ServerDataDirectory
        let keys: VaultKeys
        /// Where the frames of the two committed bans start, then those of two records sealed
        /// and synced whose leaves never reached the log (a crash between the two).
        let committed: [Int64]
        let uncommitted: [Int64]
        var sealedPath: String { data.root + "/vault/sealed" }
    }

    /// The service's core on `directory` with a file vault under `keys`.
    static func open(_ directory: TemporaryDirectory, keys: VaultKeys) async throws -> (Ledger, FileVault, Principal) {
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory.path
        configuration.openVault = { data in try FileVault.open(directory: data + "/vault", keys: keys) }
        let ledger = try await Ledger.open(configuration: configuration)
        return (ledger, try #require(ledger.vault as? FileVault), try #require(ledger.principals.principal(id: ServerDataDirectory.adminId)))
    }

    static func setUp(_ directory: TemporaryDirectory) async throws -> Setup {
        let keys = VaultKeys.generate()
        let (ledger, vault, admin) = try await Self.open(directory, keys: keys)
        var committed: [Int64] = [], uncommitted: [Int64] = []
        for n in 1...2 {
            committed.append(vault.sealedEnd)
            _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(n)), principal: admin, logger: ledger.logger)
        }
        for n in 1...2 {
            uncommitted.append(vault.sealedEnd)
            try vault.seal(Array("{\"unacknowledged\":\(n)}".utf8), commitment: SHA256.hash("never committed \(n)"),
                           owner: vault.pseudonym(.person(idType: "resident_id", idNumber: "33030219900101123\(n)")), mentions: [])
        }
        try vault.sync()
        try await ledger.close()
        return Setup(data: ServerDataDirectory(directory.path), keys: keys, committed: committed, uncommitted: uncommitted)
    }

    /// Breaks the frame at `offset`: its length word no longer fits, so no frame starts there.
    static func breakFrame(_ path: String, at offset: Int64) throws {
        var bytes = try #require(try DurableFile.read(path))
        bytes[Int(offset) + 7] ^= 0x40
        try DurableFile.replace(path, with: bytes)
    }

    @Test func aBreakBeforeFramesNoCommittedRecordNamesIsCut() async throws {
        let directory = TemporaryDirectory("vault-repair")
        let setup = try await Self.setUp(directory)
        let clean = try VaultRepair.run(data: setup.data, keys: setup.keys)
        #expect(clean.committedSealed == 2 && clean.missing.isEmpty && clean.recovery.cutAtDamage == nil && clean.recovery.cutBytes == 0)

        try Self.breakFrame(setup.sealedPath, at: setup.uncommitted[0])
        #expect(throws: VaultError.self) { try FileVault.open(directory: setup.data.root + "/vault", keys: setup.keys) }
        let repaired = try VaultRepair.run(data: setup.data, keys: setup.keys)
        #expect(repaired.recovery.cutAtDamage?.offset == Int(setup.uncommitted[0]))
        #expect(repaired.recovery.cutAtDamage?.droppedRecords == 1)
        #expect(repaired.recovery.cutBytes > 0)
        #expect(repaired.missing.isEmpty)

        // The service starts again, and both bans still open with their personal parts.
        let (ledger, _, _) = try await Self.open(directory, keys: setup.keys)
        for seq in UInt64(0)..<2 {
            let opened = try ledger.sealed.opened(try ledger.log.entry(at: seq))
            #expect(opened != nil, "seq \(seq) lost its personal part")
        }
        try await ledger.close()
    }

    @Test(arguments: [0, 1]) func aBrokenCommittedFrameIsLeftAsItIs(ban: Int) async throws {
        let directory = TemporaryDirectory("vault-repair")
        let setup = try await Self.setUp(directory)
        try Self.breakFrame(setup.sealedPath, at: setup.committed[ban])
        let before = try #require(try DurableFile.read(setup.sealedPath))
        let refusal = #expect(throws: VaultRepair.Refused.self) { try VaultRepair.run(data: setup.data, keys: setup.keys) }
        // Ban 0 broken: it is needed and not before the break, and ban 1, committed, follows
        // it; ban 1 broken: only its own frame is needed.
        #expect(refusal?.description.contains(ban == 0 ? "seqs 0, 1)" : "seqs 1)") == true, "\(refusal.map(String.init(describing:)) ?? "")")
        #expect(try DurableFile.read(setup.sealedPath) == before, "the vault was changed")
    }

    /// A record sealed and synced but never committed, then a committed ban after it: a
    /// break in the first would cut the ban's frame, which the log needs.
    @Test func aBreakWithACommittedFrameAfterItIsLeftAsItIs() async throws {
        let directory = TemporaryDirectory("vault-repair")
        let keys = VaultKeys.generate()
        let (ledger, vault, admin) = try await Self.open(directory, keys: keys)
        let uncommitted = vault.sealedEnd
        try vault.seal(Array("{\"unacknowledged\":1}".utf8), commitment: SHA256.hash("never committed"),
                       owner: vault.pseudonym(.person(idType: "resident_id", idNumber: "330302199001011231")), mentions: [])
        try vault.sync()
        _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(1)), principal: admin, logger: ledger.logger)
        try await ledger.close()

        let data = ServerDataDirectory(directory.path), sealedPath = directory.path + "/vault/sealed"
        try Self.breakFrame(sealedPath, at: uncommitted)
        let before = try #require(try DurableFile.read(sealedPath))
        let refusal = #expect(throws: VaultRepair.Refused.self) { try VaultRepair.run(data: data, keys: keys) }
        #expect(refusal?.description.contains("1 of the records after the broken frame and 0 of those at or before it") == true)
        #expect(try DurableFile.read(sealedPath) == before, "the vault was changed")
    }
}
