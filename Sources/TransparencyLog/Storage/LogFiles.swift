#if canImport(Glibc)
import Glibc
#endif
import LedgerCrypto
import Synchronization

/// The read side of a log directory: mapped caches and segment files. Safe to use from any
/// thread; `FileStorageDriver` writes them and says how far they are durable.
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

    func segmentNumber(of seq: UInt64) -> UInt64 { seq / config.entriesPerSegment }

    // MARK: reading entries

    /// Consecutive entries from one or more segments, each frame verified: its check word, and
    /// its leaf hash against the stored tree, so a frame moved, swapped or rewritten with a
    /// fresh CRC behind cache-state (which open does not rescan) is refused, never served.
    /// `size` is how many entries are durable (the index is written that far).
    func entries(from first: UInt64, count: Int, size: UInt64) throws -> [[UInt8]] {
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

    /// The hash of the complete node (level, index): stored levels are read from their
    /// column, the few others recomputed from the stored level below (at most four hashes).
    @inline(__always)
    func node(level: Int, index: UInt64) -> Digest32 {
        if let column = levels[level] { return column.digest(index) }
        let left = node(level: level - 1, index: index << 1)
        let right = node(level: level - 1, index: index << 1 | 1)
        return MerkleHashing.nodeHash(left, right)
    }
}

/// The files' tree as a node source, for nodes known complete (recovery's frontier).
struct FileNodes: MerkleNodeSource {
    let files: LogFiles
    func node(level: Int, index: UInt64) throws -> Digest32 { files.node(level: level, index: index) }
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
