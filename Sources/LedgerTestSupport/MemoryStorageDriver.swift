import LedgerCrypto
import Synchronization
import TransparencyLog

/// A `LogStorageDriver` held in memory, shaped like the PostgreSQL driver the architecture
/// sketches: a batch lands as one transaction (all of it, with its checkpoint row, or
/// nothing), entries are rows by seq, and of the tree only the hash-tile levels (0, 8, 16,
/// …) are kept, "tiles as rows"; other levels are recomputed from the tile level below, and
/// hash tiles are served straight from the kept rows. It proves the seam: the conformance
/// suite runs the same tests on it and on the files.
///
/// The object is the database: it outlives the `TransparencyLog`s opened on it, so a test
/// "restarts" by opening another one. `failNextCommit` aborts a transaction on purpose.
public final class MemoryStorageDriver: LogStorageDriver, Sendable {
    public let origin: String
    public let verifier: NoteVerifier

    private struct Tables {
        var entries: [[UInt8]] = []
        /// levels[k] holds the complete nodes of tree level 8·k, by index.
        var levels: [[Digest32]] = [[]]
        var checkpoints: [SignedCheckpoint] = []
        /// The "tree state" row: what the last committed batch left.
        var head: LogHead
        var commitFailure: (any Error)?
        var commits = 0
    }

    private let tables: Mutex<Tables>

    private init(origin: String, verifier: NoteVerifier, empty: LogHead) {
        self.origin = origin
        self.verifier = verifier
        tables = Mutex(Tables(checkpoints: [empty.checkpoint], head: empty))
    }

    /// A new, empty log: the signed checkpoint of size 0 is its first row.
    public static func create(origin: String, signingKey: Ed25519PrivateKey) throws -> MemoryStorageDriver {
        let signer = try NoteSigner(name: origin, privateKey: signingKey)
        let checkpoint = Checkpoint(origin: origin, size: 0, rootHash: MerkleHashing.emptyRoot)
        let empty = LogHead(frontier: MerkleFrontier(), chain: .zero,
                            checkpoint: SignedCheckpoint(note: try checkpoint.signed(by: signer), checkpoint: checkpoint))
        return MemoryStorageDriver(origin: origin, verifier: signer.verifier, empty: empty)
    }

    /// The next commit throws `error` and changes nothing: an aborted transaction.
    public func failNextCommit(_ error: any Error) {
        tables.withLock { $0.commitFailure = error }
    }

    /// Batches committed so far (one transaction each).
    public var commitCount: Int { tables.withLock { $0.commits } }

    package var capacity: UInt64 { UInt64(Int.max) }
    package func storesNodes(atLevel level: Int) -> Bool { level % Tiles.height == 0 }
    package var idleInterval: Duration { .seconds(1) }

    // MARK: recovery: a transaction commits whole, so there is never a tail to cut

    package func recover() throws -> (LogHead, RecoveryReport) {
        (tables.withLock { $0.head }, RecoveryReport())
    }

    // MARK: the append side

    package func reloadIfNeeded() throws -> LogHead? { nil }

    package func commit(_ batch: LogBatch) throws {
        try tables.withLock { t in
            if let failure = t.commitFailure {
                t.commitFailure = nil
                throw failure
            }
            // Sequencing is the committer's: a batch must continue the log exactly (the
            // primary key on seq would refuse a gap or an overlap).
            guard batch.firstSeq == UInt64(t.entries.count), batch.firstSeq == t.head.size,
                  batch.head.size == batch.endSeq, batch.chainHashes.count == batch.entries.count else {
                throw LogError.invalidArgument("batch from \(batch.firstSeq) does not continue a log of \(t.entries.count) entries")
            }
            var levels = t.levels
            for run in batch.nodes {
                let k = run.level / Tiles.height
                while levels.count <= k { levels.append([]) }
                guard run.firstIndex == UInt64(levels[k].count) else {
                    throw LogError.invalidArgument("nodes of level \(run.level) from \(run.firstIndex) leave a gap")
                }
                for i in 0..<run.count { levels[k].append(run.hash(i)) }
            }
            // Everything at once, under the lock readers take: the checkpoint row is never
            // seen without its entries.
            t.levels = levels
            t.entries += batch.entries.map(\.bytes)
            t.checkpoints.append(batch.head.checkpoint)
            t.head = batch.head
            t.commits += 1
        }
    }

    package func didPublish(_ head: LogHead) {}
    package func idle() {}
    package func close() throws {}

    // MARK: readers

    package func entries(from first: UInt64, count: Int) throws -> [[UInt8]] {
        try tables.withLock { t in
            guard count > 0 else { return [] }
            guard first < UInt64(t.entries.count), UInt64(count) <= UInt64(t.entries.count) - first else {
                throw LogError.seqOutOfRange(seq: first &+ UInt64(count) &- 1, size: UInt64(t.entries.count))
            }
            let range = Int(first)..<Int(first) + count
            for seq in range where MerkleHashing.leafHash(t.entries[seq]) != t.levels[0][seq] {
                throw LogError.corrupt("entry \(seq) does not match its leaf hash")
            }
            return Array(t.entries[range])
        }
    }

    package func leafHash(at seq: UInt64) throws -> Digest32 {
        try node(level: 0, index: seq)
    }

    package func node(level: Int, index: UInt64) throws -> Digest32 {
        try tables.withLock { t in
            guard level >= 0, level < 64, index < t.head.size >> UInt64(level) else {
                throw LogError.invalidArgument("node (level \(level), index \(index)) is not complete in a tree of size \(t.head.size)")
            }
            return Self.node(level: level, index: index, levels: t.levels)
        }
    }

    /// A kept level is a row; any other is hashed up from the kept level below it.
    private static func node(level: Int, index: UInt64, levels: [[Digest32]]) -> Digest32 {
        if level % Tiles.height == 0 { return levels[level / Tiles.height][Int(index)] }
        return MerkleHashing.nodeHash(node(level: level - 1, index: index << 1, levels: levels),
                                      node(level: level - 1, index: index << 1 | 1, levels: levels))
    }

    package func checkpointCount(upTo size: UInt64) -> UInt64 {
        tables.withLock { t in UInt64(t.checkpoints.count { $0.checkpoint.size <= size }) }
    }

    package func checkpointSize(number: UInt64) -> UInt64 {
        tables.withLock { $0.checkpoints[Int(number)].checkpoint.size }
    }

    package func checkpoint(number: UInt64) throws -> SignedCheckpoint {
        try tables.withLock { t in
            guard number < UInt64(t.checkpoints.count) else { throw LogError.invalidArgument("no checkpoint number \(number)") }
            return t.checkpoints[Int(number)]
        }
    }

    /// A hash tile is a slice of one kept level: served from the rows, not recomputed.
    package func hashTile(_ tile: TilePath, treeSize: UInt64) throws -> [UInt8] {
        // Which tiles exist at a size is the tile layout's rule, shared with the files.
        let (height, first) = try Tiles.hashTileNodes(tile, treeSize: treeSize)
        return tables.withLock { t in
            var out = [UInt8]()
            out.reserveCapacity(tile.width * Digest32.byteCount)
            for hash in t.levels[height / Tiles.height][Int(first)..<Int(first) + tile.width] { hash.withUnsafeBytes { out += $0 } }
            return out
        }
    }
}
