import Foundation
import LedgerCrypto

/// A file written once, front to back, through a buffer: it hashes what it writes and
/// counts rows, and `finish()` fsyncs it. The batch's files are all written this way, so
/// memory stays at one buffer per file whatever the batch size.
final class HashingFileWriter: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let hasher = SHA256Hasher()
    private(set) var bytesWritten = 0
    var rows = 0
    static let bufferSize = 1 << 20

    /// Hashing and writing a full buffer run on this queue, beside the mapping of the next
    /// chunk; at most two buffers are in flight, so memory stays bounded. Only the queue
    /// touches `hasher` and `failure` between `flush` and `finish`.
    private let queue: DispatchQueue
    private let inFlight = DispatchSemaphore(value: 2)
    private var failure: Error?
    private var unsynced = 0
    static let syncEvery = 32 << 20

    init(path: String) throws {
        self.path = path
        queue = DispatchQueue(label: "careledger.export.writer")
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExportError.io("open", path: path, errno: errno) }
        buffer.reserveCapacity(Self.bufferSize + 65536)
    }

    deinit { queue.sync {}; Glibc.close(fd) }

    func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    private func flush() throws {
        if let failure = queue.sync(execute: { self.failure }) { throw failure }
        guard !buffer.isEmpty else { return }
        let bytes = buffer
        buffer = []
        buffer.reserveCapacity(Self.bufferSize + 65536)
        bytesWritten += bytes.count
        inFlight.wait()
        queue.async { [self] in
            defer { inFlight.signal() }
            guard failure == nil else { return }
            hasher.update(bytes)
            do { try bytes.withUnsafeBytes { try DurableIO.writeAll(fd, $0, path: path) } } catch { failure = error; return }
            // Flush to disk as it goes (on this queue, beside the mapping), so finish()'s
            // fsync waits for the tail of the file, not all of it.
            unsynced += bytes.count
            if unsynced >= Self.syncEvery { unsynced = 0; if fdatasync(fd) != 0 { failure = ExportError.io("fdatasync", path: path, errno: errno) } }
        }
    }

    /// Writes what is buffered and fsyncs; returns the SHA-256 of the whole file.
    func finish() throws -> Digest32 {
        try flush()
        if let failure = queue.sync(execute: { self.failure }) { throw failure }
        guard fsync(fd) == 0 else { throw ExportError.io("fsync", path: path, errno: errno) }
        return queue.sync { hasher.finalize() }
    }
}

/// The POSIX steps the exactly-once argument rests on (docs/export.md): write all, fsync,
/// rename, fsync the directory.
enum DurableIO {
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw ExportError.io("write", path: path, errno: errno)
            }
            offset += n
        }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ExportError.io("open", path: path, errno: errno) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw ExportError.io("fsync", path: path, errno: errno) }
    }

    /// Replaces `path` with `bytes` atomically and durably: a temp file beside it, fsync,
    /// rename over, fsync the directory.
    static func replaceFile(_ path: String, with bytes: [UInt8]) throws {
        let temp = path + ".tmp"
        let fd = Glibc.open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExportError.io("open", path: temp, errno: errno) }
        do {
            try bytes.withUnsafeBytes { try writeAll(fd, $0, path: temp) }
            guard fsync(fd) == 0 else { throw ExportError.io("fsync", path: temp, errno: errno) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        Glibc.close(fd)
        guard rename(temp, path) == 0 else { throw ExportError.io("rename", path: path, errno: errno) }
        try syncDirectory(directory(of: path))
    }

    static func writeNewFile(_ path: String, _ bytes: [UInt8]) throws -> Digest32 {
        let writer = try HashingFileWriter(path: path)
        try writer.append { $0.append(contentsOf: bytes) }
        return try writer.finish()
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
