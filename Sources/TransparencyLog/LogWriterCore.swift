import LedgerCrypto

/// The append path above the storage: sequences a batch (seqs, chain hashes, the frontier
/// and the nodes it completes), signs its checkpoint, has the driver make both durable, and
/// only then publishes to readers. Owned by the committer thread alone: nothing here is
/// shared.
final class LogWriterCore {
    struct Committed {
        let firstSeq: UInt64
        let leafHashes: [Digest32]
        let checkpoint: SignedCheckpoint
    }

    let driver: any LogStorageDriver
    private let signer: NoteSigner
    private let published: PublishedHead
    private let origin: String
    private let capacity: UInt64
    /// Bit L set: the driver keeps level L's nodes (asked once, not per node).
    private let storedLevels: UInt64
    private var head: LogHead
    private let beforeCommit: (@Sendable () throws -> Void)?
    private let fence: (@Sendable () -> UInt64)?
    private let beforeSigning: (@Sendable (SignedCheckpoint) throws -> Void)?

    init(driver: any LogStorageDriver, signer: NoteSigner, head: LogHead, published: PublishedHead,
         beforeCommit: (@Sendable () throws -> Void)? = nil, fence: (@Sendable () -> UInt64)? = nil,
         beforeSigning: (@Sendable (SignedCheckpoint) throws -> Void)? = nil) {
        self.beforeCommit = beforeCommit
        self.fence = fence
        self.beforeSigning = beforeSigning
        self.driver = driver
        self.signer = signer
        self.published = published
        self.head = head
        origin = driver.origin
        capacity = driver.capacity
        var levels: UInt64 = 0
        for level in 0..<64 where driver.storesNodes(atLevel: level) { levels |= 1 << UInt64(level) }
        storedLevels = levels
    }

    var idleInterval: Duration { driver.idleInterval }

    /// Appends `entries` as one batch with one signature. Returns only once the batch and its
    /// checkpoint are durable and published. `oldestFence`: the oldest fence an entry of the
    /// batch was appended under (`TransparencyLog.Options.fence`), if any was.
    func commit(_ entries: [PreparedEntry], oldestFence: UInt64? = nil) throws -> Committed {
        if let reloaded = try driver.reloadIfNeeded() {
            head = reloaded
            published.publish(reloaded)
        }
        let first = head.size
        guard first + UInt64(entries.count) <= capacity else { throw LogError.full }
        // The gate first: a refused batch costs no vault sync, no hashing, no signature.
        try beforeSigning?(head.checkpoint)
        try beforeCommit?()
        // After beforeCommit: a fence that moved before or during it means an entry's
        // dependencies may be gone, though beforeCommit itself succeeded.
        if let oldestFence, let current = fence?(), oldestFence < current {
            throw LogError.fenced(entry: oldestFence, current: current)
        }

        var frontier = head.frontier
        var chain = head.chain
        var chains = [Digest32]()
        chains.reserveCapacity(entries.count)
        var leaves = [Digest32]()
        leaves.reserveCapacity(entries.count)
        // runs[position[level]] collects the level's completed nodes, in index order.
        var runs = [NodeRun]()
        var position = [Int](repeating: -1, count: 64)
        let stored = storedLevels

        for entry in entries {
            let leaf = entry.leafHash
            chain = MerkleHashing.chainHash(previous: chain, leafHash: leaf)
            chains.append(chain)
            leaves.append(leaf)
            frontier.append(leafHash: leaf) { level, index, hash in
                guard stored & (1 << UInt64(level)) != 0 else { return }
                var p = position[level]
                if p < 0 {
                    p = runs.count
                    position[level] = p
                    runs.append(NodeRun(level: level, firstIndex: index, hashes: []))
                    if level == 0 { runs[p].hashes.reserveCapacity(entries.count * Digest32.byteCount) }
                }
                hash.withUnsafeBytes { runs[p].hashes += $0 }
            }
        }

        let size = first + UInt64(entries.count)
        let checkpoint = Checkpoint(origin: origin, size: size, rootHash: frontier.root())
        let note = try checkpoint.signed(by: signer)
        let next = LogHead(frontier: frontier, chain: chain, checkpoint: SignedCheckpoint(note: note, checkpoint: checkpoint))
        // Levels complete lowest first, so `runs` is already in ascending level order.
        try driver.commit(LogBatch(firstSeq: first, entries: entries, chainHashes: chains, nodes: runs, head: next))
        head = next
        published.publish(next)
        driver.didPublish(next)
        return Committed(firstSeq: first, leafHashes: leaves, checkpoint: next.checkpoint)
    }

    func idle() { driver.idle() }

    func close() throws { try driver.close() }
}
