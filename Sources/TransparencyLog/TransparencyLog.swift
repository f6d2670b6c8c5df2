import Foundation
import LedgerCrypto

/// An append-only, tamper-evident log of opaque entries (at most 65,535 bytes each): a
/// Merkle tree per RFC 9162, a hash chain, and C2SP signed checkpoints. It knows nothing of
/// what the entries mean.
///
/// One process at a time may open a log for writing (`open`); any number may read it at the
/// same time (`openReadOnly`).
public final class TransparencyLog: Sendable {
    public static let maxEntrySize = Int(UInt16.max)

    let driver: any LogStorageDriver
    let head: PublishedHead
    private let queue: CommitQueue?
    public let recoveryReport: RecoveryReport

    public struct Options: Sendable {
        /// The files' I/O (fault injection wraps it); used by `open(directory:)` only.
        public var io: StorageIO = PosixIO()
        public var maxQueuedEntries = 8192
        public var maxBatchEntries = 4096
        /// The files' caches are flushed this often (`open(directory:)` only).
        public var cacheFlushInterval: Duration = .seconds(1)
        /// The caches are also flushed after this many entries, whatever the time.
        public var cacheFlushEntries: UInt64 = 1 << 17
        /// Called on the committer thread before each batch is committed; if it throws, the
        /// batch fails and nothing of it is stored. For state the entries depend on that must
        /// be durable first (the core's vault: one sync per batch, not per entry).
        public var beforeCommit: (@Sendable () throws -> Void)?
        /// Read on the committer thread after `beforeCommit`: a counter that only grows, and
        /// grows when what `beforeCommit` made durable for earlier entries may have been lost
        /// (the core's vault: its recoveries after a failed sync cut what was not synced). A
        /// batch holding an entry appended under an older fence (`append(_:fence:)`) fails
        /// whole, with `LogError.fenced`, and nothing of it is stored.
        public var fence: (@Sendable () -> UInt64)?
        /// Called on the committer thread with the latest signed checkpoint before a batch's
        /// checkpoint is signed; if it throws, nothing is signed or stored and the batch fails.
        /// For a gate outside the log that must agree first (the core's checkpoint witness:
        /// a writer whose witness moved on must not sign a checkpoint that forks it).
        public var beforeSigning: (@Sendable (_ latest: SignedCheckpoint) throws -> Void)?
        public init() {}
    }

    private init(driver: any LogStorageDriver, head: PublishedHead, queue: CommitQueue?, report: RecoveryReport) {
        self.driver = driver
        self.head = head
        self.queue = queue
        self.recoveryReport = report
    }

    // MARK: creating and opening

    /// Makes a new, empty log in `directory` (created if needed) with a signed checkpoint of
    /// size 0, and a new signing key unless one is given.
    @discardableResult
    public static func create(directory: String, origin: String, signingKey: Ed25519PrivateKey = Ed25519PrivateKey(),
                              entriesPerSegment: UInt64 = LogConfig.defaultEntriesPerSegment) throws -> NoteVerifier {
        try FileStorageDriver.create(directory: directory, origin: origin, signingKey: signingKey, entriesPerSegment: entriesPerSegment)
    }

    /// Opens the log in `directory` for writing: takes the directory lock, recovers to the
    /// last committed state (cutting and reporting a torn tail) and starts the committer.
    public static func open(directory: String, options: Options = Options()) throws -> TransparencyLog {
        var policy = FileStorageDriver.FlushPolicy()
        policy.interval = options.cacheFlushInterval
        policy.entries = options.cacheFlushEntries
        let driver = try FileStorageDriver.openForWriting(directory: directory, io: options.io, policy: policy)
        return try open(driver: driver, signingKey: try driver.signingKey(), options: options)
    }

    /// Opens a log on any storage for writing: recovers through the driver, then starts the
    /// committer, which alone sequences, signs and commits. `options.io` and the cache
    /// options are the file driver's and are not used here.
    package static func open(driver: any LogStorageDriver, signingKey: Ed25519PrivateKey, options: Options = Options()) throws -> TransparencyLog {
        guard signingKey.publicKey == driver.verifier.publicKey else {
            throw LogError.corrupt("the signing key does not match the log's public key (\(driver.origin))")
        }
        let signer = try NoteSigner(name: driver.origin, privateKey: signingKey)
        let (recovered, report) = try driver.recover()
        let head = PublishedHead()
        head.publish(recovered)
        let core = LogWriterCore(driver: driver, signer: signer, head: recovered, published: head, beforeCommit: options.beforeCommit,
                                  fence: options.fence, beforeSigning: options.beforeSigning)
        var limits = CommitQueue.Limits()
        limits.maxQueuedEntries = options.maxQueuedEntries
        limits.maxBatchEntries = options.maxBatchEntries
        return TransparencyLog(driver: driver, head: head, queue: CommitQueue(core: core, limits: limits), report: report)
    }

    /// Opens the log for reading, beside a running writer or none. Sees everything committed
    /// when it opened; `refresh()` catches up with a writer in another process.
    public static func openReadOnly(directory: String) throws -> TransparencyLog {
        try openReadOnly(driver: FileStorageDriver.openForReading(directory: directory))
    }

    /// Opens a log on any storage for reading only.
    package static func openReadOnly(driver: any LogStorageDriver) throws -> TransparencyLog {
        let (recovered, report) = try driver.recover()
        let head = PublishedHead()
        head.publish(recovered)
        return TransparencyLog(driver: driver, head: head, queue: nil, report: report)
    }

    /// Stops accepting appends, commits what is queued, makes the storage durable and lets
    /// go of it (the files' directory lock is released even when that fails).
    public func close() async throws {
        try await queue?.close()
    }

    // MARK: appending

    /// Appends one entry; returns once it is fsync'd and covered by a signed checkpoint.
    public func append(_ entry: [UInt8]) async throws -> AppendReceipt {
        try await append(contentsOf: [entry])[0]
    }

    /// Appends one entry whose dependencies were prepared when `Options.fence` read `fence`:
    /// it is committed only if the fence has not moved by the time its batch is (after the
    /// batch's `beforeCommit`); otherwise it throws `LogError.fenced` and nothing is stored.
    public func append(_ entry: [UInt8], fence: UInt64) async throws -> AppendReceipt {
        guard let queue else { throw LogError.invalidArgument("the log is open read-only") }
        guard entry.count <= Self.maxEntrySize else { throw LogError.entryTooLarge(size: entry.count, limit: Self.maxEntrySize) }
        return try await queue.append(PreparedEntry.prepare([entry]), fence: fence)[0]
    }

    /// Appends entries in order, in as few batches as the limits allow.
    public func append(contentsOf entries: [[UInt8]]) async throws -> [AppendReceipt] {
        guard let queue else { throw LogError.invalidArgument("the log is open read-only") }
        for entry in entries where entry.count > Self.maxEntrySize {
            throw LogError.entryTooLarge(size: entry.count, limit: Self.maxEntrySize)
        }
        guard entries.count > 1024 else { return try await queue.append(PreparedEntry.prepare(entries)) }
        var receipts = [AppendReceipt]()
        receipts.reserveCapacity(entries.count)
        var start = 0
        while start < entries.count {
            let end = min(entries.count, start + 1024)
            receipts += try await queue.append(PreparedEntry.prepare(Array(entries[start..<end])))
            start = end
        }
        return receipts
    }

    // MARK: reading

    public var origin: String { driver.origin }
    public var verifier: NoteVerifier { driver.verifier }
    /// Entries committed (durable and covered by the latest checkpoint).
    public var size: UInt64 { head.size }
    public var latestCheckpoint: SignedCheckpoint { head.checkpoint! }
    /// The log's directory (empty for a log on another storage).
    public var directory: String { (driver as? FileStorageDriver)?.directory ?? "" }

    public func entry(at seq: UInt64) throws -> [UInt8] { try entries(from: seq, count: 1)[0] }

    /// Consecutive committed entries, each checked by the storage against what it stored.
    public func entries(from seq: UInt64, count: Int) throws -> [[UInt8]] {
        guard count > 0 else { return [] }
        let size = self.size
        guard seq < size, UInt64(count) <= size - seq else {
            throw LogError.seqOutOfRange(seq: seq &+ UInt64(count) &- 1, size: size)
        }
        return try driver.entries(from: seq, count: count)
    }

    public func leafHash(at seq: UInt64) throws -> Digest32 {
        let size = self.size
        guard seq < size else { throw LogError.seqOutOfRange(seq: seq, size: size) }
        return try driver.leafHash(at: seq)
    }

    /// Calls `body` with every entry in `range` (default: all committed), in seq order, read in
    /// runs of consecutive frames so a replay costs a few large reads, not one per entry.
    public func forEachEntry(in range: Range<UInt64>? = nil, _ body: (UInt64, [UInt8]) throws -> Void) throws {
        let range = range ?? 0..<size
        var seq = range.lowerBound
        while seq < range.upperBound {
            let count = Int(min(1024, range.upperBound - seq))
            for (offset, entry) in try entries(from: seq, count: count).enumerated() {
                try body(seq + UInt64(offset), entry)
            }
            seq += UInt64(count)
        }
    }

    /// The tree as of `size` (at most the committed size), as a node source for proofs and tiles.
    public func tree(size: UInt64? = nil) throws -> some MerkleNodeSource {
        let committed = self.size
        let size = size ?? committed
        guard size <= committed else { throw LogError.invalidArgument("tree size \(size) is beyond the log's size \(committed)") }
        return StoredTree(driver: driver, head: head, size: size)
    }

    public func rootHash(size: UInt64) throws -> Digest32 {
        try MerkleTree.root(size: size, nodes: tree(size: size))
    }

    /// RFC 9162 inclusion proof of `seq` in the tree of `size` (default: the committed size).
    public func inclusionProof(seq: UInt64, size: UInt64? = nil) throws -> [Digest32] {
        let size = size ?? self.size
        guard seq < size else { throw LogError.seqOutOfRange(seq: seq, size: size) }
        return try MerkleTree.inclusionProof(index: seq, size: size, nodes: tree(size: size))
    }

    /// RFC 9162 consistency proof between the trees of size `from` and `to`.
    public func consistencyProof(from: UInt64, to: UInt64) throws -> [Digest32] {
        guard from <= to else { throw LogError.invalidArgument("consistency proof needs from ≤ to (got \(from) > \(to))") }
        return try MerkleTree.consistencyProof(from: from, to: to, nodes: tree(size: to))
    }

    /// Re-reads the committed state written by a writer in another process.
    public func refresh() throws {
        guard queue == nil else { return }
        head.publish(try driver.recover().0)
    }
}

/// The committed tree of one size as a `MerkleNodeSource`: complete nodes from the driver,
/// and the right edge of the latest published tree, which many proofs share, ready-made.
struct StoredTree: MerkleNodeSource {
    let driver: any LogStorageDriver
    let head: PublishedHead
    let size: UInt64

    func node(level: Int, index: UInt64) throws -> Digest32 {
        guard level >= 0, level < UInt64.bitWidth, index < size >> UInt64(level) else {
            throw LogError.invalidArgument("node (level \(level), index \(index)) is not complete in a tree of size \(size)")
        }
        return try driver.node(level: level, index: index)
    }

    func cachedRangeHash(start: UInt64, end: UInt64) -> Digest32? {
        head.rightEdgeHash(start: start, end: end)
    }
}
