import Glibc

/// A failed system call on one of the server's own files (principals, secret, idempotency
/// keys). Carries the path and errno, never file contents.
public struct ServerStorageError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let path: String
    public let code: Int32

    package init(_ operation: String, _ path: String, _ code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// Small files written so that a crash leaves either the old or the new contents.
package enum DurableFile {
    /// Writes `bytes` to a temporary file beside `path`, fsyncs it, renames it over `path`
    /// and fsyncs the directory.
    package static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ServerStorageError("open", temporary) }
        do {
            guard fchmod(fd, mode) == 0 else { throw ServerStorageError("fchmod", temporary) }
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw ServerStorageError("fsync", temporary) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ServerStorageError("rename", path, code)
        }
        try syncDirectory(of: path)
    }

    /// Creates `path` only if it does not exist yet (O_EXCL), durably. False if it existed.
    package static func createExclusive(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw ServerStorageError("open", path)
        }
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else { throw ServerStorageError("fchmod", path) }
        try writeAll(fd, bytes, path: path)
        guard fsync(fd) == 0 else { throw ServerStorageError("fsync", path) }
        try syncDirectory(of: path)
        return true
    }

    /// The file's bytes, or nil when it does not exist.
    package static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw ServerStorageError("open", path)
        }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ServerStorageError("read", path)
            }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The file's permission bits, or nil when it does not exist.
    package static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    package static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        if mkdir(path, mode) != 0 && errno != EEXIST { throw ServerStorageError("mkdir", path) }
    }

    package static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ServerStorageError("write", path)
            }
            written += n
        }
    }

    package static func syncDirectory(of path: String) throws {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ServerStorageError("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ServerStorageError("fsync", directory) }
    }
}

/// An append-only file of lines, each durable (fdatasync) before `append` returns. Not
/// thread-safe: its owner serialises calls (IdempotencyStore keeps it under its mutex).
package final class DurableAppendFile: @unchecked Sendable {
    private let fd: Int32
    package let path: String

    package init(path: String, mode: mode_t = 0o600) throws {
        let existed = DurableFile.exists(path)
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ServerStorageError("open", path) }
        self.path = path
        if !existed { try DurableFile.syncDirectory(of: path) }
    }

    package func append(_ bytes: [UInt8]) throws {
        try DurableFile.writeAll(fd, bytes, path: path)
        guard fdatasync(fd) == 0 else { throw ServerStorageError("fdatasync", path) }
    }

    deinit { close(fd) }
}
