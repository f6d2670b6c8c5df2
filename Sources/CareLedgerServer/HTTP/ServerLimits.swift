import Hummingbird
import HummingbirdCore

/// Connection limits of the HTTP/1.1 server (RELIABILITY.md, "HTTP abuse").
///
/// Hummingbird's default keeps a connection that has gone quiet open forever, so idle
/// sockets accumulate until the process runs out of file descriptors and new clients are
/// refused. A connection with no request in flight and nothing read for `idleTimeout` is
/// closed; a request being answered is never cut. Header limits are the request sizes a
/// client of this API can need many times over (a bearer token is 43 characters), well
/// below the parser's 80 KiB defaults; beyond them the parser refuses the request.
public enum ServerLimits {
    public static let idleTimeoutSeconds: Int64 = 30
    /// Longest single header field (name and value).
    public static let maxHeaderFieldSize = 16 * 1024
    /// All header fields of a request together.
    public static let maxHeaderListSize = 32 * 1024
    public static let maxHeaderFieldCount = 100

    /// The server for `Application(router:server:configuration:logger:)`.
    public static func http1(idleTimeoutMilliseconds: Int64 = idleTimeoutSeconds * 1000) -> HTTPServerBuilder {
        .http1(configuration: .init(
            idleTimeout: .milliseconds(idleTimeoutMilliseconds),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: maxHeaderFieldSize, maxHeaderListSize: maxHeaderListSize,
                                            maxHeaderFieldCount: maxHeaderFieldCount)))
    }
}
