import Foundation
import LedgerCrypto
import Synchronization

/// The log's files (docs/log-format.md) as a `LogStorageDriver`: segments of frames (the
/// truth), the mapped caches derived from them, `Recovery` for the torn tail. Every change a
/// writer makes goes through `StorageIO`, so fault injection reaches each write.
///
/// `@unchecked Sendable`: the writer's state (the segment descriptor, where it ends, the
/// flush bookkeeping) is touched only from the append side, which the log calls from its one
/// committer thread; readers use `files` and `durableSize`, which are thread-safe.
package final class FileStorageDriver: LogStorageDriver, @unchecked Sendable {
    /// Cache flush policy: the caches are made durable (fsync + cache-state) this often and
    /// after this many entries, which bounds replay after a crash.
    package struct FlushPolicy: Sendable {
        package var interval: Duration = .seconds(1)
        package var entries: UInt64 = 1 << 17
        package init() {}
    }

    let files: LogFiles
    /// Nil for a reader: then recovery only checks, and nothing is written.
    private let io: StorageIO?
    private let lock: DirectoryLock?
    private let policy: FlushPolicy
    /// Entries durable in the segments and indexed (what readers may be asked about).
    private let durable = Atomic<UInt64>(0)

    // The writer's state: committer thread only.
    private var state: LogState?
    private var segmentFD: Int32 = -1
    /// Set when a failed batch could not be rolled back; the next batch re-runs recovery.
    private var broken: Error?
    private var unflushedEntries: UInt64 = 0
    private var lastFlush = ContinuousClock.now
    private var lastPublished = ContinuousClock.now - .seconds(1)
    private var publishedSize: UInt64?

    private init(files: LogFiles, io: StorageIO?, lock: DirectoryLock?, policy: FlushPolicy) {
        self.files = files
        self.io = io
        self.lock = lock
        self.policy = policy
    }

    /// Makes a new, empty log in `directory` (created if needed): log.json, the signing key
    /// and segment 0 holding the signed checkpoint of size 0, so every log has one.
    package static func create(directory: String, origin: String, signingKey: Ed25519PrivateKey,
                               entriesPerSegment: UInt64) throws -> NoteVerifier {
        let layout = LogLayout(directory: directory)
        let fm = FileManager.default
        guard !fm.fileExists(atPath: layout.config) else { throw LogError.alreadyExists(directory) }
        guard entriesPerSegment > 0, entriesPerSegment & (entriesPerSegment - 1) == 0, entriesPerSegment >= 4096 || entriesPerSegment >= 16 else {
            throw LogError.invalidArgument("entriesPerSegment must be a power of two")
        }
        let signer = try NoteSigner(name: origin, privateKey: signingKey)
        try fm.createDirectory(atPath: layout.segments, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.createDirectory(atPath: layout.tree, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let io = PosixIO()
        let lock = try DirectoryLock(path: layout.lock)
        defer { _ = lock }

        let keyFD = try io.open(layout.signingKey, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        defer { io.close(keyFD) }
        fchmod(keyFD, 0o600)
        try Array(signingKey.pemRepresentation.utf8).withUnsafeBytes { try io.writeAll(keyFD, $0, offset: 0) }
        try io.fdatasync(keyFD)

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

    /// Opens `directory` for writing: takes the directory lock (`LogError.locked` if another
    /// writer holds it) and opens the caches through `io`. Recovery runs in `recover()`.
    package static func openForWriting(directory: String, io: StorageIO, policy: FlushPolicy = FlushPolicy()) throws -> FileStorageDriver {
        let layout = LogLayout(directory: directory)
        _ = try LogConfig.load(layout)
        let lock = try DirectoryLock(path: layout.lock)
        // tree/ holds caches only, so a backup may leave it out (docs/operations.md "Backup"):
        // made again empty, it is re-derived from the segments like any missing cache file.
        if !FileManager.default.fileExists(atPath: layout.tree) {
            try FileManager.default.createDirectory(atPath: layout.tree, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        return FileStorageDriver(files: try LogFiles(layout: layout, io: io), io: io, lock: lock, policy: policy)
    }

    /// Opens `directory` for reading, beside a running writer or none.
    package static func openForReading(directory: String) throws -> FileStorageDriver {
        FileStorageDriver(files: try LogFiles(layout: LogLayout(directory: directory), io: nil), io: nil, lock: nil, policy: FlushPolicy())
    }

    /// The writer's key, kept beside the log (mode 0600); it must match log.json.
    package func signingKey() throws -> Ed25519PrivateKey {
        let layout = files.layout
        guard let pem = FileManager.default.contents(atPath: layout.signingKey) else {
            throw LogError.invalidArgument("\(layout.signingKey) is missing: only the log's writer can append")
        }
        let key = try Ed25519PrivateKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
        guard key.publicKey == files.verifier.publicKey else {
            throw LogError.corrupt("\(layout.signingKey) does not match the public key in log.json")
        }
        return key
    }

    package var origin: String { files.config.origin }
    package var verifier: NoteVerifier { files.verifier }
    package var directory: String { files.layout.directory }
    package var capacity: UInt64 { LogFiles.maxEntries }
    package func storesNodes(atLevel level: Int) -> Bool { TreeLevels.isStored(level) }
    package var idleInterval: Duration { policy.interval }

    // MARK: recovery

    package func recover() throws -> (LogHead, RecoveryReport) {
        guard let io else {
            let (recovered, report) = try Recovery.run(files: files, mode: .check)
            durable.store(recovered.size, ordering: .releasing)
            return (recovered.head, report)
        }
        if segmentFD >= 0 { io.close(segmentFD) }
        segmentFD = -1
        let (recovered, report) = try Recovery.run(files: files, mode: .repair(io))
        segmentFD = try io.open(files.layout.segment(recovered.segment), flags: O_RDWR, mode: 0)
        state = recovered
        broken = nil
        durable.store(recovered.size, ordering: .releasing)
        return (recovered.head, report)
    }

    // MARK: the append side

    package func reloadIfNeeded() throws -> LogHead? {
        // After a failed fsync the page cache may hold data that is not on disk, so the
        // state on disk is re-read before the next batch (the PostgreSQL lesson).
        guard broken != nil else { return nil }
        return try recover().0
    }

    /// One write per file touched, one fdatasync per segment written: the segment frames
    /// (entries, then the checkpoint frame, which is the commit point), then the caches.
    package func commit(_ batch: LogBatch) throws {
        guard let io, let state else { throw LogError.invalidArgument("the log is open read-only") }
        let perSegment = files.config.entriesPerSegment
        let first = batch.firstSeq
        var parts: [(segment: UInt64, base: Int64, bytes: [UInt8])] = [(state.segment, state.segmentLength, [])]
        var offsets = [UInt32]()
        offsets.reserveCapacity(batch.entries.count)
        parts[0].bytes.reserveCapacity(batch.entries.reduce(0) { $0 + $1.bytes.count + 38 } + 512)

        for (i, entry) in batch.entries.enumerated() {
            let seq = first + UInt64(i)
            if seq / perSegment != parts[parts.count - 1].segment {
                parts.append((seq / perSegment, 0, SegmentHeader.bytes(segment: seq / perSegment)))
            }
            let p = parts.count - 1
            offsets.append(UInt32(parts[p].base + Int64(parts[p].bytes.count)))
            entry.bytes.withUnsafeBytes { Frame.appendEntry(payload: $0, partialCRC: entry.partialCRC, chain: batch.chainHashes[i], to: &parts[p].bytes) }
        }
        let note = batch.head.checkpoint.note
        let last = parts.count - 1
        let checkpointOffset = parts[last].base + Int64(parts[last].bytes.count)
        Array(note.utf8).withUnsafeBytes { Frame.append(kind: .checkpoint, payload: $0, chain: nil, to: &parts[last].bytes) }

        // A batch may span several new segments: each must be fsync'd, not only the last.
        var newFDs = [Int32]()
        do {
            // Segments first, then caches; nothing is visible to readers until the log publishes.
            for (n, part) in parts.enumerated() {
                if n == 0 {
                    try part.bytes.withUnsafeBytes { try io.writeAll(segmentFD, $0, offset: part.base) }
                } else {
                    let fd = try io.open(files.layout.segment(part.segment), flags: O_RDWR | O_CREAT | O_EXCL, mode: 0o600)
                    newFDs.append(fd)
                    try part.bytes.withUnsafeBytes { try io.writeAll(fd, $0, offset: 0) }
                }
            }
            try offsets.withUnsafeBytes { try files.index.write(at: first, $0) }
            for run in batch.nodes { try run.hashes.withUnsafeBytes { try files.levels[run.level]!.write(at: run.firstIndex, $0) } }
            var record = [UInt8]()
            withUnsafeBytes(of: batch.endSeq.littleEndian) { record += $0 }
            withUnsafeBytes(of: UInt32(parts[last].segment).littleEndian) { record += $0 }
            withUnsafeBytes(of: UInt32(checkpointOffset).littleEndian) { record += $0 }
            try record.withUnsafeBytes { try files.checkpointIndex.write(at: state.checkpoints, $0) }
            try io.fdatasync(segmentFD)
            for fd in newFDs { try io.fdatasync(fd) }
            if !newFDs.isEmpty { try io.fsyncDirectory(files.layout.segments) }
        } catch {
            rollBack(io: io, state: state, newSegments: parts.dropFirst().map(\.segment), newFDs: newFDs, cause: error)
            throw error
        }

        if let newFD = newFDs.last {
            io.close(segmentFD)
            for fd in newFDs.dropLast() { io.close(fd) }
            segmentFD = newFD
        }
        self.state = LogState(size: batch.endSeq, frontier: batch.head.frontier, chain: batch.head.chain, checkpoints: state.checkpoints + 1,
                              segment: parts[last].segment, segmentLength: parts[last].base + Int64(parts[last].bytes.count),
                              latest: batch.head.checkpoint)
        durable.store(batch.endSeq, ordering: .releasing)
        unflushedEntries += UInt64(batch.entries.count)
    }

    /// Removes a failed batch: the segment goes back to its last durable length. Cache files
    /// need nothing: their records past the committed size are overwritten by the next batch.
    /// The batch's new segments go entirely: they hold nothing committed.
    private func rollBack(io: StorageIO, state: LogState, newSegments: [UInt64], newFDs: [Int32], cause: Error) {
        do {
            for fd in newFDs { io.close(fd) }
            for segment in newSegments { unlink(files.layout.segment(segment)) }
            try io.ftruncate(segmentFD, length: state.segmentLength)
            try io.fdatasync(segmentFD)
        } catch {
            broken = error
        }
        if let cause = cause as? StorageError, cause.isSyncFailure { broken = cause }
    }

    package func didPublish(_ head: LogHead) {
        publishCheckpointFile(force: false)
        if unflushedEntries >= policy.entries || ContinuousClock.now - lastFlush >= policy.interval { try? flush() }
    }

    package func idle() { try? flush() }

    /// Writes the latest checkpoint to the `checkpoint` file for readers in other processes,
    /// at most every 100 ms (a rename per batch costs a fifth of the append rate) and on every
    /// flush. It is a convenience and a lower bound for recovery's checks, not the commit
    /// point, so it bypasses the fault-injectable I/O and a failure here loses nothing.
    private func publishCheckpointFile(force: Bool) {
        guard let latest = state?.latest, latest.checkpoint.size != publishedSize else { return }
        guard force || ContinuousClock.now - lastPublished >= .milliseconds(100) else { return }
        if (try? PosixIO().replaceFile(files.layout.checkpoint, with: Array(latest.note.utf8), durable: false)) != nil {
            publishedSize = latest.checkpoint.size
            lastPublished = ContinuousClock.now
        }
    }

    /// Makes the caches durable and records how far they go, bounding replay after a crash.
    func flush() throws {
        guard let io, let state else { return }
        publishCheckpointFile(force: true)
        guard broken == nil else { return }
        do {
            try CacheSink.flush(files: files, io: io, state: state)
        } catch let error as StorageError where error.isSyncFailure {
            // The caches' unsynced pages may be gone: rebuild them from the segments before
            // the next batch, or a later flush would make the holes durable.
            broken = error
            throw error
        }
        unflushedEntries = 0
        lastFlush = ContinuousClock.now
    }

    package func close() throws {
        // The lock goes even when the final flush fails: the committer has stopped either way,
        // and a failed close must not keep the log locked until this object is freed.
        defer {
            if segmentFD >= 0 { io?.close(segmentFD) }
            segmentFD = -1
            lock?.release()
        }
        try flush()
    }

    // MARK: readers

    private var durableSize: UInt64 { durable.load(ordering: .acquiring) }

    package func entries(from first: UInt64, count: Int) throws -> [[UInt8]] {
        try files.entries(from: first, count: count, size: durableSize)
    }

    package func leafHash(at seq: UInt64) throws -> Digest32 {
        let size = durableSize
        guard seq < size else { throw LogError.seqOutOfRange(seq: seq, size: size) }
        return files.levels[0]!.digest(seq)
    }

    package func node(level: Int, index: UInt64) throws -> Digest32 {
        guard level >= 0, level <= LogFiles.maxLevel, index < durableSize >> UInt64(level) else {
            throw LogError.invalidArgument("node (level \(level), index \(index)) is not complete in a tree of size \(durableSize)")
        }
        return files.node(level: level, index: index)
    }

    package func checkpointCount(upTo size: UInt64) -> UInt64 {
        var low: UInt64 = 0, high = (try? files.checkpointIndex.fileRecordCount()) ?? 0
        // Records past the committed size may belong to a batch still being written.
        while low < high {
            let mid = (low + high) / 2
            if checkpointSize(number: mid) <= size { low = mid + 1 } else { high = mid }
        }
        return low
    }

    package func checkpointSize(number: UInt64) -> UInt64 {
        UInt64(littleEndian: files.checkpointIndex.pointer(number).loadUnaligned(as: UInt64.self))
    }

    package func checkpoint(number: UInt64) throws -> SignedCheckpoint {
        try Recovery.readCheckpoint(files: files, number: number)
    }
}

extension LogState {
    var head: LogHead { LogHead(frontier: frontier, chain: chain, checkpoint: latest!) }
}

/// flock(2) on the log's LOCK file: two writers can never open the same log.
final class DirectoryLock: Sendable {
    private let fd: Int32
    private let path: String

    init(path: String) throws {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
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
