import BackgroundIndex
import CreditRecords
import Hummingbird
import LedgerCore
import Logging
import NIOCore
import ServiceLifecycle
import TransparencyLog

/// The HTTP service: Hummingbird routes over the application core (`Ledger`). Routes decode
/// requests, authenticate through `routeTable`, call a use case and encode its answer; they
/// hold no rule of their own. Routes live in `Routes/`, one file per group.
public final class LedgerServer: Sendable {
    public let configuration: ServerConfiguration
    public let ledger: Ledger
    let metrics: ServerMetrics
    let logger: Logger
    /// Per principal, per client address, failed authentications per client address.
    let limits: RequestLimits
    /// The web pages' templates and sessions (Web/).
    let web = WebState()

    public var data: ServerDataDirectory { ledger.data }
    public var log: TransparencyLog { ledger.log }
    public var principals: PrincipalStore { ledger.principals }
    /// What the start created (first start only), for the operator.
    public var bootstrapReport: ServerDataDirectory.Report { ledger.bootstrapReport }
    var access: AccessLedger { ledger.access }

    private init(configuration: ServerConfiguration, ledger: Ledger, metrics: ServerMetrics, logger: Logger) {
        self.configuration = configuration
        self.ledger = ledger
        self.metrics = metrics
        self.logger = logger
        limits = RequestLimits(principal: RateLimiter(configuration.principalRate), address: RateLimiter(configuration.addressRate),
                               failedAuthentication: RateLimiter(configuration.failedAuthenticationRate))
    }

    /// Opens the core on the data directory (see `Ledger.open`) with the server's metrics.
    public static func open(configuration: ServerConfiguration, logger: Logger = Logger(label: "careledger")) async throws -> LedgerServer {
        let metrics = ServerMetrics()
        let ledger = try await Ledger.open(configuration: configuration.ledger, metrics: metrics.ledger, logger: logger)
        return LedgerServer(configuration: configuration, ledger: ledger, metrics: metrics, logger: logger)
    }

    public func close() async throws { try await ledger.close() }

    /// Every route of the table, behind the problem/logging middleware.
    public func router() -> Router<LedgerRequestContext> {
        let router = Router(context: LedgerRequestContext.self)
        // Outermost, so problems (401, 403, 4xx) from authenticated routes are marked too.
        router.add(middleware: NoStoreMiddleware<LedgerRequestContext>(table: Self.routeTable))
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        // Before any route reads the client's address (the rate limits).
        if !configuration.trustedProxies.isEmpty { router.add(middleware: TrustedProxyMiddleware(proxies: configuration.trustedProxies)) }
        addRecordRoutes(to: router)
        addLogRoutes(to: router)
        addPrincipalRoutes(to: router)
        addCheckRoutes(to: router)
        addTaskRoutes(to: router)
        addSubjectRoutes(to: router)
        addConfirmationRoutes(to: router)
        addReadAuditRoutes(to: router)
        addServiceRoutes(to: router)
        addWebRoutes(to: router)
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return router
    }

    /// The service on the configured address. Throws when the TLS certificate or key cannot
    /// be read; `onServerRunning` gets the listening channel (tests read the port from it).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        throws -> some ApplicationProtocol {
        // Idle connections are closed after 30 s, and slow requests once their head is not
        // complete after 10 s or their body after 30 s, so they cannot exhaust the descriptors.
        try Application(router: router(), server: configuration.serverBuilder(),
                        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                        onServerRunning: onServerRunning, logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, with the index snapshots and `background` (e.g. the
    /// scheduled export) as services beside it; then in-flight requests finish, the background
    /// services stop, and the logs are closed. A background service that ends does not stop
    /// the server; the server ending stops them all.
    public func run(background: [any Service] = []) async throws {
        // The commands refuse this before opening anything; here so no other caller can.
        if let refusal = configuration.transportRefusal() { throw TransportRefused(reason: refusal) }
        // Shut down in reverse order: the HTTP server first, so nothing new arrives.
        var services = [ServiceGroupConfiguration.ServiceConfiguration(service: IndexSnapshotService(ledger: ledger))]
        services += background.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        services.append(.init(service: try application(), successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                                          logger: logger))
        do {
            try await group.run()
        } catch {
            try? await close()
            throw error
        }
        try await close()
        logger.info("logs closed")
    }
}
