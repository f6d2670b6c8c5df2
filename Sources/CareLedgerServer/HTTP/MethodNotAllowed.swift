import Hummingbird

/// Answers 405 Method Not Allowed, with an `Allow` header and a problem, for a request whose
/// path the router serves but not with its method (RFC 9110 §15.5.6); any other unmatched
/// request goes on to the router's 404.
///
/// The allowed methods come from the router's own registered routes (`Router.routes`), so
/// there is no second list to keep in step. Hummingbird applies a middleware only to the
/// routes added after it and to its not-found responder, so this one, added last, sees only
/// the requests no route matched. Like a 404 it is answered before authentication: which
/// methods a path has is public (schemas/openapi.yaml).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One registered path template and the methods it is served with.
    struct Endpoint: Sendable {
        let path: RouterPath
        let methods: [HTTPRequest.Method]
    }

    let endpoints: [Endpoint]

    init(routes: [Router<Context>.RouteDescription]) {
        var methods: [String: (RouterPath, Set<HTTPRequest.Method>)] = [:]
        for route in routes { methods[route.path.description, default: (route.path, [])].1.insert(route.method) }
        endpoints = methods.values.map { Endpoint(path: $0.0, methods: $0.1.sorted { $0.rawValue < $1.rawValue }) }
    }

    /// The methods the router serves `path` with (empty when no route template matches it).
    func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed = Set<HTTPRequest.Method>()
        for endpoint in endpoints where Self.matches(endpoint.path, segments) { allowed.formUnion(endpoint.methods) }
        return allowed.sorted { $0.rawValue < $1.rawValue }
    }

    /// The trie's matching rule: element by element, a `**` taking all that is left.
    static func matches(_ template: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for element in template.components {
            if element == .recursiveWildcard { return index < segments.count }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed = allowedMethods(forPath: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return try await next(request, context) }
        throw Problem.methodNotAllowed(allowed)
    }
}

extension Problem {
    static func methodNotAllowed(_ allowed: [HTTPRequest.Method]) -> Problem {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        var headers = HTTPFields()
        headers[.allow] = list
        return Problem(status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
                       detail: "This resource supports only \(list).", headers: headers)
    }
}
