import BackgroundIndex
import CreditRecords
import Logging
import PersonalVault
import TransparencyLog

/// The application core: the records log, the background index kept current from it (also
/// the registry the validator's cross-record rules consult), the access log, the principals
/// and the Idempotency-Key memory, and the use cases over them (`Records/`, `Checks/`,
/// `Principals/`). The HTTP server and the command line call these; neither holds a rule.
public final class Ledger: Sendable {
    public let configuration: LedgerConfiguration
    public let data: ServerDataDirectory
    public let log: TransparencyLog
    public let principals: PrincipalStore
    /// What the start created (first start only), for the operator.
    public let bootstrapReport: ServerDataDirectory.Report
    public let metrics: LedgerMetrics
    /// The background index and what keeps it current.
    package let indexFeeder: IndexFeeder
    package var index: BackgroundIndex { indexFeeder.index }
    package let envelopes: LogEnvelopeSource
    /// The personal-data vault and the one opening layer every reader of records goes through
    /// (docs/log-format.md "Sealed entries").
    package let sealed: SealedEntries
    package var vault: any PersonalVault { sealed.vault }
    /// The access log: every check, before its answer is sent.
    package let access: AccessLedger
    /// The records log's latest checkpoint kept outside the data directory, when configured.
    package let witness: CheckpointWitness?
    /// Every create, rotate and revoke of a principal, signed.
    package let principalLog: PrincipalLog
    package let idempotency: IdempotencyStore
    package let reservations = KeyReservations()
    /// Keeps a person's erasure apart from appends naming them (ErasureGate.swift).
    package let erasureGate = ErasureGate()
    /// The responsible-manager tasks, derived from the log (Records/ManagerTasks.swift).
    package let managerTaskIndex = ManagerTaskIndex()
    /// Filed institution names for the public search (Checks/InstitutionSearch.swift).
    package let institutionNames = InstitutionNameCache()
    /// Subject codes and objections (Subjects/).
    package let subjects: SubjectStores
    /// Key of the service's HMACs (the background-check work).
    package let secret: [UInt8]
    package let logger: Logger

    private init(configuration: LedgerConfiguration, data: ServerDataDirectory, log: TransparencyLog, principals: PrincipalStore,
                 report: ServerDataDirectory.Report, metrics: LedgerMetrics, indexFeeder: IndexFeeder, access: AccessLedger,
                 principalLog: PrincipalLog, witness: CheckpointWitness?, idempotency: IdempotencyStore, secret: [UInt8],
                 sealed: SealedEntries, subjects: SubjectStores, logger: Logger) {
        self.configuration = configuration
        self.data = data
        self.log = log
        self.principals = principals
        self.bootstrapReport = report
        self.metrics = metrics
        self.indexFeeder = indexFeeder
        self.sealed = sealed
        self.envelopes = LogEnvelopeSource(log: log, sealed: sealed)
        self.access = access
        self.principalLog = principalLog
        self.witness = witness
        self.idempotency = idempotency
        self.secret = secret
        self.subjects = subjects
        self.logger = logger
    }

    /// Creates what is missing in the data directory, opens both logs for writing and brings
    /// the background index up to date (its snapshot plus the log's tail, or a rebuild), so
    /// that checks and the cross-record rules see every committed record across restarts.
    public static func open(configuration: LedgerConfiguration, metrics: LedgerMetrics = LedgerMetrics(),
                            logger: Logger = Logger(label: "careledger")) async throws -> Ledger {
        let data = ServerDataDirectory(configuration.dataDirectory)
        let report = try data.bootstrap(origin: configuration.origin, tokenLifetimeSeconds: configuration.tokenLifetimeSeconds)
        let vault = try configuration.openVault(configuration.dataDirectory)
        var options = TransparencyLog.Options()
        // A batch's seals are made durable once, on the log's committer thread, before the
        // batch is signed or written: no checkpoint covers a personal part a crash could lose.
        // The fence is the vault's recoveries: a recovery cuts what was not synced, so an
        // entry sealed before one is refused even when the batch's own sync succeeds.
        options.beforeCommit = { try vault.sync() }
        options.fence = { vault.recoveries }
        // The witness refuses before the log signs a checkpoint that would fork it (issue 17
        // part 7); it is attached once the open log has been checked against it.
        let gate = CheckpointGate()
        options.beforeSigning = { _ in try gate.confirm() }
        let log = try TransparencyLog.open(directory: data.records, options: options)
        let accessLog: TransparencyLog
        let principalLog: TransparencyLog
        do {
            accessLog = try TransparencyLog.open(directory: data.access)
        } catch {
            try? await log.close()
            throw error
        }
        do {
            principalLog = try TransparencyLog.open(directory: data.principalLog)
        } catch {
            try? await log.close()
            try? await accessLog.close()
            throw error
        }
        do {
            let recovery = log.recoveryReport
            if recovery.cutBytes > 0 {
                logger.warning("records log: a torn tail was cut (never acknowledged)", metadata: [
                    "cutBytes": "\(recovery.cutBytes)", "cutEntries": "\(recovery.cutEntries)",
                ])
            }
            if !recovery.notes.isEmpty && !report.createdLog {
                logger.notice("records log recovery", metadata: ["notes": "\(recovery.notes)"])
            }
            if log.origin != configuration.origin && !report.createdLog {
                logger.notice("the records log keeps its origin", metadata: ["origin": "\(log.origin)"])
            }
            guard let principals = try PrincipalStore.load(path: data.principals) else {
                throw MalformedFile(path: data.principals, reason: "missing")
            }
            let witness = try configuration.checkpointWitness.map { path in
                let root = data.root.hasSuffix("/") ? data.root : data.root + "/"
                guard !path.hasPrefix(root), !path.hasPrefix("./" + root), path != data.root else {
                    throw CheckpointWitness.Refused(description: "the checkpoint witness must be outside the data directory: a restored backup would restore it too")
                }
                let witness = try CheckpointWitness(store: FileCheckpointStore(path: path), log: log)
                gate.attach(witness)
                return witness
            }
            let principalRecord = PrincipalLog(log: principalLog)
            try await principalRecord.baseline(principals.all)
            let idempotency = try IdempotencyStore.open(path: data.idempotency, retention: configuration.idempotencyRetentionSeconds)
            let secret = try data.loadSecret()
            let (access, accessSkipped) = try AccessLedger.open(log: accessLog)
            if accessLog.recoveryReport.cutBytes > 0 {
                logger.warning("access log: a torn tail was cut (never acknowledged)", metadata: ["cutBytes": "\(accessLog.recoveryReport.cutBytes)"])
            }
            if accessSkipped > 0 {
                logger.warning("access log entries that are not check records were skipped", metadata: ["count": "\(accessSkipped)"])
            }
            let sealed = SealedEntries(vault: vault)
            let indexStarted = ContinuousClock.now
            let snapshot = IndexSnapshots.loadSnapshot(log: log, path: data.indexSnapshot, vault: vault)
            // Erasures before the index's tail is replayed: a vault restored from before one
            // must not feed the index. The snapshot's prefix names its erasures; only the
            // tail is read for more.
            let reapplied = try reapplyErasures(log: log, sealed: sealed, indexed: snapshot.index)
            if reapplied > 0 {
                logger.notice("erasures re-applied to a vault restored from before them", metadata: ["records": "\(reapplied)"])
            }
            let subjects = try SubjectStores(data: data)
            let feeder = try openIndex(snapshot, started: indexStarted, log: log, vault: vault, path: data.indexSnapshot,
                                       interval: configuration.indexSnapshotInterval,
                                       vaultIndexMinimumTail: configuration.vaultIndexMinimumTail, logger: logger)
            let ledger = Ledger(configuration: configuration, data: data, log: log, principals: principals, report: report,
                                metrics: metrics, indexFeeder: feeder, access: access, principalLog: principalRecord, witness: witness, idempotency: idempotency,
                                secret: secret, sealed: sealed, subjects: subjects, logger: logger)
            metrics.treeSize.record(Int64(log.size))
            logger.info("records log open", metadata: ["treeSize": "\(log.size)", "origin": "\(log.origin)"])
            return ledger
        } catch {
            try? await log.close()
            try? await accessLog.close()
            try? await principalLog.close()
            throw error
        }
    }

    /// The snapshot and the tail after it, or (when the snapshot is missing, corrupt, stale or
    /// from another log) the whole log; a fresh snapshot is written when that replay was long.
    static func openIndex(_ snapshot: IndexSnapshots.Snapshot, started: ContinuousClock.Instant, log: TransparencyLog, vault: any PersonalVault,
                          path: String, interval: UInt64, vaultIndexMinimumTail: Int, logger: Logger) throws -> IndexFeeder {
        let loaded = try snapshot.replayingTail(log: log, vault: vault)
        if let problem = loaded.problem {
            logger.notice("background index rebuilt from the log", metadata: ["reason": "\(problem)", "entries": "\(loaded.replayed)"])
        } else {
            logger.info("background index loaded from its snapshot", metadata: ["tail": "\(loaded.replayed)"])
        }
        let feeder = IndexFeeder(index: loaded.index, log: log, sealed: SealedEntries(vault: vault), applied: loaded.size,
                                 snapshotAt: loaded.problem == nil ? loaded.size - loaded.replayed : 0,
                                 snapshotPath: path, snapshotInterval: interval, vaultIndexMinimumTail: vaultIndexMinimumTail, logger: logger)
        if loaded.problem != nil || loaded.replayed >= interval { feeder.snapshotSoon() }
        logger.info("background index ready", metadata: ["treeSize": "\(loaded.size)", "elapsed": "\(ContinuousClock.now - started)"])
        return feeder
    }

    /// Writes the index snapshot, commits what is queued and closes the three logs. (Entries the
    /// close still commits are after the snapshot's size: the next start replays them.)
    public func close() async throws {
        indexFeeder.snapshotNow()
        var failure: (any Error)?
        do { try await log.close() } catch { failure = error }
        do { try await access.log.close() } catch { failure = failure ?? error }
        do { try await principalLog.log.close() } catch { failure = failure ?? error }
        // The vault's open index, so the next start scans only what is sealed after this
        // (issue 15); without it the next open scans the whole vault, slower but the same.
        if let fileVault = vault as? FileVault {
            do { try fileVault.writeOpenIndex() } catch {
                logger.warning("could not write the vault's open index; the next start scans the vault", metadata: ["error": "\(error)"])
            }
        }
        if let failure { throw failure }
    }

    /// Every committed record applied to the index, or `unavailable` when the log cannot be read.
    package func catchUpIndex() throws(Refusal) {
        do {
            try indexFeeder.catchUp(to: log.size)
        } catch {
            throw logUnavailable(error)
        }
    }

    package func logUnavailable(_ error: any Error) -> Refusal {
        if let refusal = error as? Refusal { return refusal }
        logger.error("log read failed", metadata: ["error": "\(error)"])
        return Refusal.unavailable("The log could not be read. Retry later.")
    }
}
