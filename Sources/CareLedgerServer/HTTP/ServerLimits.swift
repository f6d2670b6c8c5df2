import Hummingbird
import HummingbirdCore

/// Connection limits of the HTTP/1.1 server (RELIABILITY.md, "HTTP abuse").
///
/// Hummingbird's default keeps a connection that has gone quiet open forever, so idle
/// sockets accumulate until the process runs out of file descriptors and new clients are
/// refused. A connection with no request in flight and nothing read for `idleTimeoutSeconds`
/// is closed. Header limits stay at the parser's defaults (80 KiB, 1000 fields), which the
/// abuse run showed answer oversized headers with a 400.
public enum ServerLimits {
    public static let idleTimeoutSeconds: Int64 = 30

    /// The server for `Application(router:server:configuration:logger:)`.
    public static func http1(idleTimeoutMilliseconds: Int64 = idleTimeoutSeconds * 1000) -> HTTPServerBuilder {
        .http1(configuration: .init(idleTimeout: .milliseconds(idleTimeoutMilliseconds)))
    }
}
