import DurableStorage
#if canImport(Glibc)
import Glibc
#endif

/// Where `serve` finds the vault keys, and the rules a key file must meet: it is not inside
/// the data directory (a backup of the directory would otherwise hold the plaintext's key)
/// and nobody but its owner can read it.
public enum VaultKeySource: Equatable, Sendable {
    /// A key file, created on first use.
    case file(String)
    /// The key file's content itself, from `CARELEDGER_VAULT_KEY` (a container secret).
    case content(String)

    public static let fileVariable = "CARELEDGER_VAULT_KEY_FILE"
    public static let contentVariable = "CARELEDGER_VAULT_KEY"

    /// `--vault-key-file`, else `CARELEDGER_VAULT_KEY_FILE`, else `CARELEDGER_VAULT_KEY`, else
    /// `defaultPath` (so a first `serve` needs nothing configured).
    public static func resolve(flag: String?, environment: [String: String], defaultPath: String) -> VaultKeySource {
        if let flag, !flag.isEmpty { return .file(flag) }
        if let path = environment[fileVariable], !path.isEmpty { return .file(path) }
        if let content = environment[contentVariable], !content.isEmpty { return .content(content) }
        return .file(defaultPath)
    }

    /// The default key file beside a data directory: `<parent>/careledger-vault.key`, so the
    /// default `./careledger-data` gets `./careledger-vault.key`.
    public static func defaultPath(besideDataDirectory data: String) -> String {
        var trimmed = data
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return StoragePath.directory(of: trimmed) + "/careledger-vault.key"
    }
}

public enum VaultKeyFile {
    /// What loading found: the keys, and the notice to print once when the file was created.
    public struct Loaded: Sendable {
        public let keys: VaultKeys
        public let createdNotice: String?
    }

    /// Reads the keys from `source`; a missing key file is created (0600, O_EXCL, fsync'd with
    /// its directory) with new keys. Refuses a key file inside `dataDirectory` or readable by
    /// group or others.
    public static func load(_ source: VaultKeySource, dataDirectory: String) throws(VaultError) -> Loaded {
        switch source {
        case .content(let text):
            return Loaded(keys: try VaultKeys.parse(text, origin: "$\(VaultKeySource.contentVariable)"), createdNotice: nil)
        case .file(let path):
            try refuseInside(path, dataDirectory: dataDirectory)
            if !DurableFile.exists(path) {
                let keys = VaultKeys.generate()
                do {
                    try PrivateDirectory.create(StoragePath.directory(of: path))
                    // O_EXCL: two first starts at once must not each make (and one lose) a key.
                    if try DurableFile.createExclusive(path, with: Array(keys.serialized().utf8), mode: 0o600) {
                        return Loaded(keys: keys, createdNotice: """
                            created the vault key file \(path) (mode 0600). Back it up now, and keep the backup APART \
                            from the data directory's backups: a backup holding both is a backup of the plaintext, \
                            and without it the records' personal parts cannot be read (docs/operations.md "Vault keys").
                            """)
                    }
                } catch let error as StorageError {
                    throw .keyFile("cannot create the vault key file: \(error)")
                } catch {
                    throw .keyFile("cannot create the vault key file \(path): \(error)")
                }
            }
            return Loaded(keys: try read(path), createdNotice: nil)
        }
    }

    /// Reads an existing key file after checking its mode.
    public static func read(_ path: String) throws(VaultError) -> VaultKeys {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .keyFile("cannot read the vault key file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .keyFile("the vault key file \(path) is not a regular file") }
        if info.st_mode & 0o077 != 0 {
            throw .keyFile("the vault key file \(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                + "run `chmod 600 \(path)` and start again")
        }
        let bytes: [UInt8]?
        do { bytes = try DurableFile.read(path) } catch { throw .keyFile("cannot read the vault key file: \(error)") }
        guard let bytes else { throw .keyFile("the vault key file \(path) does not exist") }
        return try VaultKeys.parse(String(decoding: bytes, as: UTF8.self), origin: path)
    }

    /// Appends a new index key to the file (atomically replaced, mode kept 0600) and answers
    /// its id. The index rebuilds under it at the next start.
    public static func rotateIndexKey(at path: String) throws(VaultError) -> String {
        let rotated = try read(path).rotatingIndexKey()
        do { try DurableFile.replace(path, with: Array(rotated.serialized().utf8), mode: 0o600) } catch {
            throw .keyFile("cannot rewrite the vault key file: \(error)")
        }
        return rotated.currentIndexKey.id
    }

    /// Refuses `path` when it resolves to a place inside `dataDirectory` (symbolic links and
    /// `..` resolved, for paths that do not exist yet through their nearest existing parent).
    public static func refuseInside(_ path: String, dataDirectory: String) throws(VaultError) {
        let key = resolved(path), data = resolved(dataDirectory)
        if key == data || key.hasPrefix(data == "/" ? "/" : data + "/") {
            throw .keyFile("the vault key file \(path) is inside the data directory \(dataDirectory); keep it elsewhere "
                + "(e.g. --vault-key-file /etc/careledger/vault.key): a backup of the data directory would hold the key to its personal data")
        }
    }

    /// The real path of `path`: its longest existing prefix through realpath(3), the rest
    /// appended with `.` and `..` applied.
    static func resolved(_ path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            let cwd = getcwd(nil, 0)
            defer { free(cwd) }
            absolute = (cwd.map { String(cString: $0) } ?? ".") + "/" + path
        }
        var parts = absolute.split(separator: "/").map(String.init)
        var rest: [String] = []
        while true {
            let candidate = "/" + parts.joined(separator: "/")
            if let real = realpath(candidate, nil) {
                defer { free(real) }
                var out = String(cString: real).split(separator: "/").map(String.init)
                for part in rest.reversed() {
                    if part == "." || part.isEmpty { continue }
                    if part == ".." { if !out.isEmpty { out.removeLast() } } else { out.append(part) }
                }
                return "/" + out.joined(separator: "/")
            }
            guard let last = parts.popLast() else { return absolute }
            rest.append(last)
        }
    }
}
