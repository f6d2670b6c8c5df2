#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The small files of a data directory (the server's principals, secret, admin token,
/// idempotency keys): reads, and writes through `StorageIO` so tests can fail them.
public enum DurableFile {
    /// `StorageIO.replaceFile`: the old contents or the new, never a mix.
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600, io: StorageIO = PosixIO()) throws {
        try io.replaceFile(path, with: bytes, mode: mode)
    }

    /// `StorageIO.createExclusive`: false if `path` existed.
    public static func createExclusive(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600, io: StorageIO = PosixIO()) throws -> Bool {
        try io.createExclusive(path, with: bytes, mode: mode)
    }

    /// The file's bytes, or nil when it does not exist.
    public static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw StorageError("open", path: path, code: errno)
        }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError("read", path: path, code: errno)
            }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The file's permission bits, or nil when it does not exist.
    public static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        if mkdir(path, mode) != 0 && errno != EEXIST { throw StorageError("mkdir", path: path, code: errno) }
    }
}

/// An append-only file of lines, each durable (fdatasync) before `append` returns, written
/// through `StorageIO`. Not thread-safe: its owner serialises calls (IdempotencyStore keeps
/// it under its mutex).
public final class DurableAppendFile: @unchecked Sendable {
    public let path: String
    private let io: StorageIO
    private let fd: Int32
    /// Where the next line goes: the file's end (one writer).
    private var end: Int64

    public init(path: String, mode: mode_t = 0o600, io: StorageIO = PosixIO()) throws {
        let existed = DurableFile.exists(path)
        fd = try io.open(path, flags: O_WRONLY | O_CREAT, mode: mode)
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            io.close(fd)
            throw StorageError("fstat", path: path, code: code)
        }
        end = Int64(info.st_size)
        self.path = path
        self.io = io
        if !existed {
            do { try io.fsyncDirectory(StoragePath.directory(of: path)) } catch {
                io.close(fd)
                throw error
            }
        }
    }

    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try io.writeAll(fd, $0, offset: end) }
        end += Int64(bytes.count)
        try io.fdatasync(fd)
    }

    deinit { io.close(fd) }
}
