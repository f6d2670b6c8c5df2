import HTTPTypes
import Hummingbird

/// The client's address behind a reverse proxy (`serve --trusted-proxy`). The per-address
/// rate limits and the failed-authentication limit key on the peer's address; behind nginx
/// every request comes from the proxy, so one client's wrong tokens would lock every client
/// out. For a peer named as a trusted proxy, the address is the right-most entry of
/// `X-Forwarded-For` — the one that proxy added (docs/operations.md "Behind nginx"); entries
/// to its left are the client's own text and are ignored. Any other peer's header is
/// ignored, so a client cannot choose its own address.
struct TrustedProxyMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext
    let proxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard proxies.contains(context.clientAddress) else { return try await next(request, context) }
        var context = context
        context.clientAddress = Self.forwardedClient(request.headers[values: .xForwardedFor]) ?? context.clientAddress
        return try await next(request, context)
    }

    /// The last address of the last `X-Forwarded-For` line, if it is an IP address.
    static func forwardedClient(_ lines: [String]) -> String? {
        guard let last = lines.last?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              last.utf8.count <= 45, ServerConfiguration.isIPAddress(last) else { return nil }
        return last
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
