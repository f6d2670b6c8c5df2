import ArgumentParser
import DurableStorage
import CareLedgerServer
import CreditExport
import Foundation
import LedgerCore
import Logging
import PersonalVault

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service.",
        discussion: """
            On first start it creates, in the data directory, the records log, the server secret \
            and an admin principal whose token is written to admin.token (mode 0600). SIGTERM or \
            SIGINT stops it gracefully: requests in flight finish, then the log is closed.
            """
    )

    @Option(help: "The service's data directory.") var data = "./careledger-data"
    @Option(help: "Address to listen on, HOST:PORT. Plain HTTP only on loopback unless --insecure-plaintext.") var listen = "127.0.0.1:8080"
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (with --tls-key).") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.") var tlsKey: String?
    @Flag(name: .customLong("insecure-plaintext"),
          help: "Serve plain HTTP on a non-loopback --listen: only behind a TLS-terminating proxy on a private network.")
    var insecurePlaintext = false
    @Flag(name: .customLong("secure-cookies"),
          help: "Mark the web pages' cookies Secure although this process speaks plain HTTP (a TLS proxy in front; under --tls-cert they always are).")
    var secureCookies = false
    @Option(name: .customLong("public-url"),
            help: "The address people reach the service at, e.g. https://tuoyu.example.gov.cn: printed check receipts' QR codes point there (default: the request's Host).")
    var publicURL: String?
    @Option(help: "The records log's origin (checkpoint and key name), used when the log is created.")
    var origin = DataDirectory.defaultOrigin
    @Option(name: .customLong("check-quota"), help: "Background checks per principal (an institution's principals together) and day.") var checkQuota = 500
    @Option(name: .customLong("read-quota"), help: "Records whose personal part an inspector or admin may read a day (each read recorded).") var readQuota = 1000
    @Option(name: .customLong("bulk-read-quota"), help: "The same for the exporter and auditor roles.") var bulkReadQuota = 2_000_000
    @Option(name: .customLong("principal-rate"), help: "Requests per second per principal on authenticated routes (bursts of 3x).")
    var principalRate: Double = 20
    @Option(name: .customLong("address-rate"), help: "Requests per second per client address on authenticated routes (bursts of 2x); a proxy's address counts once.")
    var addressRate: Double = 200
    @Option(name: .customLong("failed-auth-rate"), help: "Failed authentications per second per client address (bursts of 100x, at least 20).")
    var failedAuthRate: Double = 0.2
    @Option(name: .customLong("trusted-proxy"), parsing: .singleValue,
            help: "The IP address of a reverse proxy in front (repeatable): its X-Forwarded-For names the client the rate limits key on.")
    var trustedProxies: [String] = []
    @Option(name: .customLong("checkpoint-witness"),
            help: "A file outside the data directory that keeps the records log's latest checkpoint (compare-and-swap): a restored backup or second writer is refused.")
    var checkpointWitness: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"
    @Option(name: .customLong("export-every"), help: "Run the national-platform export on this schedule, e.g. 15m, 1h, 1d.") var exportEvery: String?
    @Option(name: .customLong("export-to"), help: "Where scheduled exports go: a spool directory, or an http(s) URL to push to.") var exportTo: String?
    @Option(name: .customLong("export-spool"), help: "The spool directory when --export-to is a URL.") var exportSpool = "./careledger-export"
    @Option(name: .customLong("export-token-file"), help: "Bearer token for the pushes when --export-to is a URL (as `export --push-token-file`).")
    var exportTokenFile: String?
    @Option(name: .customLong("export-ca-file"), help: "PEM file of a private CA to trust for --export-to's https://, beside the system's roots.")
    var exportCAFile: String?
    @Option(name: .customLong("export-include"), parsing: .singleValue,
            help: "Scheduled exports also export these kinds, comma-separated: judgment, institution_filing, annual_review (as `export --include`).")
    var exportInclude: [String] = []
    @Option(name: .customLong("export-profile"),
            help: "The scheduled exports' target profile, as `export --profile` (default: the spool's own, or national-2.0).")
    var exportProfile: String?
    @Flag(name: .customLong("preschool-bars"),
          help: "Checks are for kindergarten 托班: also bar by the Preschool Education Law art. 44's wider list (sexual harassment, drug use, gambling).")
    var preschoolBars = false
    @OptionGroup var vaultKeys: VaultKeyOptions

    func validate() throws {
        guard ServerConfiguration.parseListen(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080") }
        if let publicURL, ServerConfiguration.parsePublicURL(publicURL) == nil {
            throw ValidationError("--public-url must be an http(s) URL with a host and nothing after it, e.g. https://tuoyu.example.gov.cn")
        }
        if let refusal = transport.transportRefusal() { throw ValidationError(refusal) }
        do { try transport.checkTLSFiles() } catch { throw ValidationError("--tls-cert/--tls-key: cannot load the PEM certificate and key (\(error))") }
        guard checkQuota >= 0 else { throw ValidationError("--check-quota must not be negative") }
        guard readQuota >= 0, bulkReadQuota >= 0 else { throw ValidationError("--read-quota and --bulk-read-quota must not be negative") }
        for proxy in trustedProxies where !ServerConfiguration.isIPAddress(proxy) {
            throw ValidationError("--trusted-proxy must be an IP address as the service sees the proxy (e.g. 127.0.0.1 or ::1), not \"\(proxy)\"")
        }
        guard principalRate > 0, addressRate > 0, failedAuthRate > 0 else {
            throw ValidationError("--principal-rate, --address-rate and --failed-auth-rate must be positive")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        if let exportEvery, ExportSchedule.parseDuration(exportEvery) == nil { throw ValidationError("--export-every must be a number and s, m, h or d, e.g. 15m") }
        guard (exportEvery == nil) == (exportTo == nil) else { throw ValidationError("--export-every and --export-to go together") }
        if let exportTo, Self.isURL(exportTo), let reason = ServiceClient.refusal(url: exportTo, option: "--export-to", caOption: "--export-ca-file") { throw ValidationError(reason) }
        if exportTokenFile != nil || exportCAFile != nil, !(exportTo.map(Self.isURL) ?? false) {
            throw ValidationError("--export-token-file and --export-ca-file go with an http(s) URL in --export-to")
        }
        if let exportCAFile, !FileManager.default.isReadableFile(atPath: exportCAFile) { throw ValidationError("cannot read --export-ca-file \(exportCAFile)") }
        if !exportInclude.isEmpty && exportEvery == nil { throw ValidationError("--export-include needs --export-every and --export-to") }
        _ = try ExportRun.mappingOptions(exportInclude, flag: "--export-include")
        if exportProfile != nil && exportEvery == nil { throw ValidationError("--export-profile needs --export-every and --export-to") }
        if let exportProfile { _ = try ExportRun.loadProfile(exportProfile, flag: "--export-profile") }
    }

    /// `--export-to` is a push URL (else a spool directory).
    static func isURL(_ exportTo: String) -> Bool { let lower = exportTo.lowercased(); return lower.hasPrefix("http://") || lower.hasPrefix("https://") }

    /// The listen address and TLS settings, checked by `validate()` before anything opens.
    var transport: ServerConfiguration {
        var configuration = ServerConfiguration()
        (configuration.host, configuration.port) = ServerConfiguration.parseListen(listen)!
        configuration.tlsCertificatePath = tlsCert
        configuration.tlsKeyPath = tlsKey
        configuration.insecurePlaintext = insecurePlaintext
        configuration.secureCookiesBehindProxy = secureCookies
        configuration.publicURL = publicURL.flatMap(ServerConfiguration.parsePublicURL)
        return configuration
    }

    func run() async throws {
        // Every file the service creates is private, whatever its code path (docs/operations.md).
        PrivateDirectory.restrictUmask()
        // Straight to the descriptor: print() is buffered when stdout is a file or a pipe, and
        // the operator (or a supervisor's log) must see this now, not at exit.
        func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        // The scheduled push's token and trust, read before anything opens: a missing file is
        // an error at start, not at the first tick an hour later.
        let pushTarget = try exportTo.flatMap { Self.isURL($0) ? URL(string: $0) : nil }.map { url in
            let token = try exportTokenFile.map { try ExportRun.readFile($0, what: "--export-token-file").trimmingCharacters(in: .whitespacesAndNewlines) }
            return try HTTPBatchTarget(base: url, token: token, caFile: exportCAFile)
        }
        var configuration = transport
        if exportEvery != nil, let exportTo {
            // Erasing a data-error record waits for its 撤回 to leave in a batch of this spool.
            let spool = Self.isURL(exportTo) ? exportSpool : exportTo
            configuration.platformExport = PlatformExport { seqs in
                guard let state = try ExportState.load(directory: spool) else { return [] }
                return Set(seqs.filter { state.marks[$0] == .exported })
            }
        }
        configuration.dataDirectory = data
        configuration.origin = origin
        configuration.checkQuota = checkQuota
        configuration.readQuota = readQuota
        configuration.bulkReadQuota = bulkReadQuota
        configuration.checkpointWitness = checkpointWitness
        configuration.principalRate = RateLimit(burst: principalRate * 3, perSecond: principalRate)
        configuration.addressRate = RateLimit(burst: addressRate * 2, perSecond: addressRate)
        configuration.failedAuthenticationRate = RateLimit(burst: max(20, failedAuthRate * 100), perSecond: failedAuthRate)
        configuration.trustedProxies = Set(trustedProxies)
        configuration.preschoolBars = preschoolBars
        try vaultKeys.configure(&configuration, defaultPath: VaultKeySource.defaultPath(besideDataDirectory: data), say: say)

        var logger = Logger(label: "careledger")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server = try await LedgerServer.open(configuration: configuration, logger: logger)
        for message in server.bootstrapReport.messages { say(message) }
        if let (before, after) = OpenFileLimit.raiseToHard() {
            if after > before { say("open-file limit raised from \(before) to \(after) (the hard limit)") }
            if after < 4096 { logger.warning("open-file limit \(after): each connection holds one; raise the hard limit (ulimit -Hn, LimitNOFILE=)") }
        }
        if checkpointWitness == nil {
            // The log is stderr; written there directly when --log-level hides warnings.
            let warning = "no --checkpoint-witness: a fork of the records log (a restored backup, a second writer) is then caught only " +
                "by clients that remember checkpoints (careledger check, careledger export); see docs/operations.md \"Forks\""
            if logger.logLevel <= .warning { logger.warning("\(warning)") } else { FileHandle.standardError.write(Data(("warning: " + warning + "\n").utf8)) }
        }
        say("serving the records log \(server.log.origin) (size \(server.log.size)) on \(configuration.scheme)://\(listen) from \(data)")
        guard let every = exportEvery.flatMap(ExportSchedule.parseDuration), let exportTo else {
            try await server.run()
            return
        }
        let spool = Self.isURL(exportTo) ? exportSpool : exportTo
        let schedule = ExportSchedule(every: every, logDirectory: DataDirectory.logDirectory(data: data, log: .records),
                                      spool: spool, target: pushTarget,
                                      mapping: try ExportRun.mappingOptions(exportInclude, flag: "--export-include"),
                                      profile: try ExportRun.resolveProfile(exportProfile, spool: spool, flag: "--export-profile"), logger: logger,
                                      open: { [ledger = server.ledger] in try ledger.openEntry($0) },
                                      platformExport: configuration.platformExport)
        say("exporting to \(exportTo) every \(exportEvery!)")
        try await server.run(background: [schedule])
    }
}
