import Hummingbird
import HummingbirdCore

/// Connection limits of the HTTP/1.1 server (RELIABILITY.md, "HTTP abuse").
///
/// Hummingbird's default keeps a connection that has gone quiet open forever, so idle
/// sockets accumulate until the process runs out of file descriptors and new clients are
/// refused. A connection with no request in flight and nothing read for `idleTimeoutSeconds`
/// is closed. The idle timeout does not stop a client that sends a request slowly (each body
/// part restarts it), so `RequestReadDeadlines` also closes a connection whose request head is
/// not complete `headerReadTimeoutSeconds` after the connection was accepted (or, when kept
/// alive, after the next request's first byte), or whose body is not complete
/// `bodyReadTimeoutSeconds` after its head (bodies are at most 256 KiB). Header limits stay at
/// the parser's defaults (80 KiB, 1000 fields), which the abuse run showed answer oversized
/// headers with a 400.
public enum ServerLimits {
    public static let idleTimeoutSeconds: Int64 = 30
    public static let headerReadTimeoutSeconds: Int64 = 10
    public static let bodyReadTimeoutSeconds: Int64 = 30

    /// The server for `Application(router:server:configuration:logger:)`; the parameters are
    /// for tests.
    public static func http1(idleTimeoutMilliseconds: Int64 = idleTimeoutSeconds * 1000,
                             headerReadTimeoutMilliseconds: Int64 = headerReadTimeoutSeconds * 1000,
                             bodyReadTimeoutMilliseconds: Int64 = bodyReadTimeoutSeconds * 1000) -> HTTPServerBuilder {
        .http1(configuration: .init(
            additionalChannelHandlers: [RequestReadDeadlines(headTimeout: .milliseconds(headerReadTimeoutMilliseconds),
                                                             bodyTimeout: .milliseconds(bodyReadTimeoutMilliseconds))],
            idleTimeout: .milliseconds(idleTimeoutMilliseconds)))
    }
}
