import CreditRecords
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Every route × every role, no token and a revoked token. Who may call what comes from the
/// server's one role × route table (`LedgerServer.routeTable`), which the router registers from;
/// this test names how to call each row successfully, and must cover every row and every
/// registered route, so a new route cannot go untested.
@Suite struct RoleRouteMatrixTests {
    enum Caller: CustomStringConvertible, CaseIterable {
        case role(Role)
        case noToken
        case revokedToken

        static var allCases: [Caller] { Role.allCases.map(Caller.role) + [.noToken, .revokedToken] }

        var description: String {
            switch self {
            case .role(let role): return role.rawValue
            case .noToken: return "no token"
            case .revokedToken: return "revoked token"
            }
        }
    }

    /// One row of the server's table (its template as the router names it, and the part of
    /// the route it governs), and how to call it successfully (a fresh request for each call,
    /// `n` counting calls).
    struct Route: Sendable {
        let method: HTTPRequest.Method
        let template: String
        let part: String?
        let success: HTTPResponse.Status
        let request: @Sendable (_ n: Int) -> (uri: String, body: JSONValue?)

        init(method: HTTPRequest.Method, template: String, part: String? = nil, success: HTTPResponse.Status,
             request: @escaping @Sendable (_ n: Int) -> (uri: String, body: JSONValue?)) {
            self.method = method
            self.template = template
            self.part = part
            self.success = success
            self.request = request
        }

        /// Who may call it, as the server's table says.
        var access: Access { LedgerServer.rule(method, template, part: part).access }
        /// A web page (Web/): it answers HTML, refusals included, not problem+json.
        var isPage: Bool { !["/v1/", "/log/", "/access-log/", "/healthz", "/metrics"].contains { template.hasPrefix($0) } }
    }

    static let routes: [Route] = [
        Route(method: .post, template: "/v1/principals", success: .created) { n in
            ("/v1/principals", ["id": .string("matrix-exporter-\(n)"), "role": "exporter"])
        },
        Route(method: .get, template: "/v1/principals", success: .ok) { _ in ("/v1/principals?limit=5", nil) },
        // Rotating gives the matrix's own principal a new token (no caller uses its token).
        Route(method: .post, template: "/v1/principals/{id}/token", success: .ok) { _ in ("/v1/principals/matrix-rotated/token", nil) },
        Route(method: .delete, template: "/v1/principals/{id}", success: .noContent) { n in
            ("/v1/principals/victim-\(n)", nil)
        },
        Route(method: .post, template: "/v1/records", success: .created) { n in
            ("/v1/records", Fixtures.penalty(1000 + n))
        },
        // An admin reaches the use case, which finds nothing of this person in the vault (404):
        // an erasure that succeeds once cannot succeed again for every caller of the matrix.
        Route(method: .post, template: "/v1/erasures", success: .notFound) { _ in
            ("/v1/erasures", ["subject": ["idType": "resident_id", "idNumber": "11010519491231002X"], "basis": "retention_expired",
                              "authority": Fixtures.authority(Fixtures.ouhaiHealth)])
        },
        Route(method: .get, template: "/v1/records/{seq}", success: .ok) { _ in
            ("/v1/records/0?view=public", nil)
        },
        Route(method: .get, template: "/v1/records", success: .ok) { _ in
            ("/v1/records?from=0&limit=10&view=public", nil)
        },
        Route(method: .get, template: "/log/checkpoint", success: .ok) { _ in ("/log/checkpoint", nil) },
        Route(method: .get, template: "/log/tile/**", success: .ok) { _ in ("/log/tile/0/000.p/1", nil) },
        Route(method: .get, template: "/log/tile/**", part: "entries", success: .ok) { _ in
            ("/log/tile/entries/000.p/1", nil)
        },
        Route(method: .get, template: "/v1/log/proof/inclusion", success: .ok) { _ in
            ("/v1/log/proof/inclusion?seq=0", nil)
        },
        Route(method: .get, template: "/v1/log/proof/consistency", success: .ok) { _ in
            ("/v1/log/proof/consistency?from=1", nil)
        },
        Route(method: .post, template: "/v1/checks", success: .ok) { _ in
            ("/v1/checks", Fixtures.check())
        },
        Route(method: .post, template: "/v1/audit/checks", success: .ok) { _ in
            ("/v1/audit/checks", ["idType": "resident_id", "idNumber": "330381199211083443", "purpose": "audit"])
        },
        Route(method: .get, template: "/v1/audit/reads", success: .ok) { _ in ("/v1/audit/reads?principal=insp-ouhai-01&purpose=audit", nil) },
        Route(method: .get, template: "/v1/audit/subject-reads", success: .ok) { _ in ("/v1/audit/subject-reads?purpose=audit", nil) },
        Route(method: .get, template: "/v1/institutions/{uscc}", success: .ok) { _ in ("/v1/institutions/\(Fixtures.xiaoxingxing.uscc)", nil) },
        Route(method: .get, template: "/v1/tasks", success: .ok) { _ in ("/v1/tasks", nil) },
        // The task seq 1 opened (a child-abuse ban naming the institution, appended below).
        Route(method: .post, template: "/v1/tasks/{seq}/managers", success: .created) { n in
            ("/v1/tasks/1/managers", ["person": Fixtures.wangLi, "decisionNo": .string("瓯卫禁〔2026〕\(3000 + n)号"), "decidedAt": "2026-09-10",
                                      "facts": "作为机构直接负责的主管人员，对虐待婴幼儿行为负有直接责任。"])
        },
        Route(method: .get, template: "/v1/institutions", success: .ok) { _ in ("/v1/institutions?status=closed", nil) },
        Route(method: .get, template: "/access-log/checkpoint", success: .ok) { _ in ("/access-log/checkpoint", nil) },
        Route(method: .get, template: "/access-log/tile/**", success: .ok) { _ in ("/access-log/tile/0/000.p/1", nil) },
        Route(method: .get, template: "/access-log/tile/**", part: "entries", success: .ok) { _ in
            ("/access-log/tile/entries/000.p/1", nil)
        },
        Route(method: .get, template: "/healthz", success: .ok) { _ in ("/healthz", nil) },
        Route(method: .get, template: "/metrics", success: .ok) { _ in ("/metrics", nil) },
        // Web pages. Public pages answer everyone alike; signed-in pages take no bearer token
        // (only a session cookie, WebPageTests), so every caller here is sent to /signin.
        Route(method: .get, template: "/", success: .ok) { _ in ("/", nil) },
        Route(method: .get, template: "/institutions", success: .ok) { _ in ("/institutions?q=%E6%89%98%E8%82%B2", nil) },
        Route(method: .get, template: "/institutions/{uscc}", success: .ok) { _ in ("/institutions/\(Fixtures.xiaoxingxing.uscc)", nil) },
        Route(method: .get, template: "/public/closures", success: .ok) { _ in ("/public/closures", nil) },
        Route(method: .get, template: "/log", success: .ok) { _ in ("/log", nil) },
        // No receipt with this id: the page says so, to everyone alike.
        Route(method: .get, template: "/receipts/{seq}/{checkId}", success: .notFound) { _ in ("/receipts/0/00000000000000000000000000000000", nil) },
        Route(method: .get, template: "/receipts", success: .ok) { _ in ("/receipts", nil) },
        Route(method: .get, template: "/static/site.css", success: .ok) { _ in ("/static/site.css", nil) },
        Route(method: .get, template: "/signin", success: .ok) { _ in ("/signin", nil) },
        // Without the sign-in form's cookie a sign-in is refused, whoever asks (CSRF).
        Route(method: .post, template: "/signin", success: .forbidden) { _ in ("/signin", nil) },
        Route(method: .post, template: "/signout", success: .ok) { _ in ("/signout", nil) },
        Route(method: .get, template: "/hr/check", success: .ok) { _ in ("/hr/check", nil) },
        Route(method: .post, template: "/hr/check", success: .ok) { _ in ("/hr/check", nil) },
        Route(method: .get, template: "/records/new", success: .ok) { _ in ("/records/new", nil) },
        Route(method: .get, template: "/records/new/{kind}", success: .ok) { _ in ("/records/new/inspection", nil) },
        Route(method: .post, template: "/records/new/{kind}", success: .ok) { _ in ("/records/new/inspection", nil) },
        // The person checked (SubjectCodeTests, ObjectionTests, WebSubjectPageTests).
        Route(method: .post, template: "/v1/subject-codes", success: .created) { _ in
            ("/v1/subject-codes", ["person": Fixtures.zhangSan, "caseRef": "OH-2026-1"])
        },
        // No objection has this id: the authority's use case says so (404).
        Route(method: .post, template: "/v1/objections/{id}/replies", success: .notFound) { _ in
            ("/v1/objections/00000000000000000000000000000000/replies", ["reply": "已核实。"])
        },
        Route(method: .get, template: "/me", success: .ok) { _ in ("/me", nil) },
        // Without the code form's cookie nothing is tried, whoever asks (CSRF).
        Route(method: .post, template: "/me", success: .forbidden) { _ in ("/me", nil) },
        // Without a subject session, back to the code form.
        Route(method: .post, template: "/me/objections", success: .seeOther) { _ in ("/me/objections", nil) },
        Route(method: .post, template: "/me/signout", success: .seeOther) { _ in ("/me/signout", nil) },
        Route(method: .get, template: "/objections", success: .ok) { _ in ("/objections", nil) },
        Route(method: .post, template: "/objections/{id}/reply", success: .ok) { _ in ("/objections/00000000000000000000000000000000/reply", nil) },
        // The lifetime ban a second inspector appended at seq 2 (below), confirmed by the matrix's inspector.
        Route(method: .post, template: "/v1/records/{seq}/confirmations", success: .created) { _ in
            ("/v1/records/2/confirmations", TestKeys.sign(TestKeys.confirmation(of: 2)))
        },
        Route(method: .get, template: "/confirmations", success: .ok) { _ in ("/confirmations", nil) },
        Route(method: .post, template: "/confirmations/{seq}", success: .ok) { _ in ("/confirmations/2", nil) },
        Route(method: .get, template: "/public/penalties", success: .ok) { _ in ("/public/penalties", nil) },
        Route(method: .get, template: "/hr/checks", success: .ok) { _ in ("/hr/checks", nil) },
        Route(method: .get, template: "/records", success: .ok) { _ in ("/records", nil) },
        Route(method: .get, template: "/admin/principals", success: .ok) { _ in ("/admin/principals", nil) },
        Route(method: .get, template: "/admin/principals/new", success: .ok) { _ in ("/admin/principals/new", nil) },
        Route(method: .post, template: "/admin/principals/new", success: .ok) { _ in ("/admin/principals/new", nil) },
        Route(method: .post, template: "/admin/principals/{id}/token", success: .ok) { _ in ("/admin/principals/matrix-rotated/token", nil) },
        Route(method: .get, template: "/admin/principals/{id}/revoke", success: .ok) { _ in ("/admin/principals/matrix-rotated/revoke", nil) },
        Route(method: .post, template: "/admin/principals/{id}/revoke", success: .ok) { _ in ("/admin/principals/matrix-rotated/revoke", nil) },
    ]

    static func expected(_ route: Route, _ caller: Caller) -> HTTPResponse.Status {
        if case .session = route.access { return .seeOther }
        guard case .roles(let roles) = route.access else { return route.success }
        switch caller {
        case .noToken, .revokedToken: return .unauthorized
        case .role(let role): return roles.contains(role) ? route.success : .forbidden
        }
    }

    @Test func routeTableCoversTheRouter() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let registered = Set(test.server.router().routes.map { "\($0.method) \($0.path)" })
        let tabled = Set(Self.routes.map { "\($0.method) \($0.template)" })
        #expect(registered == tabled, "routes missing from the matrix: \(registered.subtracting(tabled)); stale: \(tabled.subtracting(registered))")
        // Every row of the server's table, parts included, is walked by the matrix.
        let rows = Set(LedgerServer.routeTable.map { "\($0.method) \($0.template) \($0.part ?? "")" })
        let walked = Set(Self.routes.map { "\($0.method) \($0.template) \($0.part ?? "")" })
        #expect(rows == walked, "table rows not walked: \(rows.subtracting(walked)); unknown: \(walked.subtracting(rows))")
        try await test.close()
    }

    @Test func everyRouteAnswersEveryCallerAsExpected() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            // Something to read, and principals to revoke.
            let first = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(1))
            #expect(first.status == .created)
            // A child-abuse ban naming an institution (seq 1): a responsible-manager task.
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.ban(1)).status == .created)
            // A lifetime ban by a second inspector (seq 2), pending until the matrix's inspector confirms it.
            let second = try await client.createInspector(admin: admin, id: "insp-ouhai-02", key: TestKeys.confirmer)
            #expect(try await client.send(.post, "/v1/records", token: second,
                                          json: TestKeys.sign(Fixtures.ban(2), TestKeys.confirmer, keyId: "insp-ouhai-02")).status == .created)
            // And an access-log entry, for its tiles.
            let check = try await client.send(.post, "/v1/checks", token: admin, json: Fixtures.check())
            #expect(check.status == .ok)
            for n in 0..<(100) {
                _ = try await client.createPrincipal(admin: admin, ["id": .string("victim-\(n)"), "role": "auditor"])
            }
            _ = try await client.createPrincipal(admin: admin, ["id": "matrix-rotated", "role": "auditor"])

            var n = 0
            for route in Self.routes {
                for caller in Caller.allCases {
                    n += 1
                    var (uri, body) = route.request(n)
                    // Purposes are bound to roles: an inspector checks for an inspection.
                    if route.template == "/v1/checks", case .role(.inspector) = caller { body = Fixtures.check(purpose: "inspection") }
                    // An inspector's manager ban is signed (docs/records.md "Bans need two people").
                    if route.template == "/v1/tasks/{seq}/managers", case .role(.inspector) = caller, let naming = body {
                        body = TestKeys.signedNaming(naming, trigger: 1)
                    }
                    let token: String?
                    switch caller {
                    case .role(let role): token = roles[role]
                    case .noToken: token = nil
                    case .revokedToken: token = roles.revoked
                    }
                    let response: TestResponse
                    if let body {
                        response = try await client.send(route.method, uri, token: token, json: body)
                    } else {
                        response = try await client.send(route.method, uri, token: token)
                    }
                    let want = Self.expected(route, caller)
                    #expect(response.status == want, "\(route.method) \(uri) as \(caller): \(response.status) \(response.summary)")
                    #expect(response.status.code < 500)
                    if response.status.code >= 400 && !route.isPage {
                        #expect(response.isProblem, "\(route.method) \(uri) as \(caller) is not a problem")
                    }
                    if response.status == .unauthorized {
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    }
                    // Every answer of a row with roles, refusals included, is not to be stored.
                    switch route.access {
                    case .roles, .session:
                        #expect(response.headers[.cacheControl] == "no-store", "\(route.method) \(uri) as \(caller): Cache-Control")
                    case .publicRoute:
                        break
                    }
                }
            }
        }
        try await test.close()
    }

    @Test func unknownRoutesAreProblems() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            // `/` and `/log` are web pages (WebPageTests).
            for uri in ["/v1", "/v1/nothing", "/v1/records/0/extra", "/log/nothing", "/v2/records", "/institutions/x/y"] {
                for token in [nil, admin] {
                    let response = try await client.send(.get, uri, token: token)
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(response.isProblem)
                    #expect(try response.json()["type"]?.stringValue == "https://careledger.example/problems/not-found")
                }
            }
            let wrongMethod = try await client.send(.put, "/v1/records", token: admin)
            #expect(wrongMethod.status.code >= 400 && wrongMethod.status.code < 500)
            #expect(wrongMethod.isProblem)
        }
        try await test.close()
    }
}
