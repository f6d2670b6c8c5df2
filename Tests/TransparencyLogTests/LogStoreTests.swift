import Foundation
import LedgerCrypto
import Synchronization
import LedgerTestSupport
import Testing
@testable import TransparencyLog

@Suite struct LogStoreTests {
    @Test func createAppendReopen() async throws {
        let dir = TemporaryDirectory()
        let verifier = try TransparencyLog.create(directory: dir.path, origin: "test.example/log", signingKey: testSigningKey, entriesPerSegment: 64)
        let log = try TransparencyLog.open(directory: dir.path)
        #expect(log.size == 0)
        #expect(log.latestCheckpoint.checkpoint.rootHash == MerkleHashing.emptyRoot)

        // Concurrent appenders share batches; every receipt must check against its checkpoint.
        let receipts = try await withThrowingTaskGroup(of: AppendReceipt.self) { group in
            for i in 0..<300 { group.addTask { try await log.append(testEntry(i)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.seq)) == Set(0..<300))
        for receipt in receipts {
            let checkpoint = try Checkpoint.open(note: receipt.checkpoint.note, verifier: verifier)
            let proof = try log.inclusionProof(seq: receipt.seq, size: checkpoint.size)
            #expect(MerkleTree.verifyInclusion(leafHash: receipt.leafHash, index: receipt.seq, size: checkpoint.size, proof: proof, root: checkpoint.rootHash))
        }
        let byEntry = Dictionary(uniqueKeysWithValues: receipts.map { ($0.seq, $0.leafHash) })
        for seq in 0..<UInt64(300) {
            let entry = try log.entry(at: seq)
            #expect(MerkleHashing.leafHash(entry) == byEntry[seq])
        }
        let size = log.size
        let root = log.latestCheckpoint.checkpoint.rootHash
        try await log.close()

        let reopened = try TransparencyLog.open(directory: dir.path)
        #expect(reopened.recoveryReport.isClean)
        #expect(reopened.size == size)
        #expect(try reopened.rootHash(size: size) == root)
        let more = try await reopened.append(contentsOf: (300..<2000).map { testEntry($0) })
        #expect(more.first?.seq == 300 && more.last?.seq == 1999)
        let all = try reopened.entries(from: 0, count: 2000)
        for (i, entry) in all.enumerated() where MerkleHashing.leafHash(entry) != MerkleHashing.leafHash(testEntry(i)) && i >= 300 {
            Issue.record("entry \(i) differs")
        }
        let oldRoot = try reopened.rootHash(size: 300)
        let proof = try reopened.consistencyProof(from: 300, to: 2000)
        #expect(MerkleTree.verifyConsistency(from: 300, to: 2000, fromRoot: oldRoot, toRoot: reopened.latestCheckpoint.checkpoint.rootHash, proof: proof))

        // A second writer is refused while the first holds the lock; readers are welcome.
        #expect(throws: LogError.locked(dir.path)) { try TransparencyLog.open(directory: dir.path) }
        let reader = try TransparencyLog.openReadOnly(directory: dir.path)
        #expect(reader.size == 2000)
        #expect(try reader.entry(at: 1234) == testEntry(1234))
        let live = LogVerifier.verify(directory: dir.path)
        #expect(live.isValid, "\(live.problems)")
        #expect(live.entries == 2000)
        try await reopened.close()
        let closed = LogVerifier.verify(directory: dir.path)
        #expect(closed.isValid && closed.warnings.isEmpty, "\(closed.problems) \(closed.warnings)")
    }

    /// A new log at `dir` (64 entries a segment) holding `testEntry(0..<entries)`, appended
    /// `batch` at a time (one checkpoint each); open for writing.
    static func makeLog(_ dir: TemporaryDirectory, entries: Int, batch: Int) async throws -> TransparencyLog {
        _ = try TransparencyLog.create(directory: dir.path, origin: "test.example/log", signingKey: testSigningKey, entriesPerSegment: 64)
        let log = try TransparencyLog.open(directory: dir.path)
        for start in stride(from: 0, to: entries, by: batch) { _ = try await log.append(contentsOf: (start..<(start + batch)).map { testEntry($0) }) }
        return log
    }

    /// A copy made as docs/operations.md "Backup" says (log.json, the key and segments/, no
    /// caches) opens for writing with every entry and checkpoint, and verifies after.
    @Test func aBackupWithoutItsCachesOpensAndRebuildsThem() async throws {
        let dir = TemporaryDirectory()
        let log = try await Self.makeLog(dir, entries: 300, batch: 30)
        let latest = log.latestCheckpoint
        let checkpoints = log.checkpointCount
        try await log.close()

        let copy = TemporaryDirectory("backup")
        try FileManager.default.createDirectory(atPath: copy.path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for item in ["log.json", "signing-key.pem", "segments"] { try FileManager.default.copyItem(atPath: dir.path + "/" + item, toPath: copy.path + "/" + item) }

        let restored = try TransparencyLog.open(directory: copy.path)
        #expect(restored.size == 300)
        #expect(restored.latestCheckpoint == latest)
        #expect(restored.checkpointCount == checkpoints)
        #expect(try restored.entries(from: 0, count: 300) == (0..<300).map { testEntry($0) })
        let proof = try restored.inclusionProof(seq: 123, size: 300)
        #expect(MerkleTree.verifyInclusion(leafHash: MerkleHashing.leafHash(testEntry(123)), index: 123, size: 300, proof: proof,
                                           root: latest.checkpoint.rootHash))
        #expect(try await restored.append(testEntry(300)).seq == 300)
        try await restored.close()
        let verified = LogVerifier.verify(directory: copy.path)
        #expect(verified.isValid && verified.warnings.isEmpty, "\(verified.problems) \(verified.warnings)")
    }

    /// Replacing the key in log.json and signing-key.pem (a rotation in place, which
    /// docs/operations.md "Key rotation" says not to do) is refused at open, and verify names
    /// the key, not a crash's leftovers.
    @Test func aLogWhoseKeyWasReplacedIsRefusedAndVerifyNamesTheKey() async throws {
        let dir = TemporaryDirectory()
        try await Self.makeLog(dir, entries: 40, batch: 10).close()

        let other = Ed25519PrivateKey()
        let config = dir.path + "/log.json"
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: Base64.encode(testSigningKey.publicKey.rawRepresentation), with: Base64.encode(other.publicKey.rawRepresentation))
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        try other.pemRepresentation.write(toFile: dir.path + "/signing-key.pem", atomically: true, encoding: .utf8)

        #expect(throws: LogError.self) { try TransparencyLog.open(directory: dir.path) }
        let report = LogVerifier.verify(directory: dir.path)
        #expect(!report.isValid)
        #expect(report.problems.contains { $0.message.contains("verifies under the origin and public key in log.json") }, "\(report.problems)")
        #expect(report.warnings.isEmpty, "\(report.warnings)")
    }

    @Test func oversizedEntryIsRefused() async throws {
        let dir = TemporaryDirectory()
        try TransparencyLog.create(directory: dir.path, origin: "test.example/log", signingKey: testSigningKey)
        let log = try TransparencyLog.open(directory: dir.path)
        await #expect(throws: LogError.entryTooLarge(size: 65_536, limit: 65_535)) {
            try await log.append([UInt8](repeating: 1, count: 65_536))
        }
        let receipt = try await log.append([UInt8](repeating: 1, count: 65_535))
        #expect(try log.entry(at: receipt.seq).count == 65_535)
        try await log.close()
    }
}

/// Readers take the latest checkpoint and then ask for proofs at its size while appends
/// commit: the log must never be smaller than a checkpoint it has published.
@Suite struct PublishOrderTests {
    @Test func theLatestCheckpointNeverRunsAheadOfTheSize() async throws {
        let dir = TemporaryDirectory()
        try TransparencyLog.create(directory: dir.path, origin: "test.example/log", signingKey: testSigningKey)
        let log = try TransparencyLog.open(directory: dir.path)
        let shared = ReaderState()
        // A thread of its own, so it spins through the publishes whatever the pool is doing;
        // for 3 s at most, so that in a busy suite, where the appends may wait on the pool, it
        // does not hold a core all the while. (Alone, with the old publish order, it saw the
        // checkpoint ahead of the size about 100 times in the ~0.2 s the appends take.)
        let reader = Thread {
            var reads = 0, ahead = 0
            let deadline = ContinuousClock.now + .seconds(3)
            while (!shared.done.load(ordering: .acquiring) && ContinuousClock.now < deadline) || reads == 0 {
                let size = log.latestCheckpoint.checkpoint.size
                if size > log.size { ahead += 1 }
                if size > 0, (try? log.inclusionProof(seq: size - 1, size: size)) == nil { ahead += 1 }
                reads += 1
            }
            shared.result.withLock { $0 = (reads, ahead) }
        }
        reader.start()
        for batch in 0..<400 {
            _ = try await log.append(contentsOf: (0..<5).map { testEntry(batch * 5 + $0) })
        }
        shared.done.store(true, ordering: .releasing)
        while shared.result.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(5)) }
        let (reads, ahead) = shared.result.withLock { $0 }!
        #expect(reads > 0)
        #expect(ahead == 0, "a checkpoint larger than the log was visible \(ahead) times in \(reads) reads")
        try await log.close()
    }
}

private final class ReaderState: Sendable {
    let done = Atomic<Bool>(false)
    let result = Mutex<(Int, Int)?>(nil)
}
