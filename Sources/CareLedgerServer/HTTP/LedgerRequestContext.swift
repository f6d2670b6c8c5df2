import Hummingbird
import LedgerCore

/// Hummingbird's request context plus the principal that the route table authenticated for
/// this request (nil on public routes, which never look at a token).
public struct LedgerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The peer's IP address, the key of the per-address rate limits; behind a trusted proxy
    /// the client's as that proxy forwarded it (`TrustedProxyMiddleware`); "unknown" when the
    /// transport has none (the router tests).
    public internal(set) var clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The authenticated principal; only routes the table restricts to roles call this.
    func caller() throws -> Principal {
        guard let principal else { throw Problem.internalError() }
        return principal
    }
}
