import Hummingbird

/// `Cache-Control: no-store` on every answer of a route the role × route table does not
/// make public (RFC 9111 §5.2.2.5): check answers, records, audit pages and entry bundles
/// name people, and no proxy or browser cache may keep them. Public routes (checkpoints,
/// hash tiles, proofs, institution pages) keep their own caching.
///
/// It decides from the request's method and path against `LedgerServer.routeTable`, not
/// from the handler, so a refusal (401, 403, 4xx problem) on such a route is marked too. A
/// row with a `part` (entry bundles under a tile route) covers the paths whose segment after
/// the `**` prefix is that part.
struct NoStoreMiddleware<Context: RequestContext>: RouterMiddleware {
    struct Row: Sendable {
        let method: HTTPRequest.Method
        let path: RouterPath
        let part: String?
        let isPublic: Bool
    }

    let rows: [Row]

    init(table: [RouteRule]) {
        rows = table.map { rule in
            // The table writes parameters `{id}`; RouterPath reads `:id`.
            let template = rule.template.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("{") && $0.hasSuffix("}") ? ":\($0.dropFirst().dropLast())" : String($0) }
                .joined(separator: "/")
            return Row(method: rule.method, path: RouterPath(template), part: rule.part, isPublic: rule.access == .publicRoute)
        }
    }

    /// True when the table gives this request's route (or part) a role list.
    func isAuthenticated(method: HTTPRequest.Method, path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        // The most specific row wins: a part row over its route's row.
        let matching = rows.filter { $0.method == method && MethodNotAllowedMiddleware<Context>.matches($0.path, segments) }
        if let partRow = matching.first(where: { row in
            guard let part = row.part else { return false }
            let fixed = row.path.components.prefix { $0 != .recursiveWildcard }.count
            return segments.count > fixed && segments[fixed] == part
        }) {
            return !partRow.isPublic
        }
        return matching.contains { $0.part == nil && !$0.isPublic }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard isAuthenticated(method: request.method, path: request.uri.path) else { return try await next(request, context) }
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
