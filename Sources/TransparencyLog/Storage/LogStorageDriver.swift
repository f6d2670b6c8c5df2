import LedgerCrypto

/// What the log asks of a storage: make a batch and the checkpoint covering it durable
/// together, read entries, leaf hashes, tree nodes and checkpoints back, and find the last
/// committed state after a crash. `FileStorageDriver` (the files of docs/log-format.md) is
/// the production one; tests also run a log on `MemoryStorageDriver` (LedgerTestSupport), and
/// docs/architecture.md sketches a PostgreSQL one.
///
/// Above the driver, in `TransparencyLog`: the group commit (`CommitQueue`), sequencing (the
/// committer alone numbers entries, never the storage), the hash chain, the Merkle frontier,
/// signing, publication to readers (size before checkpoint), proofs and the tile layout.
/// Below it: where bytes go, how a torn tail is found, and what is kept of the tree.
///
/// Synchronous, not `async`, on purpose:
/// - the append side (`commit`, `reloadIfNeeded`, `didPublish`, `idle`, `close`) runs on the
///   committer's own thread, outside the cooperative pool, where blocking on a write, an
///   fsync or a database round trip is the point of group commit (one batch in flight); a
///   driver with an async client waits for it there;
/// - the readers answer the log's synchronous public readers (`entry`, proofs, tiles),
///   which the check path calls per finding: on files a node is a load from a mapped column
///   (nanoseconds), and an `async` hop per node would cost more than the read. A driver that
///   must reach a server for reads should serve them from a local copy of what it committed
///   (tiles and entries never change once written).
///
/// Every method may be called from any thread except the append side, which the log calls
/// from its committer only, one call at a time. Readers are only asked about seqs, nodes and
/// checkpoints below the size the log has published, which is never more than what `commit`
/// made durable.
package protocol LogStorageDriver: AnyObject, Sendable {
    /// The log's origin line and its checkpoint key, fixed when the storage was created.
    var origin: String { get }
    var verifier: NoteVerifier { get }
    /// The most entries this storage can hold (files: 2^32, as offsets are u32).
    var capacity: UInt64 { get }
    /// Whether a batch should carry the complete nodes of tree level `level` (0: leaf hashes).
    /// Asked once per level when the log opens; `node(level:index:)` must still answer every
    /// level, recomputing the ones not kept.
    func storesNodes(atLevel level: Int) -> Bool

    // MARK: recovery

    /// Finds the last committed state: the latest checkpoint and what it covers. A writer's
    /// driver also removes what a crash left past it (a torn or unacknowledged tail); a
    /// reader's only re-reads (`TransparencyLog.refresh`).
    func recover() throws -> (LogHead, RecoveryReport)

    // MARK: the append side (committer thread only)

    /// Called before each batch. When a failed commit left the driver unsure of its durable
    /// state (files: a failed fsync, after which the page cache cannot be trusted), it
    /// re-reads that state and returns it, and the log sequences the batch from there.
    func reloadIfNeeded() throws -> LogHead?
    /// Makes `batch` and its checkpoint durable together, or neither: on a throw nothing of
    /// the batch may ever be read back or recovered. Readers of this driver are not asked
    /// about the batch until the log publishes it after this returns.
    func commit(_ batch: LogBatch) throws
    /// After the log published a committed batch to its readers: upkeep that must not delay
    /// publication (files: the `checkpoint` copy for other processes, the caches' flush).
    func didPublish(_ head: LogHead)
    /// Called after `idleInterval` without batches (files: make the caches durable).
    func idle()
    var idleInterval: Duration { get }
    /// Makes everything durable and lets go of the storage (files: the directory lock), even
    /// when the last flush fails.
    func close() throws

    // MARK: readers (any thread)

    /// `count` consecutive entries from `first`, each checked against what was stored for it.
    func entries(from first: UInt64, count: Int) throws -> [[UInt8]]
    func leafHash(at seq: UInt64) throws -> Digest32
    /// The hash of the complete subtree (level, index), at any level.
    func node(level: Int, index: UInt64) throws -> Digest32
    /// How many checkpoints were signed for sizes up to `size` (the empty tree's included).
    func checkpointCount(upTo size: UInt64) -> UInt64
    /// The size of the `number`th checkpoint, oldest first (number < `checkpointCount`).
    func checkpointSize(number: UInt64) -> UInt64
    func checkpoint(number: UInt64) throws -> SignedCheckpoint
    /// C2SP hash tile and entry bundle of the tree of `treeSize`. The defaults build them
    /// from `node` and `entries`; a driver that stores tiles as such (tiles as rows) serves
    /// them directly.
    func hashTile(_ tile: TilePath, treeSize: UInt64) throws -> [UInt8]
    func entryBundle(_ tile: TilePath, treeSize: UInt64) throws -> [UInt8]
}

extension LogStorageDriver {
    package func hashTile(_ tile: TilePath, treeSize: UInt64) throws -> [UInt8] {
        try Tiles.hashTile(tile, treeSize: treeSize, nodes: DriverNodes(driver: self))
    }

    package func entryBundle(_ tile: TilePath, treeSize: UInt64) throws -> [UInt8] {
        try Tiles.entryBundle(tile, treeSize: treeSize) { first, count in try entries(from: first, count: count) }
    }

    /// The checkpoint signed for exactly `size`, if any: a binary search by size, since
    /// checkpoints are stored in the order signed and sizes only grow.
    package func checkpoint(size: UInt64, committed: UInt64) throws -> SignedCheckpoint? {
        var low: UInt64 = 0, high = checkpointCount(upTo: committed)
        while low < high {
            let mid = (low + high) / 2
            let found = checkpointSize(number: mid)
            if found == size { return try checkpoint(number: mid) }
            if found < size { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

/// A driver's nodes as a `MerkleNodeSource` (tiles and proofs need nothing else).
struct DriverNodes<Driver: LogStorageDriver>: MerkleNodeSource {
    let driver: Driver
    func node(level: Int, index: UInt64) throws -> Digest32 { try driver.node(level: level, index: index) }
}

/// The committed state a batch is sequenced from: the latest checkpoint, the tree it signs
/// and the hash chain's last link.
package struct LogHead: Sendable, Equatable {
    package var frontier: MerkleFrontier
    /// chain[size - 1] (32 zero bytes for an empty log).
    package var chain: Digest32
    package var checkpoint: SignedCheckpoint

    package init(frontier: MerkleFrontier, chain: Digest32, checkpoint: SignedCheckpoint) {
        self.frontier = frontier
        self.chain = chain
        self.checkpoint = checkpoint
    }

    package var size: UInt64 { frontier.size }
}

/// One batch as the committer sequenced it: entries from `firstSeq`, each entry's chain
/// hash, the tree nodes the batch completed at the levels the driver keeps, and the head
/// after it (its signed checkpoint, frontier and last chain link).
package struct LogBatch: Sendable {
    package let firstSeq: UInt64
    package let entries: [PreparedEntry]
    /// chain[firstSeq + i] for each entry.
    package let chainHashes: [Digest32]
    /// Ascending by level; within a level the nodes are consecutive.
    package let nodes: [NodeRun]
    package let head: LogHead

    package var endSeq: UInt64 { firstSeq + UInt64(entries.count) }
}

/// Consecutive complete nodes of one level, as 32-byte hashes end to end (the form both a
/// column file and a bytea column take).
package struct NodeRun: Sendable, Equatable {
    package let level: Int
    package let firstIndex: UInt64
    package var hashes: [UInt8]

    package var count: Int { hashes.count / Digest32.byteCount }

    package func hash(_ i: Int) -> Digest32 {
        hashes.withUnsafeBytes { Digest32(loadingFrom: $0.baseAddress! + i * Digest32.byteCount) }
    }
}
