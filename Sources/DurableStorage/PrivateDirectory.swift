#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Data directories and export spools hold personal data (ID numbers, names, the service's
/// secrets), so they are private to the service's user (docs/operations.md "File
/// permissions"): directories 0700, files 0600, and a directory that group or others can
/// read is refused rather than used.
public enum PrivateDirectory {
    /// What a process writing such files sets first, so a file any code path creates
    /// without an explicit mode is private too.
    public static let umaskBits: mode_t = 0o077

    /// Sets the process umask to 077 (the service and the exporter call it at start).
    public static func restrictUmask() { _ = umask(umaskBits) }

    /// Why `path` may not be used, or nil: it, or an entry directly in it, grants group or
    /// others any access. Deeper entries are not walked: the 0700 directories above them
    /// already keep others out. The message names the `chmod` that fixes it.
    public static func exposure(of path: String, what: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        var exposed: [String] = []
        if info.st_mode & 0o077 != 0 { exposed.append(path) }
        if let dir = opendir(path) {
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                var child = stat()
                if lstat(path + "/" + name, &child) == 0, child.st_mode & S_IFMT != S_IFLNK, child.st_mode & 0o077 != 0 {
                    exposed.append(path + "/" + name)
                }
            }
        }
        guard let first = exposed.first else { return nil }
        let mode = String(((first == path ? info.st_mode : modeOf(first)) & 0o777), radix: 8)
        return "the \(what) \(path) is readable by group or others (\(first) has mode \(mode)); "
            + "it holds personal data, so it must be private to this user: run `chmod -R go-rwx \(path)` and start again"
    }

    private static func modeOf(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode : 0
    }

    /// Creates `path` and its missing parents with mode 0700 (an existing directory keeps its
    /// mode; `exposure` says whether it may be used).
    public static func create(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + part
            if access(prefix, F_OK) == 0 { continue }
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw StorageError("mkdir", path: prefix, code: errno) }
        }
    }
}
