import BackgroundIndex
import CreditRecords
import Dispatch
import Foundation
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Synchronization
import Testing
@testable import LedgerCore

/// A person's erasure and an append naming them, at the same time (ErasureGate.swift).
@Suite(.serialized) struct ErasureGateTests {
    static let zhang = SubjectIdentifier.person(idType: "resident_id", idNumber: "11010519491231002X")
    static let other = SubjectIdentifier.person(idType: "resident_id", idNumber: "330302199001011234")

    @Test func anErasureWaitsForAppendsNamingThePersonAndThenRefusesNewOnes() async throws {
        let gate = ErasureGate()
        let inFlight = try #require(gate.enter(naming: [Self.zhang]))
        let closing = Task { await gate.closeForErasure(of: Self.zhang) }
        try await Task.sleep(for: .milliseconds(50))
        // Someone else passes; the person's append already under way is waited for.
        let unrelated = try #require(gate.enter(naming: [Self.other]))
        gate.leave(unrelated)
        gate.leave(inFlight)
        #expect(await closing.value)
        #expect(gate.enter(naming: [Self.other, Self.zhang]) == nil)
        #expect(await gate.closeForErasure(of: Self.zhang, timeout: .milliseconds(10)) == false, "one erasure of a person at a time")
        gate.open(for: Self.zhang)
        #expect(gate.enter(naming: [Self.zhang]) != nil)
    }

    @Test func anErasureThatCannotWaitLongerOpensTheGateAgain() async throws {
        let gate = ErasureGate()
        let stuck = try #require(gate.enter(naming: [Self.zhang]))
        #expect(await gate.closeForErasure(of: Self.zhang, timeout: .milliseconds(20)) == false)
        #expect(gate.enter(naming: [Self.zhang]) != nil)
        gate.leave(stuck)
    }

    /// A memory vault whose next `sync` (the log's beforeCommit) waits to be released: a ban
    /// is then sealed but not yet committed, the moment an erasure must not slip into.
    final class HeldSyncVault: DelegatingVault, @unchecked Sendable {
        let holdNext = Atomic<Bool>(false)
        let held = Atomic<Bool>(false)
        let release = DispatchSemaphore(value: 0)
        override func sync() throws {
            if holdNext.exchange(false, ordering: .sequentiallyConsistent) {
                held.store(true, ordering: .sequentiallyConsistent)
                release.wait()  // the log's committer thread, not the cooperative pool
            }
            try inner.sync()
        }
    }

    /// Without the gate the erasure read the index before the ban was in it, and destroyed
    /// the key the ban had just been sealed under: the banned person then checked `clear`.
    @Test func aBanSealedWhileThePersonIsErasedIsNeitherErasedNorLost() async throws {
        let directory = TemporaryDirectory("erasure-gate"), vault = HeldSyncVault()
        let (ledger, admin) = try await vault.openLedger(directory.path)
        let steps = RecordedAgainAfterErasureTests.Steps(ledger: ledger, admin: admin)
        // Erasable: 张三's only record was revoked as a data error.
        _ = try await steps.erasablePenalty()

        vault.holdNext.store(true, ordering: .sequentiallyConsistent)
        let ban = Task { try await steps.append(RecordedAgainAfterErasureTests.ban(3)) }
        // Bounded, so a ban that fails before the sync fails the test instead of hanging it.
        for _ in 0..<60_000 where !vault.held.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(1)) }
        let reached = vault.held.load(ordering: .sequentiallyConsistent)
        try #require(reached, "the ban never reached the vault's sync")
        let erasure = Task { try await steps.eraseZhang() }
        try await Task.sleep(for: .milliseconds(100))
        vault.release.signal()
        let banSeq = try await ban.value
        // The erasure waited for the ban and then met its rule: a ban in force keeps the data.
        let refused = await #expect(throws: Refusal.self) { _ = try await erasure.value }
        #expect(refused?.slug == "erasure-live-ban", "\(String(describing: refused))")
        #expect(ledger.index.isBarredOrPending(RecordedAgainAfterErasureTests.zhangKey, today: LocalDate.today()))
        #expect(try !ledger.sealed.isErased(ledger.log.entry(at: banSeq)))
        try await ledger.close()
    }
}
