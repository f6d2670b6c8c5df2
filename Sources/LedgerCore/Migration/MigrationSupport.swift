import CreditRecords
import DurableStorage
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a migration did, printed by `careledger migrate` and kept as `<NEW>/migration.json`.
public struct MigrationReport: Sendable, Equatable, Codable {
    public struct Log: Sendable, Equatable, Codable {
        public let origin: String
        public let verifierKey: String
        public let size: UInt64
        public let rootHash: String
        /// The signed note of the log's last checkpoint.
        public let checkpoint: String
    }

    public struct Appended: Sendable, Equatable, Codable {
        /// Records whose personal part went to the vault (the rest were public throughout).
        public var sealed = 0
        /// Seq members moved by the offset (targets, followUpOf, lifts, managerOf).
        public var rewrittenReferences = 0
        /// Client signatures left out because the body they covered changed.
        public var droppedClientSignatures = 0
        /// Sealed records of OLD whose personal part OLD's vault no longer held (erased):
        /// their leaves went over public-only.
        public var erased = 0
        public init() {}
    }

    public let from: Log
    public let to: Log
    /// Old seq n is new seq n + seqOffset; seq 0 of the new log is the migration record.
    public let seqOffset: UInt64
    /// Old records per kind (all re-appended).
    public let kinds: [String: Int]
    public let appended: Appended
    /// Files and logs carried over unchanged from the old directory.
    public let copied: [String]
    public let completedAt: String

    func jsonBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// The report as written by a finished migration, or nil.
    public static func read(dataDirectory: String) throws -> MigrationReport? {
        guard let bytes = try DurableFile.read(ServerDataDirectory(dataDirectory).root + "/" + LogMigration.reportFile) else { return nil }
        return try JSONDecoder().decode(MigrationReport.self, from: Data(bytes))
    }
}

/// The files a migration carries over unchanged: the access and principal logs (same origins
/// and keys: they continue in NEW, and the old copies stay as archives that still verify),
/// the principals and their tokens, the server secret (the access log's subject hashes are
/// keyed with it) and the export manifest key. Not carried: the records log (re-appended),
/// the index snapshot (rebuilt at the first start), Idempotency-Key answers (their receipts
/// name old seqs; they expire within a day anyway).
enum MigrationCopy {
    static let files = ["principals.json", "server-secret", "export-signing-key.pem", "admin.token"]
    static let logs = ["access", "principal-log"]

    static func copyCarriedOver(from old: ServerDataDirectory, to new: ServerDataDirectory) throws -> [String] {
        var copied: [String] = []
        for name in files where DurableFile.exists(old.root + "/" + name) {
            try copyFile(old.root + "/" + name, new.root + "/" + name)
            copied.append(name)
        }
        for name in logs where DurableFile.exists(old.root + "/" + name + "/log.json") {
            try copyTree(old.root + "/" + name, new.root + "/" + name)
            copied.append(name + "/")
        }
        return copied
    }

    /// A directory's files and subdirectories, each file written durably (0600) and each
    /// directory fsync'd; the writer's `LOCK` stays behind.
    static func copyTree(_ from: String, _ to: String) throws {
        try DurableFile.makeDirectory(to, mode: 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: from).sorted() where name != "LOCK" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: from + "/" + name, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try copyTree(from + "/" + name, to + "/" + name)
            } else {
                try copyFile(from + "/" + name, to + "/" + name)
            }
        }
        try PosixIO().fsyncDirectory(to)
    }

    static func copyFile(_ from: String, _ to: String) throws {
        guard let bytes = try DurableFile.read(from) else { throw LogMigration.Refused("\(from) vanished while it was copied") }
        try DurableFile.replace(to, with: bytes, mode: 0o600)
    }

    static func removeDurably(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw StorageError("unlink", path: path, code: errno) }
        try PosixIO().fsyncDirectory(StoragePath.directory(of: path))
    }
}

/// flock(2) on a log's `LOCK`, as its writer takes it, held for as long as the value lives.
/// The file is opened without O_CREAT: a log that never had a writer has nothing to hold.
final class FileLock: Sendable {
    struct Held: Error { let path: String }
    private let fd: Int32

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { self.fd = -1; return }
            throw StorageError("open", path: path, code: errno)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw Held(path: path) }
            throw StorageError("flock", path: path, code: code)
        }
        self.fd = fd
    }

    deinit {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
        }
    }
}
