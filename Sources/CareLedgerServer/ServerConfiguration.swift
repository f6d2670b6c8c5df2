import CreditRecords
import LedgerCore
import NIOCore
import PersonalVault

/// How `careledger serve` runs. Defaults: 127.0.0.1:8080, ./careledger-data.
public struct ServerConfiguration: Sendable {
    public var dataDirectory = "./careledger-data"
    public var host = "127.0.0.1"
    public var port = 8080
    /// The records log's origin (checkpoint and key name); used when the log is created.
    public var origin = "careledger.local/records"
    /// Request bodies larger than this are refused with 413.
    public var bodyLimit = 256 * 1024
    /// Background checks per institution (its principals together) or other principal and
    /// day (China Standard Time); over it, 429.
    public var checkQuota = 500
    /// `LedgerConfiguration.readQuota` and `.bulkReadQuota` (`--read-quota`, `--bulk-read-quota`).
    public var readQuota = 1000
    public var bulkReadQuota = 2_000_000
    /// The background index is snapshotted after this many appended entries (and on a clean
    /// shutdown), so a restart replays at most this much of the log's tail.
    public var indexSnapshotInterval: UInt64 = 4096
    /// How long an Idempotency-Key is remembered: at least 24 hours (docs/http.md).
    public var idempotencyRetentionSeconds: Int64 = 24 * 3600
    /// `LedgerConfiguration.checkpointWitness` (`--checkpoint-witness`).
    public var checkpointWitness: String?
    /// `LedgerConfiguration.tokenLifetimeSeconds`.
    public var tokenLifetimeSeconds: Int64 = 90 * 86400
    /// `LedgerConfiguration.preschoolBars` (`--preschool-bars`).
    public var preschoolBars = false
    /// PEM certificate chain and private key (`--tls-cert`, `--tls-key`): with both the
    /// service answers HTTPS itself.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Mark the web pages' cookies Secure although this process speaks plain HTTP: set when a
    /// TLS proxy (docs/operations.md, nginx) terminates HTTPS in front of it (`--secure-cookies`).
    public var secureCookiesBehindProxy = false
    /// Whether cookies carry the Secure attribute: under in-process TLS, or behind a TLS proxy.
    public var secureCookies: Bool { tlsCertificatePath != nil || secureCookiesBehindProxy }
    /// `--insecure-plaintext`: serve plain HTTP on a non-loopback address, for a
    /// TLS-terminating proxy on a private network (docs/operations.md).
    public var insecurePlaintext = false
    /// `LedgerConfiguration.openVault`: the personal-data vault (tests share one across restarts).
    public var openVault: @Sendable (_ dataDirectory: String) throws -> any PersonalVault = LedgerConfiguration().openVault
    /// `LedgerConfiguration.retentionYears` (docs/operations.md "Erasure").
    public var retentionYears: [RecordKind: Int] = LedgerConfiguration.defaultRetentionYears
    /// Token-bucket limits on authenticated routes (docs/http.md "Rate limits"): per
    /// principal, per client address, and failed authentications per client address. Over
    /// any of them: 429 with Retry-After, answered from memory before any other work.
    public var principalRate = RateLimit(burst: 60, perSecond: 20)
    public var addressRate = RateLimit(burst: 400, perSecond: 200)
    public var failedAuthenticationRate = RateLimit(burst: 20, perSecond: 0.2)
    /// Peers whose `X-Forwarded-For` names the client (`--trusted-proxy`): the rate limits
    /// then key on the client, not on the proxy all clients share.
    public var trustedProxies: Set<String> = []

    /// Whether `text` is an IPv4 or IPv6 address as a peer's address is written.
    public static func isIPAddress(_ text: String) -> Bool { (try? SocketAddress(ipAddress: text, port: 0)) != nil }

    public init() {}

    /// The application core's part of these settings.
    public var ledger: LedgerConfiguration {
        var core = LedgerConfiguration()
        core.dataDirectory = dataDirectory
        core.origin = origin
        core.checkQuota = checkQuota
        core.readQuota = readQuota
        core.bulkReadQuota = bulkReadQuota
        core.indexSnapshotInterval = indexSnapshotInterval
        core.idempotencyRetentionSeconds = idempotencyRetentionSeconds
        core.preschoolBars = preschoolBars
        core.openVault = openVault
        core.retentionYears = retentionYears
        core.checkpointWitness = checkpointWitness
        core.tokenLifetimeSeconds = tokenLifetimeSeconds
        return core
    }

    /// Parses `HOST:PORT` (`[v6addr]:PORT` for IPv6). Nil when malformed.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
              let port = Int(portText), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
