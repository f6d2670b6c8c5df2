import Foundation
import LedgerCrypto

/// The append path. Owned by the committer thread alone: nothing here is shared, and readers
/// learn of progress only through `LogFiles.publish` after the batch is durable.
final class LogWriterCore {
    struct Committed {
        let firstSeq: UInt64
        let leafHashes: [Digest32]
        let checkpoint: SignedCheckpoint
    }

    let files: LogFiles
    let io: StorageIO
    let signer: NoteSigner
    private var state: LogState
    private var segmentFD: Int32 = -1
    /// Set when a failed batch could not be rolled back; the next batch re-runs recovery.
    private var broken: Error?
    private var unflushedEntries: UInt64 = 0
    private var lastFlush = ContinuousClock.now
    private var lastPublished = ContinuousClock.now - .seconds(1)
    private var publishedSize: UInt64?

    /// Caches are flushed (fsync + cache-state) this often, which bounds replay after a crash.
    var flushInterval: Duration = .seconds(1)
    var flushEntries: UInt64 = 1 << 17

    init(files: LogFiles, io: StorageIO, signer: NoteSigner, state: LogState) throws {
        self.files = files
        self.io = io
        self.signer = signer
        self.state = state
        segmentFD = try io.open(files.layout.segment(state.segment), flags: O_RDWR, mode: 0)
        files.publish(size: state.size, checkpoint: state.latest!, frontier: state.frontier)
    }

    var size: UInt64 { state.size }

    /// Appends `entries` as one batch: one write per file touched, one fdatasync, one
    /// signature. Returns only once the batch and its checkpoint are durable.
    func commit(_ entries: [PreparedEntry]) throws -> Committed {
        if let error = broken { try reload(after: error) }
        let perSegment = files.config.entriesPerSegment
        let first = state.size
        guard first + UInt64(entries.count) <= LogFiles.maxEntries else { throw LogError.full }

        var frontier = state.frontier
        var chain = state.chain
        var parts: [(segment: UInt64, base: Int64, bytes: [UInt8])] = [(state.segment, state.segmentLength, [])]
        var offsets = [UInt32]()
        offsets.reserveCapacity(entries.count)
        var leaves = [Digest32]()
        leaves.reserveCapacity(entries.count)
        var nodes = [Int: (start: UInt64, bytes: [UInt8])]()
        parts[0].bytes.reserveCapacity(entries.reduce(0) { $0 + $1.bytes.count + 38 } + 512)

        for (i, entry) in entries.enumerated() {
            let seq = first + UInt64(i)
            if seq / perSegment != parts[parts.count - 1].segment {
                parts.append((seq / perSegment, 0, SegmentHeader.bytes(segment: seq / perSegment)))
            }
            let leaf = entry.leafHash
            chain = MerkleHashing.chainHash(previous: chain, leafHash: leaf)
            let p = parts.count - 1
            offsets.append(UInt32(parts[p].base + Int64(parts[p].bytes.count)))
            entry.bytes.withUnsafeBytes { Frame.appendEntry(payload: $0, partialCRC: entry.partialCRC, chain: chain, to: &parts[p].bytes) }
            leaves.append(leaf)
            frontier.append(leafHash: leaf) { level, index, hash in
                guard TreeLevels.isStored(level) else { return }
                if nodes[level] == nil { nodes[level] = (index, []) }
                hash.withUnsafeBytes { nodes[level]!.bytes += $0 }
            }
        }

        let size = first + UInt64(entries.count)
        let checkpoint = Checkpoint(origin: files.config.origin, size: size, rootHash: frontier.root())
        let note = try checkpoint.signed(by: signer)
        let last = parts.count - 1
        let checkpointOffset = parts[last].base + Int64(parts[last].bytes.count)
        Array(note.utf8).withUnsafeBytes { Frame.append(kind: .checkpoint, payload: $0, chain: nil, to: &parts[last].bytes) }

        // A batch may span several new segments: each must be fsync'd, not only the last.
        var newFDs = [Int32]()
        do {
            // Segments first, then caches; nothing is visible to readers until publish below.
            for (n, part) in parts.enumerated() {
                if n == 0 {
                    try part.bytes.withUnsafeBytes { try io.writeAll(segmentFD, $0, offset: part.base) }
                } else {
                    let fd = try io.open(files.layout.segment(part.segment), flags: O_RDWR | O_CREAT | O_EXCL, mode: 0o644)
                    newFDs.append(fd)
                    try part.bytes.withUnsafeBytes { try io.writeAll(fd, $0, offset: 0) }
                }
            }
            try offsets.withUnsafeBytes { try files.index.write(at: first, $0) }
            for (level, run) in nodes { try run.bytes.withUnsafeBytes { try files.levels[level]!.write(at: run.start, $0) } }
            var record = [UInt8]()
            withUnsafeBytes(of: size.littleEndian) { record += $0 }
            withUnsafeBytes(of: UInt32(parts[last].segment).littleEndian) { record += $0 }
            withUnsafeBytes(of: UInt32(checkpointOffset).littleEndian) { record += $0 }
            try record.withUnsafeBytes { try files.checkpointIndex.write(at: state.checkpoints, $0) }
            try io.fdatasync(segmentFD)
            for fd in newFDs { try io.fdatasync(fd) }
            if !newFDs.isEmpty { try io.fsyncDirectory(files.layout.segments) }
        } catch {
            rollBack(newSegments: parts.dropFirst().map(\.segment), newFDs: newFDs, cause: error)
            throw error
        }

        if let newFD = newFDs.last {
            io.close(segmentFD)
            for fd in newFDs.dropLast() { io.close(fd) }
            segmentFD = newFD
        }
        state = LogState(size: size, frontier: frontier, chain: chain, checkpoints: state.checkpoints + 1,
                         segment: parts[last].segment, segmentLength: parts[last].base + Int64(parts[last].bytes.count),
                         latest: SignedCheckpoint(note: note, checkpoint: checkpoint))
        files.publish(size: size, checkpoint: state.latest!, frontier: frontier)
        publishCheckpointFile(force: false)
        unflushedEntries += UInt64(entries.count)
        if unflushedEntries >= flushEntries || ContinuousClock.now - lastFlush >= flushInterval { try? flush() }
        return Committed(firstSeq: first, leafHashes: leaves, checkpoint: state.latest!)
    }

    /// Removes a failed batch: the segment goes back to its last durable length. Cache files
    /// need nothing: their records past the committed size are overwritten by the next batch.
    /// The batch's new segments go entirely: they hold nothing committed.
    private func rollBack(newSegments: [UInt64], newFDs: [Int32], cause: Error) {
        do {
            for fd in newFDs { io.close(fd) }
            for segment in newSegments { unlink(files.layout.segment(segment)) }
            try io.ftruncate(segmentFD, length: state.segmentLength)
            try io.fdatasync(segmentFD)
        } catch {
            broken = error
        }
        // After a failed fsync the page cache may hold data that is not on disk, so the
        // state on disk is re-read before the next batch (the PostgreSQL lesson).
        if let cause = cause as? StorageError, cause.isSyncFailure { broken = cause }
    }

    /// Re-runs recovery from disk, as a fresh open would.
    private func reload(after error: Error) throws {
        io.close(segmentFD)
        segmentFD = -1
        let (recovered, _) = try Recovery.run(files: files, mode: .repair(io))
        segmentFD = try io.open(files.layout.segment(recovered.segment), flags: O_RDWR, mode: 0)
        state = recovered
        broken = nil
        files.publish(size: state.size, checkpoint: state.latest!, frontier: state.frontier)
    }

    /// Writes the latest checkpoint to the `checkpoint` file for readers in other processes,
    /// at most every 100 ms (a rename per batch costs a fifth of the append rate) and on every
    /// flush. It is a convenience and a lower bound for recovery's checks, not the commit
    /// point, so it bypasses the fault-injectable I/O and a failure here loses nothing.
    private func publishCheckpointFile(force: Bool) {
        guard let latest = state.latest, latest.checkpoint.size != publishedSize else { return }
        guard force || ContinuousClock.now - lastPublished >= .milliseconds(100) else { return }
        if (try? PosixIO().replaceFile(files.layout.checkpoint, with: Array(latest.note.utf8), durable: false)) != nil {
            publishedSize = latest.checkpoint.size
            lastPublished = ContinuousClock.now
        }
    }

    /// Makes the caches durable and records how far they go, bounding replay after a crash.
    func flush() throws {
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

    func close() throws {
        defer {
            if segmentFD >= 0 { io.close(segmentFD) }
            segmentFD = -1
        }
        try flush()
    }
}
