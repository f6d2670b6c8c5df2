import BackgroundIndex
import CreditRecords
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Synchronization
import Testing
@testable import LedgerCore

/// The index catch-up after a group commit (IndexFeeder.underWay): whoever catches up first
/// applies its batch-mates from the envelopes their appends filed, not by opening each
/// again through the vault.
@Suite(.serialized) struct IndexCatchUpTests {
    /// A memory vault that counts opens.
    final class CountingVault: DelegatingVault, @unchecked Sendable {
        let opens = Atomic<Int>(0)
        override func open(_ commitment: Digest32) throws -> [UInt8]? {
            opens.add(1, ordering: .relaxed)
            return try inner.open(commitment)
        }
    }

    /// A valid resident ID number, distinct for each `n` below 1000.
    static func residentID(_ n: Int) -> String {
        let first17 = "33030419900101" + String(format: "%03d", n)
        return first17 + String(ResidentID.checkCharacter(for: first17)!)
    }

    @Test func concurrentAppendsAreIndexedWithoutOpeningThemAgain() async throws {
        let directory = TemporaryDirectory("catch-up"), vault = CountingVault()
        let (ledger, admin) = try await vault.openLedger(directory.path)
        let people = (0..<64).map { PersonKey(idType: .residentId, number: Self.residentID($0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, person) in people.enumerated() {
                group.addTask {
                    let record = Fixtures.personalPenalty(n, person: ["name": "张三", "idType": "resident_id", "idNumber": .string(person.number)])
                    _ = try await ledger.appendRecord(try CanonicalJSON.encode(record), principal: admin, logger: ledger.logger)
                }
            }
            try await group.waitForAll()
        }
        #expect(ledger.log.size == UInt64(people.count))
        for person in people { #expect(ledger.index.status(of: person, today: LocalDate.today()) == .recordsFound, "\(person.number)") }
        #expect(vault.opens.load(ordering: .relaxed) == 0, "batch-mates were opened again through the vault")
        #expect(ledger.indexFeeder.underWayCount == 0)
        try await ledger.close()
    }
}
