#if canImport(Glibc)
import Glibc
#endif
import LedgerCrypto
import Synchronization

/// The read side of a log directory: mapped caches, segment files, the committed size and
/// the latest checkpoint. Safe to use from any thread; the one writer publishes progress
/// through `committedSize` after the data it covers is durable.
final class LogFiles: Sendable {
    static let maxEntries: UInt64 = 1 << 32
    static let maxLevel = 32

    let layout: LogLayout
    let config: LogConfig
    let verifier: NoteVerifier
    let index: MappedColumn
    /// Indexed by level; nil where the level is not stored.
    let levels: [MappedColumn?]
    let checkpointIndex: MappedColumn
    let segments: SegmentReader

    private let committed = Atomic<UInt64>(0)
    private let latest: Mutex<SignedCheckpoint?> = Mutex(nil)
    private let rightEdge = Mutex(RightEdge(size: 0, starts: [], hashes: []))

    /// MTH(D[start:size]) for each start of a perfect subtree of the committed tree's frontier.
    struct RightEdge {
        var size: UInt64
        var starts: [UInt64]
        var hashes: [Digest32]

        init(size: UInt64, starts: [UInt64], hashes: [Digest32]) {
            (self.size, self.starts, self.hashes) = (size, starts, hashes)
        }

        init(frontier: MerkleFrontier) {
            size = frontier.size
            var starts = [UInt64](), start: UInt64 = 0
            for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
                starts.append(start)
                start += UInt64(1) << UInt64(level)
            }
            var hashes = frontier.hashes
            if hashes.count > 1 {
                for i in stride(from: hashes.count - 2, through: 0, by: -1) { hashes[i] = MerkleHashing.nodeHash(hashes[i], hashes[i + 1]) }
            }
            self.starts = starts
            self.hashes = hashes
        }
    }

    init(layout: LogLayout, io: StorageIO?) throws {
        self.layout = layout
        config = try LogConfig.load(layout)
        verifier = try config.verifier()
        index = try MappedColumn(path: layout.index, recordSize: 4, capacity: Self.maxEntries, io: io)
        var levels = [MappedColumn?]()
        for level in 0...Self.maxLevel {
            if TreeLevels.isStored(level) {
                levels.append(try MappedColumn(path: layout.treeLevel(level), recordSize: 32, capacity: max(1, Self.maxEntries >> UInt64(level)), io: io))
            } else {
                levels.append(nil)
            }
        }
        self.levels = levels
        checkpointIndex = try MappedColumn(path: layout.checkpointIndex, recordSize: 16, capacity: Self.maxEntries, io: io)
        segments = SegmentReader(layout: layout)
    }

    var committedSize: UInt64 { committed.load(ordering: .acquiring) }
    var latestCheckpoint: SignedCheckpoint? { latest.withLock { $0 } }

    /// The size is published before the checkpoint: a reader that takes the latest checkpoint
    /// and then asks for a proof at its size must find the log at least that large. (In the
    /// other order a check under load saw a checkpoint of 68914 beside a size of 68910 and
    /// answered 503 — crash-under-load, RELIABILITY.md.)
    func publish(size: UInt64, checkpoint: SignedCheckpoint, frontier: MerkleFrontier) {
        let edge = RightEdge(frontier: frontier)
        rightEdge.withLock { $0 = edge }
        committed.store(size, ordering: .releasing)
        latest.withLock { $0 = checkpoint }
    }

    func rightEdgeHash(start: UInt64, end: UInt64) -> Digest32? {
        rightEdge.withLock { edge in
            guard edge.size == end, let i = edge.starts.firstIndex(of: start) else { return nil }
            return edge.hashes[i]
        }
    }

    func segmentNumber(of seq: UInt64) -> UInt64 { seq / config.entriesPerSegment }

    // MARK: reading entries

    /// The entry at `seq`, with its stored check word verified.
    func entry(at seq: UInt64) throws -> [UInt8] {
        try entries(from: seq, count: 1)[0]
    }

    /// Consecutive entries from one or more segments, each frame verified: its check word, and
    /// its leaf hash against the stored tree, so a frame moved, swapped or rewritten with a
    /// fresh CRC behind cache-state (which open does not rescan) is refused, never served.
    func entries(from first: UInt64, count: Int) throws -> [[UInt8]] {
        let size = committedSize
        guard count > 0 else { return [] }
        guard first < size, first + UInt64(count) <= size else {
            throw LogError.seqOutOfRange(seq: first + UInt64(count) - 1, size: size)
        }
        var out = [[UInt8]]()
        out.reserveCapacity(count)
        var seq = first
        let end = first + UInt64(count)
        while seq < end {
            let segment = segmentNumber(of: seq)
            let lastInSegment = min(end, (segment + 1) * config.entriesPerSegment) - 1
            let start = Int64(index.uint32(seq))
            let lastOffset = Int64(index.uint32(lastInSegment))
            let stop: Int64
            if lastInSegment + 1 < size && segmentNumber(of: lastInSegment + 1) == segment {
                // The next entry's offset bounds the last frame (a checkpoint frame between them
                // is read too, and skipped): one read instead of two, which single-entry reads
                // (a check's findings) feel.
                stop = Int64(index.uint32(lastInSegment + 1))
            } else {
                // The last frame's size is unknown until its header is read.
                let header = try segments.read(segment: segment, offset: lastOffset, count: Frame.headerSize)
                let lastLength = Int(header[0]) << 8 | Int(header[1])
                stop = lastOffset + Int64(Frame.size(kind: .entry, payloadCount: lastLength))
            }
            guard start <= lastOffset, stop > lastOffset else {
                throw LogError.corrupt("index of seq \(seq)...\(lastInSegment) is out of order; run 'careledger log verify'")
            }
            let bytes = try segments.read(segment: segment, offset: start, count: Int(stop - start))
            // CRC and leaf hash of each frame are independent: a long read checks them on
            // every core (the exporter reads a thousand entries at a time).
            let firstSeq = seq
            let checked = ParallelMap.mapSlices(count: Int(lastInSegment - seq + 1)) { [self] range in
                let hasher = SHA256Hasher()
                return bytes.withUnsafeBytes { raw in
                    range.map { i in checkedEntry(raw, seq: firstSeq + UInt64(i), base: start, hasher: hasher) }
                }
            }
            for (i, result) in checked.enumerated() {
                switch result {
                case .entry(let entry): out.append(entry)
                case .badFrame:
                    let s = firstSeq + UInt64(i)
                    throw LogError.corrupt("frame of seq \(s) at \(layout.segment(segment)) offset \(Int64(index.uint32(s))) does not check; run 'careledger log verify'")
                case .badLeaf:
                    let s = firstSeq + UInt64(i)
                    throw LogError.corrupt("entry \(s) at \(layout.segment(segment)) offset \(Int64(index.uint32(s))) does not match its leaf hash; run 'careledger log verify'")
                }
            }
            seq = lastInSegment + 1
        }
        return out
    }

    private enum CheckedEntry: Sendable { case entry([UInt8]), badFrame, badLeaf }

    /// The entry frame of `seq` in `raw` (segment bytes from offset `base`), checked.
    private func checkedEntry(_ raw: UnsafeRawBufferPointer, seq: UInt64, base: Int64, hasher: SHA256Hasher) -> CheckedEntry {
        // Checkpoint frames may sit between entries, so each frame is found by the index.
        let at = Int(Int64(index.uint32(seq)) - base)
        guard at >= 0, at < raw.count, case .frame(.entry, let payload, _, _) = Frame.decode(raw, at: at) else { return .badFrame }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[payload])
        guard MerkleHashing.leafHash(bytes, using: hasher) == levels[0]!.digest(seq) else { return .badLeaf }
        return .entry(Array(bytes))
    }

    func leafHash(at seq: UInt64) throws -> Digest32 {
        let size = committedSize
        guard seq < size else { throw LogError.seqOutOfRange(seq: seq, size: size) }
        return levels[0]!.digest(seq)
    }
}

/// The stored tree as a `MerkleNodeSource` for one tree size: complete nodes come from the
/// stored levels, and the few unstored levels are recomputed from the stored level below.
struct StoredTree: MerkleNodeSource {
    let files: LogFiles
    let size: UInt64

    func node(level: Int, index: UInt64) throws -> Digest32 {
        guard level >= 0, level <= LogFiles.maxLevel, (index + 1) << UInt64(level) <= size else {
            throw LogError.invalidArgument("node (level \(level), index \(index)) is not complete in a tree of size \(size)")
        }
        return compute(level: level, index: index)
    }

    func cachedRangeHash(start: UInt64, end: UInt64) -> Digest32? {
        files.rightEdgeHash(start: start, end: end)
    }

    @inline(__always)
    private func compute(level: Int, index: UInt64) -> Digest32 {
        if let column = files.levels[level] { return column.digest(index) }
        let left = compute(level: level - 1, index: index << 1)
        let right = compute(level: level - 1, index: index << 1 | 1)
        return MerkleHashing.nodeHash(left, right)
    }
}

/// A checkpoint as signed: the note text and what it says.
public struct SignedCheckpoint: Sendable, Equatable {
    public let note: String
    public let checkpoint: Checkpoint

    public init(note: String, checkpoint: Checkpoint) {
        self.note = note
        self.checkpoint = checkpoint
    }
}

/// Reads segment files with pread through a small cache of open descriptors. A descriptor
/// closes when its last reader lets go, so eviction never pulls one from under a read.
final class SegmentReader: Sendable {
    private final class Descriptor: Sendable {
        let fd: Int32
        init(_ fd: Int32) { self.fd = fd }
        deinit { Glibc.close(fd) }
    }

    private let layout: LogLayout
    private let descriptors = Mutex<[UInt64: Descriptor]>([:])

    init(layout: LogLayout) { self.layout = layout }

    func read(segment: UInt64, offset: Int64, count: Int) throws -> [UInt8] {
        let file = try descriptor(segment)
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError("read", path: layout.segment(segment), code: errno)
            }
            if n == 0 { throw LogError.corrupt("\(layout.segment(segment)) ends at \(offset + Int64(done)), before the frame it indexes") }
            done += n
        }
        return out
    }

    /// Forgets descriptors of segments at or after `segment` (after recovery removed them).
    func forget(from segment: UInt64) {
        descriptors.withLock { table in
            for number in table.keys where number >= segment { table[number] = nil }
        }
    }

    private func descriptor(_ segment: UInt64) throws -> Descriptor {
        try descriptors.withLock { table in
            if let file = table[segment] { return file }
            let fd = Glibc.open(layout.segment(segment), O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw StorageError("open", path: layout.segment(segment), code: errno) }
            if table.count >= 64, let victim = table.keys.min() { table[victim] = nil }
            let file = Descriptor(fd)
            table[segment] = file
            return file
        }
    }
}
