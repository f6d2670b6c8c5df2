import Foundation
import LedgerCrypto

/// Where recovery puts what it re-derives from the segments: into the cache files (repair),
/// or compared against them (check). Writes are batched per file so that rebuilding a large
/// log costs a few large writes, not one syscall per entry.
struct CacheSink {
    let files: LogFiles
    let mode: Recovery.Mode
    let hasher = SHA256Hasher()
    private var pending: [ObjectIdentifier: (column: MappedColumn, start: UInt64, bytes: [UInt8])] = [:]
    /// The lowest seq whose cached data disagreed (check mode).
    private var firstMismatch: (seq: UInt64, what: String)?

    init(files: LogFiles, mode: Recovery.Mode) {
        self.files = files
        self.mode = mode
    }

    mutating func index(seq: UInt64, offset: UInt32) throws {
        var value = offset.littleEndian
        try record(files.index, at: seq, bytes: withUnsafeBytes(of: &value) { Array($0) }, seq: seq)
    }

    mutating func node(level: Int, index: UInt64, hash: Digest32) throws {
        // The last leaf the node covers decides whether it is committed.
        try record(files.levels[level]!, at: index, bytes: hash.bytes, seq: ((index + 1) << UInt64(level)) - 1)
    }

    mutating func checkpoint(number: UInt64, size: UInt64, segment: UInt64, offset: Int64) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        withUnsafeBytes(of: size.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(segment).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(offset).littleEndian) { bytes += $0 }
        try record(files.checkpointIndex, at: number, bytes: bytes, seq: size == 0 ? 0 : size - 1)
    }

    private mutating func record(_ column: MappedColumn, at index: UInt64, bytes: [UInt8], seq: UInt64) throws {
        switch mode {
        case .check:
            let present = try column.fileRecordCount() > index
            let same = present && bytes.withUnsafeBytes { memcmp($0.baseAddress!, column.pointer(index), bytes.count) == 0 }
            if !same, firstMismatch == nil || seq < firstMismatch!.seq {
                firstMismatch = (seq, "\(column.path) record \(index)")
            }
        case .repair:
            let key = ObjectIdentifier(column)
            if var entry = pending[key], entry.start + UInt64(entry.bytes.count / column.recordSize) == index {
                pending[key] = nil
                entry.bytes += bytes
                if entry.bytes.count >= 1 << 20 {
                    try entry.bytes.withUnsafeBytes { try column.write(at: entry.start, $0) }
                } else {
                    pending[key] = entry
                }
            } else {
                if let entry = pending[key] { try entry.bytes.withUnsafeBytes { try column.write(at: entry.start, $0) } }
                pending[key] = (column, index, bytes)
            }
        }
    }

    /// Completes recovery for `state`: in repair mode cuts the tail and makes the caches and
    /// cache-state durable; in check mode throws if committed data disagreed with the caches.
    mutating func finish(state: LogState, cutSegments: [UInt64]) throws {
        switch mode {
        case .check:
            if let mismatch = firstMismatch, mismatch.seq < state.size {
                throw LogError.unavailable("caches past the last flush disagree with the segments (\(mismatch.what)); open the log with its writer (careledger serve) to recover it")
            }
        case .repair(let io):
            for entry in pending.values {
                try entry.bytes.withUnsafeBytes { try entry.column.write(at: entry.start, $0) }
            }
            pending = [:]
            let layout = files.layout
            let fd = try io.open(layout.segment(state.segment), flags: O_RDWR, mode: 0)
            defer { io.close(fd) }
            try io.ftruncate(fd, length: state.segmentLength)
            try io.fdatasync(fd)
            for segment in cutSegments {
                if unlink(layout.segment(segment)) != 0 { throw StorageError("unlink", path: layout.segment(segment), code: errno) }
            }
            if !cutSegments.isEmpty { try io.fsyncDirectory(layout.segments) }
            files.segments.forget(from: state.segment + 1)
            try CacheSink.flush(files: files, io: io, state: state)
        }
    }

    /// Trims the caches to `state`, makes them durable, then records that in cache-state.
    static func flush(files: LogFiles, io: StorageIO, state: LogState) throws {
        try files.index.truncate(records: state.size)
        try files.index.sync()
        for level in 0...LogFiles.maxLevel {
            guard let column = files.levels[level] else { continue }
            try column.truncate(records: state.size >> UInt64(level))
            try column.sync()
        }
        try files.checkpointIndex.truncate(records: state.checkpoints)
        try files.checkpointIndex.sync()
        let cacheState = CacheState(entries: state.size, checkpoints: state.checkpoints, segment: state.segment,
                                    offset: state.segmentLength, chain: state.chain.base64)
        try io.replaceFile(files.layout.cacheState, with: cacheState.encoded(), durable: true)
    }
}
