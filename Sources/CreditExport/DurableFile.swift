import DurableStorage
import Foundation
import LedgerCrypto

// Glibc does not export O_DIRECT (it needs _GNU_SOURCE); the values are Linux's.
#if os(Linux) && (arch(x86_64) || arch(i386))
private let directIO: Int32 = 0o40000
#elseif os(Linux) && (arch(arm64) || arch(arm))
private let directIO: Int32 = 0o200000
#else
private let directIO: Int32 = 0
#endif

/// A file written once, front to back, through a buffer: it hashes what it writes and
/// counts rows, and `finish()` fsyncs it. The batch's files are all written this way, so
/// memory stays at a few buffers per file whatever the batch size.
///
/// Where the file system allows it the file is opened with O_DIRECT: full buffers go from
/// this process's memory to the disk without a copy into the page cache (that copy cost as
/// much CPU as mapping a fifth of the records), which needs block-aligned buffers, offsets
/// and lengths. The tail is written padded to a block and the file truncated to its length
/// before the fsync. Elsewhere (tmpfs) it falls back to ordinary buffered writes.
final class HashingFileWriter: @unchecked Sendable {
    let path: String
    private let fd: Int32
    /// Opened with O_DIRECT: the caller hands whole blocks to the queue (fixed at open).
    private let alignWrites: Bool
    /// Still writing directly (queue-owned: a refused direct write turns it off).
    private var direct: Bool
    private let hasher = SHA256Hasher()
    private(set) var bytesWritten = 0
    var rows = 0
    static let bufferSize = 1 << 20
    static let block = 4096

    /// The buffer being filled; `filled` bytes of it hold data.
    private var buffer: UnsafeMutableRawBufferPointer
    private var filled = 0

    /// Hashing and writing a full buffer run on this queue, beside the mapping of the next
    /// chunk; at most two buffers are in flight, so memory stays bounded. Only the queue
    /// touches `hasher`, `failure`, `offset` and the free list between `flush` and `finish`.
    private let queue: DispatchQueue
    private let inFlight = DispatchSemaphore(value: 2)
    private var failure: Error?
    private var free: [UnsafeMutableRawBufferPointer] = []
    private let freeLock = NSLock()
    private var offset: off_t = 0
    private var unsynced = 0
    static let syncEvery = 32 << 20

    init(path: String) throws {
        self.path = path
        queue = DispatchQueue(label: "careledger.export.writer")
        var fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | directIO, 0o600)
        direct = fd >= 0 && directIO != 0
        alignWrites = direct
        if fd < 0 && errno == EINVAL { fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        guard fd >= 0 else { throw ExportError.io("open", path: path, errno: errno) }
        self.fd = fd
        buffer = Self.allocate()
    }

    deinit {
        queue.sync {}
        Glibc.close(fd)
        buffer.deallocate()
        for b in free { b.deallocate() }
    }

    private static func allocate() -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: block)
    }

    /// Appends bytes (a row, most often).
    func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        if try bytes.withContiguousStorageIfAvailable({ try write(raw: UnsafeRawBufferPointer($0)) }) == nil {
            try Array(bytes).withUnsafeBytes { try write(raw: $0) }
        }
    }

    /// Appends what `body` builds (headers and rejects: rare, so a temporary array is fine).
    func append(_ body: (inout [UInt8]) -> Void) throws {
        var bytes = [UInt8]()
        body(&bytes)
        try write(bytes)
    }

    private func write(raw: UnsafeRawBufferPointer) throws {
        var rest = raw
        while !rest.isEmpty {
            let n = min(rest.count, buffer.count - filled)
            (buffer.baseAddress! + filled).copyMemory(from: rest.baseAddress!, byteCount: n)
            filled += n
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            if filled == buffer.count { try flush() }
        }
    }

    /// Hands the full part of the buffer to the queue. In direct mode only whole blocks go;
    /// the remainder starts the next buffer.
    private func flush(final: Bool = false) throws {
        if let failure = queue.sync(execute: { self.failure }) { throw failure }
        guard filled > 0 else { return }
        let data = filled
        let writable = alignWrites && !final ? data / Self.block * Self.block : data
        guard writable > 0 else { return }
        let full = Block(memory: buffer)
        buffer = takeFree() ?? Self.allocate()
        let carry = data - writable
        if carry > 0 { buffer.baseAddress!.copyMemory(from: full.memory.baseAddress! + writable, byteCount: carry) }
        filled = carry
        bytesWritten += writable
        inFlight.wait()
        queue.async { [self] in
            let memory = full.memory
            defer { giveBack(memory); inFlight.signal() }
            guard failure == nil else { return }
            hasher.update(UnsafeRawBufferPointer(rebasing: memory[0..<writable]))
            // A direct write of the tail is padded to a whole block; finish() truncates.
            let length = direct ? (writable + Self.block - 1) / Self.block * Self.block : writable
            if length > writable { (memory.baseAddress! + writable).initializeMemory(as: UInt8.self, repeating: 0, count: length - writable) }
            do { try writeOut(UnsafeRawBufferPointer(rebasing: memory[0..<length])) } catch { failure = error; return }
            offset += off_t(writable)
            // Flush to disk as it goes (on this queue, beside the mapping), so finish()'s
            // fsync waits for the tail of the file, not all of it.
            unsynced += writable
            if unsynced >= Self.syncEvery { unsynced = 0; if fdatasync(fd) != 0 { failure = ExportError.io("fdatasync", path: path, errno: errno) } }
        }
    }

    /// pwrite at the file's logical end; a file system that refuses direct I/O after the open
    /// (EINVAL) gets buffered writes from then on.
    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, offset + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && direct {
                    let flags = fcntl(fd, F_GETFL)
                    guard flags >= 0, fcntl(fd, F_SETFL, flags & ~directIO) == 0 else { throw ExportError.io("fcntl", path: path, errno: errno) }
                    direct = false
                    continue
                }
                throw ExportError.io("write", path: path, errno: errno)
            }
            done += n
        }
    }

    /// A buffer handed to the queue: only the queue touches it until it is given back.
    private struct Block: @unchecked Sendable { let memory: UnsafeMutableRawBufferPointer }

    private func takeFree() -> UnsafeMutableRawBufferPointer? {
        freeLock.lock(); defer { freeLock.unlock() }
        return free.popLast()
    }

    private func giveBack(_ b: UnsafeMutableRawBufferPointer) {
        freeLock.lock(); defer { freeLock.unlock() }
        free.append(b)
    }

    /// Writes what is buffered and fsyncs; returns the SHA-256 of the whole file.
    func finish() throws -> Digest32 {
        try flush(final: true)
        return try queue.sync {
            if let failure { throw failure }
            // A padded direct tail: the file ends where the data does.
            guard ftruncate(fd, offset) == 0 else { throw ExportError.io("ftruncate", path: path, errno: errno) }
            guard fsync(fd) == 0 else { throw ExportError.io("fsync", path: path, errno: errno) }
            return hasher.finalize()
        }
    }
}

/// The batch's small files (manifest, signature) go through the same hashing writer; the
/// cursor and the batch rename go through `StorageIO` (DurableStorage), the one durable-replace
/// path the other stores share.
enum DurableIO {
    static func writeNewFile(_ path: String, _ bytes: [UInt8]) throws -> Digest32 {
        let writer = try HashingFileWriter(path: path)
        try writer.write(bytes)
        return try writer.finish()
    }
}

extension ExportError {
    /// Runs `body`, reporting a `StorageError` as the exporter's I/O error (exit status 1).
    static func reportingStorage<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StorageError {
            throw ExportError.io(error.operation, path: error.path, errno: error.code)
        }
    }
}
