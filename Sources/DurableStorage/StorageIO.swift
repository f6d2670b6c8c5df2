#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An I/O error with the operation, the file and errno, so an operator can act on it.
public struct StorageError: Error, CustomStringConvertible, Equatable {
    public let operation: String
    public let path: String
    public let code: Int32

    public init(_ operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }
    /// A failed fdatasync or directory fsync: what the page cache holds may not be on disk.
    public var isSyncFailure: Bool { operation == "fdatasync" || operation == "fsync" }
    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// Every call through which the log and the stores beside it (index snapshots, principals,
/// idempotency keys, the export cursor) change files. They go through this and nothing else,
/// so tests can fail any write point the way a full or failing disk would.
public protocol StorageIO: Sendable {
    func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32
    /// Writes at `offset`; may write fewer bytes than asked (the caller loops).
    func pwrite(_ fd: Int32, _ data: UnsafeRawBufferPointer, offset: Int64) throws -> Int
    func fdatasync(_ fd: Int32) throws
    func ftruncate(_ fd: Int32, length: Int64) throws
    func rename(_ from: String, _ to: String) throws
    func fsyncDirectory(_ path: String) throws
    func close(_ fd: Int32)
}

extension StorageIO {
    /// Writes all of `data`, or throws; a short write followed by an error leaves a partial
    /// write behind, which the caller's rollback removes.
    public func writeAll(_ fd: Int32, _ data: UnsafeRawBufferPointer, offset: Int64) throws {
        var done = 0
        while done < data.count {
            let n = try pwrite(fd, UnsafeRawBufferPointer(rebasing: data[done...]), offset: offset + Int64(done))
            done += n
        }
    }
}

/// The real thing: POSIX calls, retried on EINTR.
public struct PosixIO: StorageIO {
    public init() {}

    public func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw StorageError("open", path: path, code: errno) }
        }
    }

    public func pwrite(_ fd: Int32, _ data: UnsafeRawBufferPointer, offset: Int64) throws -> Int {
        while true {
            let n = Glibc.pwrite(fd, data.baseAddress, data.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw StorageError("write", path: FilePath.of(fd), code: errno) }
        }
    }

    public func fdatasync(_ fd: Int32) throws {
        // No retry on error: after a failed fsync the kernel may have dropped the dirty
        // pages, so the caller must treat the unsynced range as lost.
        if Glibc.fdatasync(fd) != 0 { throw StorageError("fdatasync", path: FilePath.of(fd), code: errno) }
    }

    public func ftruncate(_ fd: Int32, length: Int64) throws {
        while Glibc.ftruncate(fd, off_t(length)) != 0 {
            if errno != EINTR { throw StorageError("ftruncate", path: FilePath.of(fd), code: errno) }
        }
    }

    public func rename(_ from: String, _ to: String) throws {
        if Glibc.rename(from, to) != 0 { throw StorageError("rename", path: to, code: errno) }
    }

    public func fsyncDirectory(_ path: String) throws {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY, mode: 0)
        defer { _ = Glibc.close(fd) }
        if Glibc.fsync(fd) != 0 { throw StorageError("fsync", path: path, code: errno) }
    }

    public func close(_ fd: Int32) { _ = Glibc.close(fd) }
}

public enum FilePath {
    /// The path behind a descriptor, for error messages only.
    public static func of(_ fd: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "fd \(fd)"
    }
}
