import BackgroundIndex
import CreditRecords
import Foundation
import PersonalVault
import ServiceLifecycle
import Testing
@testable import LedgerCore

/// The index snapshot is written by a swift-service-lifecycle service beside the server,
/// once enough entries were applied, and the service stops on graceful shutdown.
@Suite struct IndexSnapshotServiceTests {
    @Test(.timeLimit(.minutes(10))) func theServiceWritesASnapshotOnceEnoughEntriesWereApplied() async throws {
        let directory = NSTemporaryDirectory() + "careledger-snapshot-service-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory
        configuration.indexSnapshotInterval = 4
        let ledger = try await Ledger.open(configuration: configuration)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))

        let group = ServiceGroup(services: [IndexSnapshotService(ledger: ledger)], logger: ledger.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // The start-up rebuild (no snapshot yet) asks for one at size 0.
            try await Self.waitFor { Self.snapshotSize(ledger) == 0 }
            // Four or more entries since the last snapshot, and the service writes one. (An
            // append while a snapshot is being written asks for none, so keep appending.)
            var n = 0
            try await Self.waitFor {
                n += 1
                _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.penalty(7000 + n)), principal: admin, logger: ledger.logger)
                return (Self.snapshotSize(ledger) ?? 0) >= 4
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await ledger.close()
        // The final snapshot, written at close, covers every entry.
        #expect(Self.snapshotSize(ledger) == ledger.log.size)
    }

    /// The same service keeps the file vault's open index fresh while it runs, so a start
    /// after a crash (no close) reads it instead of scanning the whole vault.
    @Test(.timeLimit(.minutes(10))) func theServiceRefreshesTheVaultsOpenIndexWhileRunning() async throws {
        let directory = NSTemporaryDirectory() + "careledger-vault-index-service-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keys = VaultKeys.generate()
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory
        configuration.indexSnapshotInterval = 4
        configuration.vaultIndexMinimumTail = 4
        configuration.openVault = { try FileVault.open(directory: $0 + "/vault", keys: keys) }
        let ledger = try await Ledger.open(configuration: configuration)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let vault = try #require(ledger.vault as? FileVault)
        let group = ServiceGroup(services: [IndexSnapshotService(ledger: ledger)], logger: ledger.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var n = 0
            try await Self.waitFor {
                n += 1
                _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.personalPenalty(8000 + n)), principal: admin, logger: ledger.logger)
                return vault.openIndexCoveredRecords >= 4
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // Written by the service, not by a close: this ledger is never closed (a crash).
        #expect(FileManager.default.fileExists(atPath: directory + "/vault/index"))
        let reopened = try FileVault.open(directory: directory + "/vault", keys: keys)
        #expect(reopened.openIndexCoveredRecords >= 4)
    }

    /// The size the snapshot on disk covers, if it loads against this log (people keyed by
    /// the ledger's vault, as the service keys them).
    static func snapshotSize(_ ledger: Ledger) -> UInt64? {
        BackgroundIndex.loadSnapshot(from: ledger.data.indexSnapshot, keying: IndexSnapshots.keying(ledger.vault),
                                     rootAt: { try? ledger.log.rootHash(size: $0) }).index?.size
    }

    /// Polls until `condition` holds. No deadline of its own: it typically takes milliseconds,
    /// but `swift test` runs it beside suites that hold both cooperative threads while they
    /// wait for child processes, which can starve it for minutes; the test's time limit bounds it.
    static func waitFor(_ condition: () async throws -> Bool) async throws {
        while try await !condition() {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
