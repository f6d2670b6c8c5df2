import CreditRecords
import Foundation
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
    /// `LedgerConfiguration.platformExport`: set by `serve --export-every` from its spool.
    public var platformExport: PlatformExport?
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
    /// `--public-url`: the scheme and host people reach the service at, e.g.
    /// `https://tuoyu.example.gov.cn`, normalised by `parsePublicURL`. Printed receipts' QR
    /// codes point there. Without it they take the request's Host (when it is a plain host
    /// and port), which behind a proxy may be an address no one outside can open.
    public var publicURL: String?

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
        core.platformExport = platformExport
        core.checkpointWitness = checkpointWitness
        core.tokenLifetimeSeconds = tokenLifetimeSeconds
        return core
    }

    /// `--public-url`'s value as `scheme://host[:port]`, lower-cased scheme and host, no
    /// trailing slash. Nil unless it is an http(s) URL with a host and nothing after it: no
    /// user, path, query or fragment (the routes are served at the root).
    public static func parsePublicURL(_ text: String) -> String? {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(), scheme == "https" || scheme == "http",
              parts.user == nil, parts.password == nil, parts.query == nil, parts.fragment == nil,
              parts.path.isEmpty || parts.path == "/", let host = parts.host, !host.isEmpty else { return nil }
        // URLComponents may or may not keep an IPv6 address's brackets.
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let written = authority(host: bare, port: parts.port)
        guard isAuthority(written) else { return nil }
        return "\(scheme)://\(written.lowercased())"
    }

    /// `host[:port]` as a URL writes it: an IPv6 address in brackets.
    public static func authority(host: String, port: Int?) -> String {
        (host.contains(":") ? "[\(host)]" : host) + (port.map { ":\($0)" } ?? "")
    }

    /// Whether a Host header (or a URL's authority) is a plain host name or address with an
    /// optional port: anything else (a path, `@`, spaces, a second host) is not put in a URL
    /// this service hands out.
    public static func isAuthority(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 261 else { return false }
        var host = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return false }
            let address = text[text.index(after: text.startIndex)..<close]
            guard address.contains(":"), isIPAddress(String(address)) else { return false }
            host = text[text.index(after: close)...]
            guard host.isEmpty || host.hasPrefix(":") else { return false }
            return host.isEmpty || isPort(host.dropFirst())
        }
        if let colon = text.lastIndex(of: ":") {
            guard isPort(text[text.index(after: colon)...]) else { return false }
            host = text[..<colon]
        }
        return !host.isEmpty && host.utf8.count <= 253 && host.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
        }
    }

    private static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && Int(text).map { $0 <= 65535 } == true
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
