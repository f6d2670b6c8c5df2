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

    let files: LogFiles
    private let queue: CommitQueue?
    private let lock: DirectoryLock?
    public let recoveryReport: RecoveryReport

    public struct Options: Sendable {
        public var io: StorageIO = PosixIO()
        public var maxQueuedEntries = 8192
        public var maxBatchEntries = 4096
        public var cacheFlushInterval: Duration = .seconds(1)
        /// The caches are also flushed after this many entries, whatever the time.
        public var cacheFlushEntries: UInt64 = 1 << 17
        public init() {}
    }

    private init(files: LogFiles, queue: CommitQueue?, lock: DirectoryLock?, report: RecoveryReport) {
        self.files = files
        self.queue = queue
        self.lock = lock
        self.recoveryReport = report
    }

    // MARK: creating and opening

    /// Makes a new, empty log in `directory` (created if needed) with a signed checkpoint of
    /// size 0, and a new signing key unless one is given.
    @discardableResult
    public static func create(directory: String, origin: String, signingKey: Ed25519PrivateKey = Ed25519PrivateKey(),
                              entriesPerSegment: UInt64 = LogConfig.defaultEntriesPerSegment) throws -> NoteVerifier {
        let layout = LogLayout(directory: directory)
        let fm = FileManager.default
        guard !fm.fileExists(atPath: layout.config) else { throw LogError.alreadyExists(directory) }
        guard entriesPerSegment > 0, entriesPerSegment & (entriesPerSegment - 1) == 0, entriesPerSegment >= 4096 || entriesPerSegment >= 16 else {
            throw LogError.invalidArgument("entriesPerSegment must be a power of two")
        }
        let signer = try NoteSigner(name: origin, privateKey: signingKey)
        try fm.createDirectory(atPath: layout.segments, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: layout.tree, withIntermediateDirectories: true)
        let io = PosixIO()
        let lock = try DirectoryLock(path: layout.lock)
        defer { _ = lock }

        let keyFD = try io.open(layout.signingKey, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        defer { io.close(keyFD) }
        fchmod(keyFD, 0o600)
        try Array(signingKey.pemRepresentation.utf8).withUnsafeBytes { try io.writeAll(keyFD, $0, offset: 0) }
        try io.fdatasync(keyFD)

        // Segment 0 starts with the signed empty checkpoint, so every log has one.
        let checkpoint = Checkpoint(origin: origin, size: 0, rootHash: MerkleHashing.emptyRoot)
        let note = try checkpoint.signed(by: signer)
        var bytes = SegmentHeader.bytes(segment: 0)
        Array(note.utf8).withUnsafeBytes { Frame.append(kind: .checkpoint, payload: $0, chain: nil, to: &bytes) }
        try io.replaceFile(layout.segment(0), with: bytes, durable: true)

        // log.json last: until it exists the directory is not a log, so a crash here is harmless.
        let config = LogConfig(format: 1, origin: origin, publicKey: Base64.encode(signingKey.publicKey.rawRepresentation),
                               entriesPerSegment: entriesPerSegment)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try io.replaceFile(layout.config, with: Array(try encoder.encode(config)) + [0x0A], durable: true)
        return signer.verifier
    }

    /// Opens the log for writing: takes the directory lock, recovers to the last committed
    /// state (cutting and reporting a torn tail) and starts the committer.
    public static func open(directory: String, options: Options = Options()) throws -> TransparencyLog {
        let layout = LogLayout(directory: directory)
        _ = try LogConfig.load(layout)
        let lock = try DirectoryLock(path: layout.lock)
        let files = try LogFiles(layout: layout, io: options.io)
        guard let pem = FileManager.default.contents(atPath: layout.signingKey) else {
            throw LogError.invalidArgument("\(layout.signingKey) is missing: only the log's writer can append")
        }
        let key = try Ed25519PrivateKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
        guard key.publicKey == files.verifier.publicKey else {
            throw LogError.corrupt("\(layout.signingKey) does not match the public key in log.json")
        }
        let signer = try NoteSigner(name: files.config.origin, privateKey: key)
        let (state, report) = try Recovery.run(files: files, mode: .repair(options.io))
        let core = try LogWriterCore(files: files, io: options.io, signer: signer, state: state)
        core.flushInterval = options.cacheFlushInterval
        core.flushEntries = options.cacheFlushEntries
        var limits = CommitQueue.Limits()
        limits.maxQueuedEntries = options.maxQueuedEntries
        limits.maxBatchEntries = options.maxBatchEntries
        return TransparencyLog(files: files, queue: CommitQueue(core: core, limits: limits), lock: lock, report: report)
    }

    /// Opens the log for reading, beside a running writer or none. Sees everything committed
    /// when it opened; `refresh()` catches up with a writer in another process.
    public static func openReadOnly(directory: String) throws -> TransparencyLog {
        let files = try LogFiles(layout: LogLayout(directory: directory), io: nil)
        let (state, report) = try Recovery.run(files: files, mode: .check)
        files.publish(size: state.size, checkpoint: state.latest!, frontier: state.frontier)
        return TransparencyLog(files: files, queue: nil, lock: nil, report: report)
    }

    /// Stops accepting appends, commits what is queued, makes the caches durable and
    /// releases the directory lock.
    public func close() async throws {
        // Released even when the final flush fails: the committer has stopped either way,
        // and a failed close must not keep the log locked until this object is freed.
        defer { lock?.release() }
        try await queue?.close()
    }

    // MARK: appending

    /// Appends one entry; returns once it is fsync'd and covered by a signed checkpoint.
    public func append(_ entry: [UInt8]) async throws -> AppendReceipt {
        try await append(contentsOf: [entry])[0]
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

    public var origin: String { files.config.origin }
    public var verifier: NoteVerifier { files.verifier }
    /// Entries committed (durable and covered by the latest checkpoint).
    public var size: UInt64 { files.committedSize }
    public var latestCheckpoint: SignedCheckpoint { files.latestCheckpoint! }
    public var directory: String { files.layout.directory }

    public func entry(at seq: UInt64) throws -> [UInt8] { try files.entry(at: seq) }
    public func entries(from seq: UInt64, count: Int) throws -> [[UInt8]] { try files.entries(from: seq, count: count) }
    public func leafHash(at seq: UInt64) throws -> Digest32 { try files.leafHash(at: seq) }

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
        return StoredTree(files: files, size: size)
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
        let (state, _) = try Recovery.run(files: files, mode: .check)
        files.publish(size: state.size, checkpoint: state.latest!, frontier: state.frontier)
    }
}

/// flock(2) on the log's LOCK file: two writers can never open the same log.
final class DirectoryLock: Sendable {
    private let fd: Int32
    private let path: String

    init(path: String) throws {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError("open", path: path, code: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            Glibc.close(fd)
            if code == EWOULDBLOCK { throw LogError.locked(String(path.dropLast("/LOCK".count))) }
            throw StorageError("flock", path: path, code: code)
        }
        self.fd = fd
        self.path = path
    }

    func release() { flock(fd, LOCK_UN) }

    // Unlocked before the close: a child process forked meanwhile (by this process, for
    // anything) holds a copy of the descriptor until its exec closes it, and a bare close
    // would leave the lock held through that copy; a reopen just after then failed as
    // "LOCK is held" (seen once in the full test suite, which spawns processes in parallel).
    deinit {
        flock(fd, LOCK_UN)
        Glibc.close(fd)
    }
}
