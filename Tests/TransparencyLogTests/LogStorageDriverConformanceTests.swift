import Foundation
import LedgerCrypto
import LedgerTestSupport
import Synchronization
import Testing
@testable import TransparencyLog

/// What every `LogStorageDriver` must do, run on the files and on the in-memory driver (and
/// on a PostgreSQL one when it comes): a log on any of them must read back what it was
/// given, agree with a Merkle tree built from the entries alone, never show a checkpoint
/// before its batch, and lose nothing but a failed batch.
@Suite struct LogStorageDriverConformanceTests {
    /// Single appends, concurrent appends and one long batch (it crosses segments and the
    /// 1,024-entry chunking) come back as given, with checkpoints that verify; a restart
    /// recovers the same log and goes on from there.
    @Test(arguments: StorageKind.allCases) func commitThenReadBack(_ kind: StorageKind) async throws {
        let storage = try StorageUnderTest(kind)
        let log = try storage.openWriter()
        var expected = [[UInt8]]()
        for i in 0..<10 {
            let receipt = try await log.append(testEntry(i))
            #expect(receipt.seq == UInt64(i))
            expected.append(testEntry(i))
        }
        let concurrent = try await withThrowingTaskGroup(of: AppendReceipt.self) { group in
            for i in 10..<110 { group.addTask { try await log.append(testEntry(i)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(concurrent.map(\.seq)) == Set(10..<110))
        var bySeq = [UInt64: [UInt8]]()
        for receipt in concurrent {
            let i = Int(receipt.seq)
            let checkpoint = try Checkpoint.open(note: receipt.checkpoint.note, verifier: storage.verifier)
            #expect(checkpoint.size > receipt.seq)
            let proof = try log.inclusionProof(seq: receipt.seq, size: checkpoint.size)
            #expect(MerkleTree.verifyInclusion(leafHash: receipt.leafHash, index: receipt.seq, size: checkpoint.size, proof: proof, root: checkpoint.rootHash))
            bySeq[receipt.seq] = try log.entry(at: receipt.seq)
            #expect(receipt.leafHash == MerkleHashing.leafHash(bySeq[receipt.seq]!), "seq \(i)")
        }
        expected += (10..<110).map { bySeq[UInt64($0)]! }
        let long = (0..<1500).map { testEntry(1000 + $0) }
        let receipts = try await log.append(contentsOf: long)
        #expect(receipts.map(\.seq) == Array(110..<1610))
        expected += long

        #expect(log.size == 1610)
        #expect(try log.entries(from: 0, count: expected.count) == expected)
        for seq in stride(from: 0, to: expected.count, by: 97) {
            #expect(try log.entry(at: UInt64(seq)) == expected[seq])
            #expect(try log.leafHash(at: UInt64(seq)) == MerkleHashing.leafHash(expected[seq]))
        }
        #expect(throws: LogError.seqOutOfRange(seq: 1610, size: 1610)) { try log.entry(at: 1610) }
        try Self.expectCheckpoints(of: log, verifier: storage.verifier)
        let root = log.latestCheckpoint.checkpoint.rootHash
        #expect(root == ExpectedLog(entries: expected).tree.root)
        try await log.close()

        let reopened = try storage.openWriter()
        #expect(reopened.recoveryReport.isClean)
        #expect(reopened.size == 1610)
        #expect(reopened.latestCheckpoint.checkpoint.rootHash == root)
        #expect(try await reopened.append([1, 2, 3]).seq == 1610)
        #expect(try reopened.entry(at: 1610) == [1, 2, 3])
        try await reopened.close()
    }

    /// Every complete node, hash tile, entry bundle and proof of the stored tree, at every
    /// checkpointed size, equals what a tree built from the entries alone gives.
    @Test(arguments: StorageKind.allCases) func nodesTilesAndProofsAgreeWithTheTree(_ kind: StorageKind) async throws {
        let storage = try StorageUnderTest(kind)
        let log = try storage.openWriter()
        var entries = [[UInt8]]()
        // Batch lengths that end inside, at and across tile and segment edges.
        for count in [7, 249, 1, 255, 256, 1, 64, 480, 1] {
            let batch = (entries.count..<entries.count + count).map { testEntry($0) }
            _ = try await log.append(contentsOf: batch)
            entries += batch
        }
        let tree = ExpectedLog(entries: entries).tree
        let size = UInt64(entries.count)
        #expect(log.size == size)

        for level in 0...11 {
            for index in 0..<(size >> UInt64(level)) {
                let want = try tree.node(level: level, index: index)
                #expect(try log.driver.node(level: level, index: index) == want, "node(\(level), \(index))")
                #expect(try log.tree().node(level: level, index: index) == want)
            }
        }
        #expect(throws: (any Error).self) { try log.driver.node(level: 3, index: size >> 3) }

        let sizes = (0..<log.checkpointCount).map { try! log.checkpoint(number: $0).checkpoint.size }
        #expect(sizes.count == 10 && sizes.last == size)
        for s in sizes where s > 0 {
            #expect(try log.rootHash(size: s) == MerkleTree.root(size: s, nodes: tree))
            for tile in Tiles.tiles(forTreeSize: s) {
                #expect(try log.hashTile(tile, treeSize: s) == Tiles.hashTile(tile, treeSize: s, nodes: tree), "\(tile.path) at \(s)")
            }
            for tile in Tiles.entryBundles(forTreeSize: s) {
                let want = try Tiles.entryBundle(tile, treeSize: s) { first, count in Array(entries[Int(first)..<Int(first) + count]) }
                #expect(try log.entryBundle(tile, treeSize: s) == want, "\(tile.path) at \(s)")
            }
            for seq in [0, s / 2, s - 1] {
                let proof = try log.inclusionProof(seq: seq, size: s)
                #expect(proof == (try MerkleTree.inclusionProof(index: seq, size: s, nodes: tree)))
            }
            let consistency = try log.consistencyProof(from: s, to: size)
            #expect(MerkleTree.verifyConsistency(from: s, to: size, fromRoot: try MerkleTree.root(size: s, nodes: tree),
                                                 toRoot: tree.root, proof: consistency))
        }
        // The serving rule: a partial tile of a size the log has passed is still served.
        let partial = try TilePath.hash(level: 0, index: 0, width: 7)
        #expect(try log.hashTile(partial) == Tiles.hashTile(partial, treeSize: 7, nodes: tree))
        #expect(throws: TileError.self) { try log.hashTile(TilePath.hash(level: 1, index: 0, width: 6)) }
        try await log.close()
    }

    /// Publication order: inside the driver's commit, before and after the batch is
    /// durable, the log still shows the previous size and checkpoint; meanwhile readers on
    /// other tasks never get a checkpoint whose entries, root or tiles they cannot read.
    @Test(arguments: StorageKind.allCases) func checkpointIsNeverVisibleBeforeItsBatch(_ kind: StorageKind) async throws {
        let storage = try StorageUnderTest(kind)
        let watched = Mutex<WatchedDriver?>(nil)
        let log = try storage.openWriter { driver in
            let w = WatchedDriver(driver)
            watched.withLock { $0 = w }
            return w
        }
        let early = Mutex([String]())
        watched.withLock { $0 }!.onCommit { [log] batch, durable in
            if log.size != batch.firstSeq || log.latestCheckpoint.checkpoint.size != batch.firstSeq {
                early.withLock { $0.append("batch \(batch.firstSeq)..<\(batch.endSeq) visible \(durable ? "before publication" : "before its commit")") }
            }
        }
        let done = Flag()
        let readerProblems = try await withThrowingTaskGroup(of: [String].self) { group in
            for reader in 0..<2 {
                group.addTask {
                    var problems = [String](), rounds = 0
                    while !done.isSet || rounds == 0 {
                        rounds += 1
                        let checkpoint = log.latestCheckpoint.checkpoint
                        let size = log.size
                        if size < checkpoint.size { problems.append("reader \(reader): checkpoint \(checkpoint.size) beside size \(size)") }
                        guard checkpoint.size > 0 else { await Task.yield(); continue }
                        do {
                            _ = try log.entry(at: checkpoint.size - 1)
                            if try log.rootHash(size: checkpoint.size) != checkpoint.rootHash { problems.append("root of \(checkpoint.size) differs") }
                            let last = try log.checkpoint(number: log.checkpointCount - 1).checkpoint
                            _ = try log.entry(at: last.size - 1)
                            let bundle = try TilePath.entries(index: (last.size - 1) / 256, width: Int((last.size - 1) % 256) + 1)
                            _ = try log.entryBundle(bundle, treeSize: last.size)
                        } catch {
                            problems.append("reader \(reader) at checkpoint \(checkpoint.size): \(error)")
                        }
                        await Task.yield()
                    }
                    return problems
                }
            }
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { writers in
                    for w in 0..<4 {
                        writers.addTask { for i in 0..<150 { _ = try await log.append(testEntry(w * 1000 + i)) } }
                    }
                    try await writers.waitForAll()
                }
                done.set()
                return []
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(log.size == 600)
        let seenEarly = early.withLock { $0 }
        #expect(seenEarly.count == 0, "\(seenEarly.prefix(5))")
        #expect(readerProblems.count == 0, "\(readerProblems.prefix(5))")
        try await log.close()
    }

    /// A failed commit fails its appenders and leaves nothing: the next batch takes the
    /// same seqs, no checkpoint ever covers the failed entries, and a restart agrees.
    @Test(arguments: StorageKind.allCases) func failedCommitLeavesNothing(_ kind: StorageKind) async throws {
        let storage = try StorageUnderTest(kind)
        let log = try storage.openWriter()
        let first = (0..<20).map { testEntry($0) }
        _ = try await log.append(contentsOf: first)
        let before = log.latestCheckpoint
        storage.failNextCommit()
        await #expect(throws: (any Error).self) { try await log.append(contentsOf: [[9, 9, 9], [8, 8]]) }
        #expect(log.size == 20)
        #expect(log.latestCheckpoint == before)
        let receipt = try await log.append([7, 7])
        #expect(receipt.seq == 20)
        #expect(try log.entries(from: 0, count: 21) == first + [[7, 7]])
        try Self.expectCheckpoints(of: log, verifier: storage.verifier)
        try await log.close()

        let reopened = try storage.openWriter()
        #expect(reopened.size == 21)
        #expect(try reopened.entry(at: 20) == [7, 7])
        try Self.expectCheckpoints(of: reopened, verifier: storage.verifier)
        try await reopened.close()
    }

    /// A reader opened on the same storage sees what was committed when it opened, and
    /// more after `refresh()`.
    @Test(arguments: StorageKind.allCases) func readerBesideTheWriter(_ kind: StorageKind) async throws {
        let storage = try StorageUnderTest(kind)
        let log = try storage.openWriter()
        _ = try await log.append(contentsOf: (0..<30).map { testEntry($0) })
        let reader = try storage.openReader()
        #expect(reader.size == 30)
        _ = try await log.append(contentsOf: (30..<50).map { testEntry($0) })
        #expect(reader.size == 30)
        #expect(throws: LogError.seqOutOfRange(seq: 30, size: 30)) { try reader.entry(at: 30) }
        try reader.refresh()
        #expect(reader.size == 50)
        #expect(try reader.entries(from: 0, count: 50) == (0..<50).map { testEntry($0) })
        #expect(reader.latestCheckpoint == log.latestCheckpoint)
        await #expect(throws: LogError.self) { try await reader.append([1]) }
        try await log.close()
    }

    /// Files only (a database transaction commits whole, so there is nothing torn to find):
    /// garbage after the last checkpoint, then a batch whose checkpoint frame is torn, are
    /// cut at open; the acknowledged log is intact and goes on.
    @Test func fileDriverRecoversFromATornTail() async throws {
        let storage = try StorageUnderTest(.files, entriesPerSegment: 1 << 15)
        var log = try storage.openWriter()
        let entries = (0..<40).map { testEntry($0) }
        _ = try await log.append(contentsOf: Array(entries[0..<25]))
        let acknowledged = log.latestCheckpoint
        _ = try await log.append(contentsOf: Array(entries[25...]))
        try await log.close()
        let segment = LogLayout(directory: storage.path).segment(0)

        // 1. A torn write past the last checkpoint: cut, nothing lost.
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data([0x01, 0xF4] + [UInt8](repeating: 0xAB, count: 35)))
        try handle.close()
        log = try storage.openWriter()
        #expect(log.recoveryReport.cutBytes == 37)
        #expect(log.recoveryReport.cutEntries == 0)
        #expect(log.size == 40)
        try await log.close()

        // 2. The last batch's checkpoint frame torn (a crash before it was whole): the batch
        // was never acknowledged, so all 15 of its entries go. Such a crash leaves neither
        // cache-state nor the `checkpoint` copy covering the batch (both follow its fsync),
        // so they go too: recovery then replays the segment from the start.
        #expect(truncate(segment, Int(fileSize(segment)!) - 1) == 0)
        for file in ["cache-state", "checkpoint"] { try FileManager.default.removeItem(atPath: storage.path + "/" + file) }
        log = try storage.openWriter()
        #expect(log.recoveryReport.cutEntries == 15)
        #expect(log.size == 25)
        #expect(log.latestCheckpoint == acknowledged)
        #expect(try log.entries(from: 0, count: 25) == Array(entries[0..<25]))
        #expect(try await log.append([5]).seq == 25)
        try await log.close()
        let verified = LogVerifier.verify(directory: storage.path)
        #expect(verified.isValid, "\(verified.problems)")
    }

    /// Checkpoints are kept oldest first with growing sizes; each verifies, matches the
    /// tree at its size and is found again by its size.
    static func expectCheckpoints(of log: TransparencyLog, verifier: NoteVerifier) throws {
        let count = log.checkpointCount
        #expect(count >= 2)
        var previous: UInt64?
        for number in 0..<count {
            let signed = try log.checkpoint(number: number)
            let checkpoint = try Checkpoint.open(note: signed.note, verifier: verifier)
            #expect(checkpoint == signed.checkpoint)
            #expect(log.driver.checkpointSize(number: number) == checkpoint.size)
            if let previous { #expect(checkpoint.size > previous) } else { #expect(checkpoint.size == 0) }
            previous = checkpoint.size
            #expect(try log.rootHash(size: checkpoint.size) == checkpoint.rootHash)
            #expect(try log.checkpoint(size: checkpoint.size) == signed)
        }
        #expect(previous == log.size)
        #expect(try log.checkpoint(number: count - 1) == log.latestCheckpoint)
    }
}

/// A flag tasks share: set once by the writers, polled by the readers.
final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
