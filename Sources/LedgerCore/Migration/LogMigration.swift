import CreditRecords
import DurableStorage
import Foundation
import LedgerCrypto
import PersonalVault
import TransparencyLog

/// `careledger migrate` (docs/operations.md "Migrating a data directory"): a data directory
/// from before sealed entries (v1 leaves holding names and ID numbers) becomes a new one whose
/// records log has a new origin and key, a `migration` record first (committing to the old
/// log's last signed checkpoint), then every old record sealed (v2) in order, its personal
/// part in the new directory's vault. The old log's leaves cannot be changed, so the old
/// directory is retired read-only, not rewritten.
///
/// Seqs: old record n is new record n + 1 (`seqOffset` in the migration record and in
/// `migration.json`); every member the kind table types as a seq (a revocation's or repair's
/// `target`, `followUpOf`, `lifts`, `managerOf`) is rewritten by that offset, so the rules
/// that follow them answer as before.
///
/// Crash safety: NEW holds `MIGRATING` from its creation until the report is durable; a run
/// that finds it refuses and says to delete NEW (OLD is only read; opening its vault, for a
/// mixed log, may cut a torn tail a crash left there, as every open does).
public struct LogMigration: Sendable {
    public struct Options: Sendable {
        public var from: String
        public var to: String
        /// The new records log's origin; nil: the old one with `-2` (or the next number).
        public var origin: String?
        /// The authority that runs the register and records the migration {name, uscc, region}.
        public var authority: JSONObject
        /// Opens NEW's vault (the file vault under the key file the operator named).
        public var openVault: @Sendable (_ dataDirectory: String) throws -> any PersonalVault
        /// Opens OLD's vault, for a log a service with a vault appended sealed entries to after
        /// the upgrade (v1 and v2 mixed); nil: every entry must be v1.
        public var openOldVault: (@Sendable (_ dataDirectory: String) throws -> any PersonalVault)?
        /// Called between steps (`created`, `copied`, `first-batch`, `appended`, `reported`);
        /// the crash tests' child kills itself there. Nil in production.
        public var stepHook: (@Sendable (String) -> Void)?

        public init(from: String, to: String, authority: JSONObject, openVault: @escaping @Sendable (String) throws -> any PersonalVault) {
            (self.from, self.to, self.authority, self.openVault) = (from, to, authority, openVault)
        }
    }

    /// Why a migration did not start or stopped; every message names what to do.
    public struct Refused: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The marker NEW holds while it is incomplete.
    public static let marker = "MIGRATING"
    /// The report, inside NEW.
    public static let reportFile = "migration.json"
    /// Records appended per log batch (one vault sync and one signature each).
    static let batch = 1024

    public let options: Options

    public init(options: Options) { self.options = options }

    public func run() async throws -> MigrationReport {
        let old = ServerDataDirectory(options.from), new = ServerDataDirectory(options.to)
        let (a, b) = (Self.absolute(old.root), Self.absolute(new.root))
        guard a != b, !b.hasPrefix(a + "/"), !a.hasPrefix(b + "/") else {
            throw Refused("the new data directory must lie outside the old one, and the old outside the new")
        }
        try Self.refuseTarget(new.root)
        guard DurableFile.exists(old.records + "/log.json") else {
            throw Refused("\(old.root) holds no records log (no records/log.json)")
        }
        // Held to the end: the service takes this lock, so it is neither running now nor
        // started while the records are copied.
        let lock = try Self.lockOld(old.records)
        defer { withExtendedLifetime(lock) {} }
        for directory in [old.records, old.access, old.principalLog] where DurableFile.exists(directory + "/log.json") {
            let verification = LogVerifier.verify(directory: directory, signatures: .every)
            if let problem = verification.firstProblem {
                throw Refused("\(directory) does not verify (\(problem)); nothing was migrated. Investigate it (careledger log verify) first")
            }
        }
        try Self.refuseObjections(old)
        let oldLog = try TransparencyLog.openReadOnly(directory: old.records)
        let checkpoint = oldLog.latestCheckpoint
        guard checkpoint.checkpoint.size == oldLog.size else {
            throw Refused("\(old.records): its latest checkpoint covers \(checkpoint.checkpoint.size) entries but \(oldLog.size) are committed")
        }
        let oldSealed = try options.openOldVault.map { SealedEntries(vault: try $0(old.root)) }
        let counts = try Self.survey(oldLog, mixed: oldSealed != nil)
        let origin = options.origin ?? Self.nextOrigin(after: oldLog.origin)
        guard origin != oldLog.origin else { throw Refused("the new log needs a new origin; \(origin) is the old log's") }
        let first = try migrationRecord(oldLog: oldLog, checkpoint: checkpoint)

        // From here NEW exists and holds the marker until the report is durable.
        try PrivateDirectory.create(new.root)
        try DurableFile.replace(new.root + "/" + Self.marker,
                                with: Array("careledger migrate --from \(old.root) --to \(new.root): incomplete until this file is gone\n".utf8))
        try PosixIO().fsyncDirectory(StoragePath.directory(of: new.root))
        options.stepHook?("created")
        let copied = try MigrationCopy.copyCarriedOver(from: old, to: new)
        options.stepHook?("copied")
        _ = try new.bootstrap(origin: origin)

        let vault = try options.openVault(new.root)
        var logOptions = TransparencyLog.Options()
        logOptions.beforeCommit = { try vault.sync() }
        let newLog = try TransparencyLog.open(directory: new.records, options: logOptions)
        var appended = MigrationReport.Appended()
        do {
            try await append(oldLog: oldLog, oldSealed: oldSealed, first: first, into: newLog, sealed: SealedEntries(vault: vault), tally: &appended)
            try await newLog.close()
        } catch {
            try? await newLog.close()
            throw error
        }
        guard newLog.size == oldLog.size + 1 else {
            throw Refused("the new log holds \(newLog.size) entries, expected \(oldLog.size + 1); delete \(new.root) and run again")
        }
        options.stepHook?("appended")

        let report = MigrationReport(
            from: .init(origin: oldLog.origin, verifierKey: oldLog.verifier.vkey, size: checkpoint.checkpoint.size,
                        rootHash: checkpoint.checkpoint.rootHash.base64, checkpoint: checkpoint.note),
            to: .init(origin: newLog.origin, verifierKey: newLog.verifier.vkey, size: newLog.size,
                      rootHash: newLog.latestCheckpoint.checkpoint.rootHash.base64, checkpoint: newLog.latestCheckpoint.note),
            seqOffset: 1, kinds: counts, appended: appended, copied: copied, completedAt: Timestamp.now())
        try DurableFile.replace(new.root + "/" + Self.reportFile, with: try report.jsonBytes())
        options.stepHook?("reported")
        try MigrationCopy.removeDurably(new.root + "/" + Self.marker)
        return report
    }

    /// NEW must not exist, or be empty; an interrupted migration is named as such.
    /// Objections (异议) name old seqs and keep their texts in OLD's vault under the person's
    /// key; carried over they would point at the wrong records, and dropped they would lose
    /// a person's complaint. So OLD must have none: each is answered and the person told
    /// before the migration, and the answered ones archived with OLD (docs/operations.md).
    static func refuseObjections(_ old: ServerDataDirectory) throws {
        let path = old.root + "/objections.json"
        guard DurableFile.exists(path) else { return }
        let stored = try JSONFileStore<[StoredObjection]>(path: path, empty: [])
        let (total, open) = stored.read { all in (all.count, all.filter { $0.state == "open" }.count) }
        guard total > 0 else { return }
        throw Refused("\(path) holds \(total) objection(s), \(open) still open: objections name old seqs and live in the old vault, "
            + "so migrate does not carry them. Answer every open one, archive the file with the old directory and remove it "
            + "from the data directory, then run again")
    }

    static func refuseTarget(_ root: String) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else {
            if DurableFile.exists(root) { throw Refused("\(root) exists and is not a directory") }
            return
        }
        if names.contains(marker) {
            throw Refused("\(root) holds an interrupted migration (\(marker) is there): delete \(root) (`rm -rf \(root)`) and run again; "
                + "the old data directory was only read")
        }
        if !names.isEmpty { throw Refused("\(root) exists and is not empty; name a new directory") }
    }

    static func lockOld(_ records: String) throws -> FileLock {
        do { return try FileLock(path: records + "/LOCK") } catch let error as FileLock.Held {
            throw Refused("\(error.path) is held: the service is running on this data directory; stop it first")
        }
    }

    /// Every old entry is a v1 record (else nothing can be migrated), counted by kind.
    static func survey(_ log: TransparencyLog, mixed: Bool) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try log.forEachEntry { seq, entry in
            guard let envelope = try? Envelope.decode(entry) else {
                throw Refused("\(log.directory): the entry at seq \(seq) is not a record envelope; nothing was migrated")
            }
            // A vault left by a service started after the upgrade is ignored while it seals none
            // of the entries; a log that mixes v1 and sealed entries is not migrated (yet).
            guard envelope.version == 1 || mixed else {
                throw Refused("\(log.directory): the entry at seq \(seq) is sealed already (v\(envelope.version)): a service with a vault "
                    + "appended to this log; name that vault's key file (--old-vault-key-file) to migrate it")
            }
            guard envelope.kind != .migration else {
                throw Refused("\(log.directory) was made by a migration already (its seq \(seq) is a migration record); it needs none")
            }
            counts[envelope.kind.rawValue, default: 0] += 1
        }
        return counts
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// `…/records` → `…/records-2`, `…/records-2` → `…/records-3`.
    public static func nextOrigin(after origin: String) -> String {
        if let dash = origin.lastIndex(of: "-"), let n = Int(origin[origin.index(after: dash)...]), n >= 1, !origin[..<dash].isEmpty {
            return String(origin[..<dash]) + "-\(n + 1)"
        }
        return origin + "-2"
    }

    /// The new log's first entry, validated like any record (a bad `--authority` is refused
    /// by pointer before anything is created).
    func migrationRecord(oldLog: TransparencyLog, checkpoint: SignedCheckpoint) throws -> Envelope {
        let today = LocalDate.today()
        let body = JSONObject([
            ("fromOrigin", .string(oldLog.origin)), ("fromVerifierKey", .string(oldLog.verifier.vkey)),
            ("fromSize", .uint(checkpoint.checkpoint.size)), ("fromRootHash", .string(checkpoint.checkpoint.rootHash.base64)),
            ("fromCheckpointSHA256", .string(SHA256.hash(Array(checkpoint.note.utf8)).hex)), ("seqOffset", .uint(1)),
            ("decidedAt", .string(today.description)), ("authority", .object(options.authority)),
        ])
        let document = JSONValue.object(JSONObject([("kind", .string(RecordKind.migration.rawValue)), ("body", .object(body))]))
        switch RecordValidator.validate(document, context: ValidationContext(today: today, lookup: RecordRegistry())) {
        case .success(let record):
            return Envelope(kind: .migration, body: record.body, submittedAt: Timestamp.now(),
                            submittedBy: Submitter(principal: "careledger-migrate", authority: record.authority), clientSignature: nil)
        case .failure(let failure):
            throw Refused("the migration record is not valid: " + failure.errors.map(\.description).joined(separator: "; "))
        }
    }
}
