import Foundation
import LedgerCrypto

/// What opening a log found and did, for the operator.
public struct RecoveryReport: Sendable, Equatable {
    /// Entries re-read from the segments because the caches did not yet cover them.
    public var replayedEntries: UInt64 = 0
    /// Bytes cut from the end of the log: a torn write, or a batch whose checkpoint never
    /// became durable (never acknowledged).
    public var cutBytes: Int64 = 0
    /// Whole entries in the cut tail (written, never covered by a checkpoint).
    public var cutEntries: UInt64 = 0
    public var notes: [String] = []

    public var isClean: Bool { cutBytes == 0 && notes.isEmpty }

    package init() {}
}

/// The committed state: the log up to and including its last checkpoint frame.
struct LogState {
    var size: UInt64
    var frontier: MerkleFrontier
    var chain: Digest32
    var checkpoints: UInt64
    var segment: UInt64
    /// End of the last checkpoint frame in `segment`.
    var segmentLength: Int64
    var latest: SignedCheckpoint?
}

/// Brings a log directory to its last committed state. In repair mode (the writer, holding
/// the lock) it re-derives the caches past cache-state and cuts the uncommitted tail; in check
/// mode (a reader beside a running writer) it only confirms that the caches agree.
enum Recovery {
    enum Mode { case repair(StorageIO), check }

    static func run(files: LogFiles, mode: Mode) throws -> (LogState, RecoveryReport) {
        let layout = files.layout
        let perSegment = files.config.entriesPerSegment
        var report = RecoveryReport()
        var start = CacheState.load(layout) ?? {
            report.notes.append("cache-state missing or damaged: caches rebuilt from the segments")
            return .empty
        }()
        if start != .empty, !(try cachesCover(start, files: files)) {
            report.notes.append("caches shorter than cache-state says: rebuilt from the segments")
            start = .empty
        }
        guard let startChain = start.chainHash else { throw LogError.corrupt("cache-state: bad chain hash") }

        var state = LogState(size: start.entries, frontier: MerkleFrontier(), chain: startChain, checkpoints: start.checkpoints,
                             segment: start.segment, segmentLength: start.offset, latest: nil)
        if start.entries > 0 {
            state.frontier = try MerkleFrontier(size: start.entries, nodes: FileNodes(files: files))
        }
        if start.checkpoints > 0 { state.latest = try readCheckpoint(files: files, number: start.checkpoints - 1) }

        var sink = CacheSink(files: files, mode: mode)
        var committed = state
        var current = state
        var segment = start.segment
        var offset = start.offset
        var torn: (segment: UInt64, offset: Int64, reason: String)?

        scanning: while true {
            let path = layout.segment(segment)
            switch SegmentScanner.checkHeader(path: path, segment: segment) {
            case .valid: break
            case .missing: break scanning
            case .short:
                torn = (segment, 0, "segment header incomplete")
                break scanning
            case .wrong: throw LogError.corrupt("\(path): wrong segment header")
            }
            let end = try SegmentScanner.scan(path: path, from: offset) { frame in
                switch frame.kind {
                case .entry:
                    let seq = current.size
                    guard seq / perSegment == segment else {
                        throw LogError.corrupt("\(path) offset \(frame.offset): holds seq \(seq), which belongs in segment \(seq / perSegment)")
                    }
                    let leaf = MerkleHashing.leafHash(frame.payload, using: sink.hasher)
                    let chain = MerkleHashing.chainHash(previous: current.chain, leafHash: leaf)
                    guard chain == frame.chain else {
                        throw LogError.corrupt("seq \(seq) (\(path) offset \(frame.offset)): chain hash does not follow from the previous entry")
                    }
                    try sink.index(seq: seq, offset: UInt32(frame.offset))
                    try current.frontier.append(leafHash: leaf) { level, index, hash in
                        if TreeLevels.isStored(level) { try sink.node(level: level, index: index, hash: hash) }
                    }
                    current.size += 1
                    current.chain = chain
                case .checkpoint:
                    let note = String(decoding: frame.payload, as: UTF8.self)
                    let checkpoint: Checkpoint
                    do { checkpoint = try Checkpoint.open(note: note, verifier: files.verifier) } catch {
                        throw LogError.corrupt("\(path) offset \(frame.offset): checkpoint does not verify: \(error)")
                    }
                    guard checkpoint.size == current.size, checkpoint.rootHash == current.frontier.root() else {
                        throw LogError.corrupt("\(path) offset \(frame.offset): checkpoint for size \(checkpoint.size) does not match the entries before it")
                    }
                    try sink.checkpoint(number: current.checkpoints, size: checkpoint.size, segment: segment, offset: frame.offset)
                    current.checkpoints += 1
                    current.segment = segment
                    current.segmentLength = frame.offset + Int64(frame.size)
                    current.latest = SignedCheckpoint(note: note, checkpoint: checkpoint)
                    committed = current
                }
            }
            switch end {
            case .endOfFile:
                // A full segment continues in the next file.
                if current.size == (segment + 1) * perSegment, FileManager.default.fileExists(atPath: layout.segment(segment + 1)) {
                    segment += 1
                    offset = Int64(SegmentHeader.size)
                    continue
                }
                break scanning
            case .torn(let at, let reason):
                torn = (segment, at, reason)
                break scanning
            }
        }

        guard let latest = committed.latest else { throw LogError.corrupt("no checkpoint found in the segments") }
        guard committed.size >= start.entries else {
            throw LogError.corrupt("cache-state covers \(start.entries) entries but the segments hold only \(committed.size) committed")
        }
        if let note = try checkPublished(files: files, against: latest.checkpoint, size: committed.size) { report.notes.append(note) }
        report.replayedEntries = committed.size - start.entries
        report.cutEntries = current.size - committed.size
        if let torn { report.notes.append("torn tail at \(layout.segment(torn.segment)) offset \(torn.offset): \(torn.reason)") }

        // Everything after the last checkpoint frame goes: it was never acknowledged.
        let extra = try tailBytes(layout: layout, after: committed)
        report.cutBytes = extra.bytes
        if extra.bytes > 0 {
            report.notes.append("cut \(extra.bytes) bytes (\(report.cutEntries) unacknowledged entries) after the last checkpoint")
        }
        guard extra.laterSegments.count <= 1 else {
            throw LogError.corrupt("segments after \(layout.segment(committed.segment + 1)) exist past the last checkpoint; refusing to cut them")
        }
        try sink.finish(state: committed, cutSegments: extra.laterSegments)
        return (committed, report)
    }

    /// Throws when a checkpoint handed out earlier covers more than the segments hold.
    ///
    /// The file is replaced without an fsync (it is only a copy for readers), so after a
    /// power loss it can be empty or torn: one that does not verify proves nothing either
    /// way and is only reported (the writer replaces it at its next batch).
    private static func checkPublished(files: LogFiles, against latest: Checkpoint, size: UInt64) throws -> String? {
        guard let data = FileManager.default.contents(atPath: files.layout.checkpoint) else { return nil }
        guard let published = try? Checkpoint.open(note: String(decoding: data, as: UTF8.self), verifier: files.verifier) else {
            return "\(files.layout.checkpoint) does not verify (\(data.count) bytes, torn by a crash?): ignored"
        }
        if published.size > size {
            throw LogError.corrupt("the published checkpoint covers \(published.size) entries but the segments hold only \(size): acknowledged entries are missing")
        }
        if published.size == size && published.rootHash != latest.rootHash {
            throw LogError.corrupt("the published checkpoint for size \(size) has a different root than the segments")
        }
        return nil
    }

    private static func tailBytes(layout: LogLayout, after state: LogState) throws -> (bytes: Int64, laterSegments: [UInt64]) {
        var bytes: Int64 = 0
        let path = layout.segment(state.segment)
        let length = fileSize(path) ?? 0
        bytes += max(0, length - state.segmentLength)
        var later = [UInt64]()
        var next = state.segment + 1
        while fileSize(layout.segment(next)) != nil {
            later.append(next)
            bytes += fileSize(layout.segment(next)) ?? 0
            next += 1
        }
        return (bytes, later)
    }

    private static func cachesCover(_ state: CacheState, files: LogFiles) throws -> Bool {
        guard try files.index.fileRecordCount() >= state.entries,
              try files.checkpointIndex.fileRecordCount() >= state.checkpoints else { return false }
        for level in 0...LogFiles.maxLevel {
            if let column = files.levels[level], try column.fileRecordCount() < state.entries >> UInt64(level) { return false }
        }
        return true
    }

    static func readCheckpoint(files: LogFiles, number: UInt64) throws -> SignedCheckpoint {
        let record = files.checkpointIndex.pointer(number)
        let segment = UInt64(UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let offset = Int64(UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        let header = try files.segments.read(segment: segment, offset: offset, count: Frame.headerSize)
        let length = Int(header[0]) << 8 | Int(header[1])
        let bytes = try files.segments.read(segment: segment, offset: offset, count: Frame.headerSize + length)
        let decoded = bytes.withUnsafeBytes { Frame.decode($0, at: 0) }
        guard case .frame(.checkpoint, let payload, _, _) = decoded else {
            throw LogError.corrupt("checkpoint \(number) at \(files.layout.segment(segment)) offset \(offset) does not check")
        }
        let note = String(decoding: bytes[payload], as: UTF8.self)
        do {
            return SignedCheckpoint(note: note, checkpoint: try Checkpoint.open(note: note, verifier: files.verifier))
        } catch {
            throw LogError.corrupt("checkpoint \(number) does not verify: \(error)")
        }
    }
}

func fileSize(_ path: String) -> Int64? {
    var info = stat()
    return stat(path, &info) == 0 ? Int64(info.st_size) : nil
}
