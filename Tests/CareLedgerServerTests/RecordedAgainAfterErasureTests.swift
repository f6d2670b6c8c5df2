import BackgroundIndex
import Foundation
import Synchronization
import CreditRecords
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Testing
@testable import LedgerCore

/// A person erased and later banned: the ban must reach every check, also after a restart
/// that rebuilds the index from the log and the file vault. Until 7 December 2026 the vault
/// kept no personal part for a subject erased before (their data key was gone for good), so
/// after a restart a check on a banned person answered `clear`.
@Suite(.serialized) struct RecordedAgainAfterErasureTests {
    static let zhangKey = PersonKey(idType: .residentId, number: "11010519491231002X")

    static func ban(_ n: Int) -> JSONValue {
        var ban = Fixtures.ban(n).objectValue!
        var body = ban["body"]!.objectValue!
        body["person"] = Fixtures.zhangSan
        ban["body"] = .object(body)
        return .object(ban)
    }

    /// The steps these tests share, as the admin of `ledger`.
    struct Steps {
        let ledger: Ledger
        let admin: Principal

        func append(_ record: JSONValue) async throws -> UInt64 {
            try await ledger.appendRecord(try CanonicalJSON.encode(record), principal: admin, logger: ledger.logger).seq
        }

        /// 张三's penalty, revoked as a data error, so that the person may be erased; its seq.
        /// Their decision numbers are made from `n` and `n + 1`.
        func erasablePenalty(_ n: Int = 1) async throws -> UInt64 {
            let penalty = try await append(Fixtures.personalPenalty(n))
            _ = try await append(ErasureRouteTests.revocation(target: penalty, n + 1))
            return penalty
        }

        func eraseZhang() async throws {
            _ = try await ledger.erase(try CanonicalJSON.encode(ErasureRouteTests.erasure(subject: ErasureRouteTests.zhang, basis: "data_error")),
                                       principal: admin, logger: ledger.logger)
        }
    }

    @Test func aBanAfterTheErasureOfThePersonReachesChecksAfterARestart() async throws {
        let directory = TemporaryDirectory("recorded-again"), keys = VaultKeys.generate()
        let today = LocalDate.today()
        var (ledger, _, admin) = try await VaultRepairTests.open(directory, keys: keys)
        var steps = Steps(ledger: ledger, admin: admin)
        // 张三's penalty, revoked as a data error, then the person erased.
        let penalty = try await steps.erasablePenalty()
        try await steps.eraseZhang()
        #expect(!ledger.index.isBarredOrPending(Self.zhangKey, today: today))
        // Then the same person abuses a child and is banned for life.
        let ban = try await steps.append(Self.ban(3))
        #expect(ledger.index.isBarredOrPending(Self.zhangKey, today: today))
        try await ledger.close()

        // The index is rebuilt from the log (no snapshot) and read through the file vault.
        try? FileManager.default.removeItem(atPath: ServerDataDirectory(directory.path).indexSnapshot)
        (ledger, _, admin) = try await VaultRepairTests.open(directory, keys: keys)
        steps = Steps(ledger: ledger, admin: admin)
        #expect(ledger.index.isBarredOrPending(Self.zhangKey, today: today), "the ban was lost in the restart")
        let opened = try Envelope.decode(ledger.sealed.open(ledger.log.entry(at: ban)))
        #expect(opened.body["person"]?.objectValue?["idNumber"] == "11010519491231002X")
        // What the erasure took stays erased.
        #expect(try ledger.sealed.isErased(ledger.log.entry(at: penalty)))
        // And the ban's legal basis now keeps the person's data.
        await #expect(throws: Refusal.self) { try await steps.eraseZhang() }
        try await ledger.close()
    }

    /// A vault whose first subject erasure fails (a disk error): the erasure is recorded, and
    /// the next start completes it.
    final class FirstErasureFails: DelegatingVault, @unchecked Sendable {
        let failed = Atomic<Bool>(false)
        override func eraseSubject(_ subject: Pseudonym) throws -> [Digest32] {
            if !failed.exchange(true, ordering: .sequentiallyConsistent) { throw VaultError.io("injected: the disk failed") }
            return try inner.eraseSubject(subject)
        }
    }

    /// Between an erasure whose vault step failed and the start that completes it, the person
    /// is banned: the start erases what the erasure named, and keeps the key the ban is under.
    @Test func aBanBetweenAFailedErasureAndTheStartThatCompletesItIsKept() async throws {
        let directory = TemporaryDirectory("recorded-again"), vault = FirstErasureFails()
        var (ledger, admin) = try await vault.openLedger(directory.path)
        let steps = Steps(ledger: ledger, admin: admin)
        let penalty = try await steps.erasablePenalty()
        let failed = await #expect(throws: Refusal.self) { try await steps.eraseZhang() }
        #expect(failed?.kind == .unavailable)
        let ban = try await steps.append(Self.ban(3))
        try await ledger.close()

        (ledger, admin) = try await vault.openLedger(directory.path)
        #expect(try ledger.sealed.isErased(ledger.log.entry(at: penalty)), "the start completes the erasure")
        #expect(try !ledger.sealed.isErased(ledger.log.entry(at: ban)), "the ban sealed after it keeps its personal part")
        #expect(ledger.index.isBarredOrPending(Self.zhangKey, today: LocalDate.today()))
        try await ledger.close()
    }

    /// What was sealed for the person but never committed (a crash before the log took it)
    /// does not keep their key: the start that completes the erasure destroys it.
    @Test func aFailedErasureCompletedAtStartTakesTheKeyWhenOnlyUncommittedRecordsUseIt() async throws {
        let directory = TemporaryDirectory("recorded-again"), vault = FirstErasureFails()
        var (ledger, admin) = try await vault.openLedger(directory.path)
        let steps = Steps(ledger: ledger, admin: admin)
        let penalty = try await steps.erasablePenalty()
        await #expect(throws: Refusal.self) { try await steps.eraseZhang() }
        let never = SHA256.hash("sealed, never committed")
        try vault.seal(Array("张三 11010519491231002X".utf8), commitment: never, owner: RecordSubjects.person(idType: .residentId, number: "11010519491231002X"),
                       mentions: [])
        try await ledger.close()

        (ledger, admin) = try await vault.openLedger(directory.path)
        #expect(try ledger.sealed.isErased(ledger.log.entry(at: penalty)))
        #expect(try vault.open(never) == nil, "the key went, and the uncommitted record with it")
        try await ledger.close()
    }
}
