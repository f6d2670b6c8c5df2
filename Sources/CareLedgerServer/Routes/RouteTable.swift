import HTTPTypes
import Hummingbird
import LedgerCore

/// Who may call a route: nobody needs a token for public routes (they never look at one);
/// the API's others answer 401 without a valid, unrevoked bearer token and 403 for a role the
/// route does not admit. Signed-in web pages (`session`) take only the session cookie, never
/// a bearer token: without a live session they send the browser to `/signin`, and a role the
/// page does not admit gets a 403 page (docs/web.md).
public enum Access: Sendable, Equatable {
    case publicRoute
    case roles(Set<Role>)
    case session(Set<Role>)
}

/// The one role × route table. The router registers exactly these routes and authenticates
/// each through its row; the role matrix test walks every row with every caller. A `part`
/// names a resource inside a route that has its own access (entry bundles under a public
/// tile route).
public struct RouteRule: Sendable {
    public let method: HTTPRequest.Method
    public let template: String
    public let part: String?
    public let access: Access
}

extension LedgerServer {
    public static let routeTable: [RouteRule] = [
        RouteRule(method: .post, template: "/v1/principals", part: nil, access: .roles([.admin])),
        RouteRule(method: .get, template: "/v1/principals", part: nil, access: .roles([.admin])),
        RouteRule(method: .post, template: "/v1/principals/{id}/token", part: nil, access: .roles([.admin])),
        RouteRule(method: .delete, template: "/v1/principals/{id}", part: nil, access: .roles([.admin])),
        RouteRule(method: .post, template: "/v1/records", part: nil, access: .roles([.inspector, .admin])),
        RouteRule(method: .get, template: "/v1/records/{seq}", part: nil, access: .roles([.inspector, .auditor, .exporter, .admin])),
        RouteRule(method: .get, template: "/v1/records", part: nil, access: .roles([.auditor, .exporter, .admin])),
        RouteRule(method: .post, template: "/v1/erasures", part: nil, access: .roles([.admin])),
        RouteRule(method: .get, template: "/log/checkpoint", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/log/tile/**", part: nil, access: .publicRoute),
        // Entry bundles name people.
        RouteRule(method: .get, template: "/log/tile/**", part: "entries", access: .roles([.auditor, .exporter, .admin])),
        RouteRule(method: .get, template: "/v1/log/proof/inclusion", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/v1/log/proof/consistency", part: nil, access: .publicRoute),
        RouteRule(method: .post, template: "/v1/checks", part: nil, access: .roles([.institution, .inspector, .admin])),
        RouteRule(method: .post, template: "/v1/audit/checks", part: nil, access: .roles([.auditor, .admin])),
        // What a principal read (recorded reads, issue 17 part 1); itself a recorded read.
        RouteRule(method: .get, template: "/v1/audit/reads", part: nil, access: .roles([.auditor, .admin])),
        // What people read of their own records at /me (subject_access entries).
        RouteRule(method: .get, template: "/v1/audit/subject-reads", part: nil, access: .roles([.auditor, .admin])),
        RouteRule(method: .get, template: "/v1/institutions/{uscc}", part: nil, access: .publicRoute),
        // Responsible-manager tasks: an inspector sees and works its own authority's.
        RouteRule(method: .get, template: "/v1/tasks", part: nil, access: .roles([.inspector, .admin])),
        RouteRule(method: .post, template: "/v1/tasks/{seq}/managers", part: nil, access: .roles([.inspector, .admin])),
        // Allow-listed fields only: code, filed name and region, status and its seqs.
        RouteRule(method: .get, template: "/v1/institutions", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/access-log/checkpoint", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/access-log/tile/**", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/access-log/tile/**", part: "entries", access: .roles([.auditor, .admin])),
        RouteRule(method: .get, template: "/healthz", part: nil, access: .publicRoute),
        // Request counts per route and status, queue depths and sizes: operational detail an
        // attacker could time probes with, so a scraper token (least privilege) or an admin's.
        RouteRule(method: .get, template: "/metrics", part: nil, access: .roles([.metrics, .admin])),
        // Web pages (Web/): public ones show the public allow-list only.
        RouteRule(method: .get, template: "/", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/institutions", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/institutions/{uscc}", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/public/closures", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/log", part: nil, access: .publicRoute),
        // A printed check receipt's QR code: what was recorded (institution, time, purpose,
        // outcome) and its proof, never whom; the check id in the path is the capability.
        RouteRule(method: .get, template: "/receipts/{seq}/{checkId}", part: nil, access: .publicRoute),
        // The same, typed in by hand from the two numbers a receipt prints.
        RouteRule(method: .get, template: "/receipts", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/static/site.css", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/signin", part: nil, access: .publicRoute),
        RouteRule(method: .post, template: "/signin", part: nil, access: .publicRoute),
        RouteRule(method: .post, template: "/signout", part: nil, access: .session(Set(Role.allCases))),
        // An institution's HR checks a candidate; the ID number travels in the POST body only.
        RouteRule(method: .get, template: "/hr/check", part: nil, access: .session([.institution])),
        RouteRule(method: .post, template: "/hr/check", part: nil, access: .session([.institution])),
        // An inspector records in its own authority's name (the use case authorises it).
        RouteRule(method: .get, template: "/records/new", part: nil, access: .session([.inspector])),
        RouteRule(method: .get, template: "/records/new/{kind}", part: nil, access: .session([.inspector])),
        RouteRule(method: .post, template: "/records/new/{kind}", part: nil, access: .session([.inspector])),
        // The person checked (PIPL arts. 44-46): an inspector who saw their ID in person issues
        // a one-time code; the record's authority answers their objections (docs/http.md).
        RouteRule(method: .post, template: "/v1/subject-codes", part: nil, access: .roles([.inspector])),
        RouteRule(method: .post, template: "/v1/objections/{id}/replies", part: nil, access: .roles([.inspector, .admin])),
        // /me: the code opens a short session of the person's own, apart from principals'
        // sessions; its pages check that session themselves (WebSubjectPages.swift).
        RouteRule(method: .get, template: "/me", part: nil, access: .publicRoute),
        RouteRule(method: .post, template: "/me", part: nil, access: .publicRoute),
        RouteRule(method: .post, template: "/me/objections", part: nil, access: .publicRoute),
        RouteRule(method: .post, template: "/me/signout", part: nil, access: .publicRoute),
        RouteRule(method: .get, template: "/objections", part: nil, access: .session([.inspector])),
        RouteRule(method: .post, template: "/objections/{id}/reply", part: nil, access: .session([.inspector])),
        // Bans need two people: a second inspector of the recording authority confirms, signed.
        RouteRule(method: .post, template: "/v1/records/{seq}/confirmations", part: nil, access: .roles([.inspector])),
        RouteRule(method: .get, template: "/confirmations", part: nil, access: .session([.inspector])),
        RouteRule(method: .post, template: "/confirmations/{seq}", part: nil, access: .session([.inspector])),
        // 公示 of penalties in their publication period: the public allow-list only.
        RouteRule(method: .get, template: "/public/penalties", part: nil, access: .publicRoute),
        // An institution's own checks (all its principals'), never whom: the access log holds a keyed hash.
        RouteRule(method: .get, template: "/hr/checks", part: nil, access: .session([.institution])),
        // An inspector's authority's own records, public fields only.
        RouteRule(method: .get, template: "/records", part: nil, access: .session([.inspector])),
        // Administrators' principal pages, through the same use cases as /v1/principals.
        RouteRule(method: .get, template: "/admin/principals", part: nil, access: .session([.admin])),
        RouteRule(method: .get, template: "/admin/principals/new", part: nil, access: .session([.admin])),
        RouteRule(method: .post, template: "/admin/principals/new", part: nil, access: .session([.admin])),
        RouteRule(method: .post, template: "/admin/principals/{id}/token", part: nil, access: .session([.admin])),
        RouteRule(method: .get, template: "/admin/principals/{id}/revoke", part: nil, access: .session([.admin])),
        RouteRule(method: .post, template: "/admin/principals/{id}/revoke", part: nil, access: .session([.admin])),
    ]

    /// The row of a route (and part); a route missing from the table is a programming error.
    static func rule(_ method: HTTPRequest.Method, _ template: String, part: String? = nil) -> RouteRule {
        guard let rule = routeTable.first(where: { $0.method == method && $0.template == template && $0.part == part }) else {
            preconditionFailure("\(method) \(template) \(part ?? "") is not in LedgerServer.routeTable")
        }
        return rule
    }

    /// Registers a route under its table row: the handler runs only after the row's access
    /// check, with the principal in the context.
    func on(_ router: Router<LedgerRequestContext>, _ method: HTTPRequest.Method, _ path: String,
            handler: @escaping @Sendable (Request, LedgerRequestContext) async throws -> Response) {
        // Hummingbird names parameters `:id` when registering and `{id}` when listing routes.
        let template = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        let rule = Self.rule(method, template)
        router.on(RouterPath(path), method: method) { request, context in
            var context = context
            if case .roles(let roles) = rule.access {
                context.principal = try self.admit(request, roles: roles, address: context.clientAddress)
            }
            return try await handler(request, context)
        }
    }
}

/// The rate limits of authenticated routes (ServerConfiguration).
struct RequestLimits: Sendable {
    let principal: RateLimiter
    let address: RateLimiter
    let failedAuthentication: RateLimiter

    /// How a credential attempt from one address ended.
    enum CredentialAttempt<Admitted> {
        case tooManyFailures(retryAfter: Int64)
        case tooManyRequests(retryAfter: Int64)
        case failed
        case admitted(Admitted)
    }

    /// One attempt with a credential (a bearer token, a password, a subject's one-time code),
    /// the same way for the API and the pages: an address over its failed attempts or its
    /// request rate is refused before the credential is looked at, and a failed attempt
    /// (`attempt` answers nil) costs the address one of its few.
    func attempt<Admitted>(from address: String, _ attempt: () throws -> Admitted?) rethrows -> CredentialAttempt<Admitted> {
        if let wait = failedAuthentication.peek(address) { return .tooManyFailures(retryAfter: wait) }
        if let wait = self.address.take(address) { return .tooManyRequests(retryAfter: wait) }
        guard let admitted = try attempt() else {
            _ = failedAuthentication.take(address)
            return .failed
        }
        return .admitted(admitted)
    }
}

extension LedgerServer {
    /// Rate limits and authentication, all from memory (`RequestLimits.attempt`), then the
    /// principal's own rate before any work.
    func admit(_ request: Request, roles: Set<Role>, address: String) throws -> Principal {
        var unauthorized: Problem?
        let principal: Principal
        switch try limits.attempt(from: address, { () throws -> Principal? in
            do { return try principals.require(request, roles) } catch let problem as Problem where problem.status == .unauthorized {
                unauthorized = problem
                return nil
            }
        }) {
        case .tooManyFailures(let wait): throw Problem.rateLimited("Too many failed authentications from this address.", retryAfter: wait)
        case .tooManyRequests(let wait): throw Problem.rateLimited("Too many requests from this address.", retryAfter: wait)
        case .failed: throw unauthorized ?? Problem.unauthorized("The bearer token is not valid or has been revoked.", invalidToken: true)
        case .admitted(let admitted): principal = admitted
        }
        if let wait = limits.principal.take(principal.id) {
            throw Problem.rateLimited("Too many requests from this principal.", retryAfter: wait)
        }
        return principal
    }
}

extension PrincipalStore {
    /// The principal behind the request's bearer token, if it may call a route open to `roles`.
    func require(_ request: Request, _ roles: Set<Role>) throws -> Principal {
        let values = request.headers[values: .authorization]
        guard !values.isEmpty else {
            throw Problem.unauthorized("This resource needs a bearer token (Authorization: Bearer …).", invalidToken: false)
        }
        guard values.count == 1, let token = BearerToken.parse(authorization: values[0]),
              let principal = authenticate(token: token) else {
            throw Problem.unauthorized("The bearer token is not valid or has been revoked.", invalidToken: true)
        }
        guard roles.contains(principal.role) else {
            let allowed = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ", ")
            throw Problem.forbidden("The \(principal.role.rawValue) role may not do this; allowed: \(allowed).")
        }
        return principal
    }
}
