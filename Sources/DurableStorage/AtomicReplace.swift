#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way files are replaced durably (docs/architecture.md, "Durable writes"): every
/// store that keeps a small file — the log's state and config, index snapshots, principals,
/// idempotency keys, the export cursor — replaces it here, through a `StorageIO`, so a crash
/// leaves the old or the new contents and a fault injected into any step leaves the old.
extension StorageIO {
    /// Replaces `path` with `bytes` atomically: a temporary file beside it (`temporary`,
    /// default `path.tmp`), written, fdatasync'd, renamed over `path`; `durable` also fsyncs
    /// the directory so the rename itself survives a power loss. On any failure before the
    /// rename the temporary file is removed and `path` is untouched.
    public func replaceFile(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600, durable: Bool = true,
                            temporary: String? = nil) throws {
        let temporary = temporary ?? path + ".tmp"
        let fd = try open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        do {
            // A temporary file left by a crash keeps its old mode through O_TRUNC.
            if fchmod(fd, mode) != 0 { throw StorageError("fchmod", path: temporary, code: errno) }
            try bytes.withUnsafeBytes { try writeAll(fd, $0, offset: 0) }
            if durable { try fdatasync(fd) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        do { try rename(temporary, path) } catch {
            unlink(temporary)
            throw error
        }
        if durable { try fsyncDirectory(StoragePath.directory(of: path)) }
    }

    /// Creates `path` with `bytes` only if it does not exist yet (O_EXCL), durably: false if
    /// it existed. A failure after the create removes the partial file.
    public func createExclusive(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws -> Bool {
        let fd: Int32
        do { fd = try open(path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode) } catch let error as StorageError where error.code == EEXIST {
            return false
        }
        do {
            if fchmod(fd, mode) != 0 { throw StorageError("fchmod", path: path, code: errno) }
            try bytes.withUnsafeBytes { try writeAll(fd, $0, offset: 0) }
            try fdatasync(fd)
            close(fd)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        try fsyncDirectory(StoragePath.directory(of: path))
        return true
    }

    /// Renames `from` to `to` (a file or a directory whose contents are already durable) and
    /// fsyncs the directory holding `to`, so the new name survives a power loss.
    public func renameDurably(_ from: String, _ to: String) throws {
        try rename(from, to)
        try fsyncDirectory(StoragePath.directory(of: to))
    }
}

public enum StoragePath {
    /// The directory holding `path` ("." for a bare name, "/" for a name in the root).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
