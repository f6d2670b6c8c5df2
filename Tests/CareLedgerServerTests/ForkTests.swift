import CreditRecords
import Foundation
import LedgerCrypto
import Testing
import TransparencyLog
@testable import LedgerCore

/// Issue 17, part 7: the records log's latest checkpoint kept outside the data directory; a
/// restored backup is refused at start, a second writer is frozen at its first append, and a
/// client that remembers a checkpoint catches a fork.
@Suite struct ForkTests {
    static func open(_ data: String, witness: String) async throws -> Ledger {
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = data
        configuration.checkpointWitness = witness
        return try await Ledger.open(configuration: configuration)
    }

    static func append(_ ledger: Ledger, _ n: Int) async throws {
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        _ = try await ledger.appendRecord(Fixtures.bytes(Fixtures.penalty(n)), principal: admin, logger: ledger.logger)
    }

    @Test func aRestoredBackupIsRefusedAndASecondWriterIsFrozen() async throws {
        let root = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data", backup = root + "/backup", twin = root + "/twin", witness = root + "/witness/records.checkpoint"

        var ledger = try await Self.open(data, witness: witness)
        try await Self.append(ledger, 1)
        try await ledger.close()
        try FileManager.default.copyItem(atPath: data, toPath: backup)
        ledger = try await Self.open(data, witness: witness)
        try await Self.append(ledger, 2)
        try await ledger.close()

        // The backup lost seq 1, which was acknowledged: it does not start.
        do {
            _ = try await Self.open(backup, witness: witness)
            Issue.record("a log behind its witness was opened")
        } catch let refused as CheckpointWitness.Refused {
            #expect(refused.description.contains("behind the checkpoint witness"))
        }

        // Two writers from one state: the first append wins, the second is not acknowledged
        // and its log is frozen.
        try FileManager.default.copyItem(atPath: data, toPath: twin)
        let first = try await Self.open(data, witness: witness)
        let second = try await Self.open(twin, witness: witness)
        try await Self.append(first, 3)
        let refusal = await LedgerUseCaseTests.refusal { try await Self.append(second, 4) }
        #expect(refusal?.kind == .unavailable)
        #expect(second.witness?.isFrozen == true)
        let again = await LedgerUseCaseTests.refusal { try await Self.append(second, 5) }
        #expect(again?.detail.contains("frozen") == true)
        // Refused before signing: the second log never grew a diverging seq 2.
        #expect(second.log.size == 2)
        try await first.close()
        try await second.close()
        // It is now behind the witness, and does not start.
        do {
            _ = try await Self.open(twin, witness: witness)
            Issue.record("a log behind its witness was opened")
        } catch let refused as CheckpointWitness.Refused {
            #expect(refused.description.contains("behind the checkpoint witness"))
        }
    }

    @Test func theWitnessMustBeOutsideTheDataDirectory() async throws {
        let root = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        await #expect(throws: CheckpointWitness.Refused.self) { _ = try await Self.open(root + "/data", witness: root + "/data/witness") }
    }

    @Test func aClientRemembersTheCheckpointAndCatchesAFork() async throws {
        let root = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ledger = try await Self.open(root + "/data", witness: root + "/witness")
        let memory = CheckpointMemory(directory: root + "/client")
        let verifier = ledger.log.verifier
        func proof(_ from: UInt64, _ to: UInt64) throws -> [Digest32] { try ledger.log.consistencyProof(from: from, to: to) }
        let start = ledger.log.latestCheckpoint
        #expect(try await memory.reconcile(note: start.note, checkpoint: start.checkpoint, verifier: verifier, proof: proof) == .first)
        try await Self.append(ledger, 1)
        try await Self.append(ledger, 2)
        let later = ledger.log.latestCheckpoint
        #expect(try await memory.reconcile(note: later.note, checkpoint: later.checkpoint, verifier: verifier, proof: proof) == .extended(from: 0))
        #expect(try await memory.reconcile(note: later.note, checkpoint: later.checkpoint, verifier: verifier, proof: proof) == .same)

        // A checkpoint of the same size with another root, signed by the same key: a fork.
        let key = try Ed25519PrivateKey(pemRepresentation: String(decoding: try #require(FileManager.default.contents(atPath: root + "/data/records/signing-key.pem")), as: UTF8.self))
        let forged = Checkpoint(origin: later.checkpoint.origin, size: later.checkpoint.size, rootHash: Digest32.zero)
        let note = try forged.signed(by: try NoteSigner(name: later.checkpoint.origin, privateKey: key))
        await #expect(throws: CheckpointMemory.Fork.self) {
            _ = try await memory.reconcile(note: note, checkpoint: forged, verifier: verifier, proof: proof)
        }
        try await ledger.close()
    }
}
