import Foundation
import Testing
import TransparencyLog
@testable import LedgerCore

/// Issue 17, part 7: "the writer refuses to sign a checkpoint that does not extend" the
/// checkpoint witness. A restored backup opened beside the live log (both agreeing with the
/// witness at start) and appended to after the live log moved the witness on is refused
/// before the log signs or writes anything: its directory holds no new checkpoint after.
@Suite struct WitnessBeforeSigningTests {
    @Test func anAppendToARestoredBackupIsRefusedBeforeAnyCheckpointIsWritten() async throws {
        let root = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data", backup = root + "/backup", witness = root + "/witness/records.checkpoint"

        var ledger = try await ForkTests.open(data, witness: witness)
        try await ForkTests.append(ledger, 1)
        try await ledger.close()
        try FileManager.default.copyItem(atPath: data, toPath: backup)
        let onDisk = try Self.state(backup)

        ledger = try await ForkTests.open(data, witness: witness)
        let restored = try await ForkTests.open(backup, witness: witness)
        try await ForkTests.append(ledger, 2)
        let stored = try #require(try FileCheckpointStore(path: witness).load())

        let refusal = await LedgerUseCaseTests.refusal { try await ForkTests.append(restored, 3) }
        #expect(refusal?.kind == .unavailable)
        #expect(refusal?.detail.contains("frozen") == true)
        #expect(restored.witness?.isFrozen == true)
        // Nothing signed or published in the restored log, nothing moved in the witness.
        #expect(restored.log.size == onDisk.size)
        #expect(restored.log.latestCheckpoint.note == onDisk.note)
        #expect(try FileCheckpointStore(path: witness).load() == stored)
        try await restored.close()
        try await ledger.close()

        // On disk too: the backup's log still ends where it did, with the same checkpoint.
        let after = try Self.state(backup)
        #expect(after.size == onDisk.size)
        #expect(after.note == onDisk.note)
        let checkpointFile = try String(contentsOfFile: backup + "/records/checkpoint", encoding: .utf8)
        #expect(checkpointFile == onDisk.note)
    }

    /// The records log's size and latest checkpoint as a reader finds them on disk.
    static func state(_ data: String) throws -> (size: UInt64, note: String) {
        let log = try TransparencyLog.openReadOnly(directory: data + "/records")
        return (log.size, log.latestCheckpoint.note)
    }
}
