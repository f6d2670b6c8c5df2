import CreditRecords
import Hummingbird
import Logging
import TransparencyLog

/// The HTTP service: the open records log, the registry replayed from it, the principals
/// and the Idempotency-Key memory, and the Hummingbird router over them. Routes live in
/// `Routes/`, one file per group.
public final class LedgerServer: Sendable {
    public let configuration: ServerConfiguration
    public let data: ServerDataDirectory
    public let log: TransparencyLog
    public let principals: PrincipalStore
    /// What the start created (first start only), for the operator.
    public let bootstrapReport: ServerDataDirectory.Report
    let registry: RecordRegistry
    let idempotency: IdempotencyStore
    let reservations = KeyReservations()
    let metrics = ServerMetrics()
    /// Key of the service's HMACs (the background-check work).
    let secret: [UInt8]
    let logger: Logger

    private init(configuration: ServerConfiguration, data: ServerDataDirectory, log: TransparencyLog, principals: PrincipalStore,
                 report: ServerDataDirectory.Report, registry: RecordRegistry, idempotency: IdempotencyStore, secret: [UInt8], logger: Logger) {
        self.configuration = configuration
        self.data = data
        self.log = log
        self.principals = principals
        self.bootstrapReport = report
        self.registry = registry
        self.idempotency = idempotency
        self.secret = secret
        self.logger = logger
    }

    /// Creates what is missing in the data directory, opens the log for writing and replays
    /// it into the registry, so cross-record rules hold across restarts.
    public static func open(configuration: ServerConfiguration, logger: Logger = Logger(label: "careledger")) async throws -> LedgerServer {
        let data = ServerDataDirectory(configuration.dataDirectory)
        let report = try data.bootstrap(origin: configuration.origin)
        let log = try TransparencyLog.open(directory: data.records)
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
            let idempotency = try IdempotencyStore.open(path: data.idempotency, retention: configuration.idempotencyRetentionSeconds)
            let secret = try data.loadSecret()
            let registry = RecordRegistry()
            let skipped = try replay(log, into: registry)
            if skipped > 0 {
                logger.warning("log entries that are not record envelopes were skipped", metadata: ["count": "\(skipped)"])
            }
            let server = LedgerServer(configuration: configuration, data: data, log: log, principals: principals, report: report,
                                      registry: registry, idempotency: idempotency, secret: secret, logger: logger)
            server.metrics.treeSize.record(Int64(log.size))
            logger.info("records log open", metadata: ["treeSize": "\(log.size)", "origin": "\(log.origin)"])
            return server
        } catch {
            try? await log.close()
            throw error
        }
    }

    /// Applies every committed entry, in seq order; returns how many were not envelopes.
    static func replay(_ log: TransparencyLog, into registry: RecordRegistry) throws -> Int {
        let size = log.size
        var seq: UInt64 = 0
        var skipped = 0
        while seq < size {
            let count = Int(min(1024, size - seq))
            for (offset, entry) in try log.entries(from: seq, count: count).enumerated() {
                if let envelope = try? Envelope.decode(entry) {
                    registry.apply(seq: seq + UInt64(offset), envelope: envelope)
                } else {
                    skipped += 1
                }
            }
            seq += UInt64(count)
        }
        return skipped
    }

    /// Commits what is queued and closes the log.
    public func close() async throws {
        try await log.close()
    }

    /// Every route of the service, behind the problem/logging middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        addRecordRoutes(to: router)
        addLogRoutes(to: router)
        addPrincipalRoutes(to: router)
        addServiceRoutes(to: router)
        return router
    }

    public func application() -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                    logger: logger)
    }

    /// Serves until SIGTERM or SIGINT; then in-flight requests finish, the log is closed.
    public func run() async throws {
        do {
            try await application().runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await close()
            throw error
        }
        try await close()
        logger.info("records log closed")
    }
}
