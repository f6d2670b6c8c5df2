import CreditRecords
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// A known path with a method it does not serve is 405 with `Allow` (RFC 9110 §15.5.6) and
/// a problem; an unknown path stays 404. The allowed methods come from the router itself.
@Suite struct MethodNotAllowedTests {
    static let others: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .options, .head, .trace]

    /// A concrete URL of each registered template (`:id` → `x1`, `**` → `0/000.p/1`).
    static func concrete(_ template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            if part == "**" { return "0/000.p/1" }
            return part.hasPrefix(":") ? "x1" : String(part)
        }.joined(separator: "/")
    }

    @Test func everyRegisteredPathAnswers405WithItsOwnMethods() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let routes = test.server.router().routes
        var collected: [String: Set<String>] = [:]
        for route in routes { collected[Self.concrete("\(route.path)"), default: []].insert(route.method.rawValue) }
        let methodsByPath = collected
        #expect(methodsByPath.count >= 15)
        try await test.test { client in
            for (path, served) in methodsByPath.sorted(by: { $0.key < $1.key }) {
                let expectedAllow = served.sorted().joined(separator: ", ")
                for method in Self.others where !served.contains(method.rawValue) {
                    // With and without a token: like a 404, a 405 comes before authentication.
                    for token in [nil, test.adminToken] {
                        let response = try await client.send(method, path, token: token)
                        #expect(response.status == .methodNotAllowed, "\(method) \(path): \(response.status)")
                        #expect(response.headers[.allow] == expectedAllow, "\(method) \(path)")
                        #expect(response.headers[.contentType] == "application/problem+json", "\(method) \(path)")
                        if method != .head {
                            let problem = try response.json()
                            #expect(problem["type"] == "https://careledger.example/problems/method-not-allowed")
                            #expect(problem["status"]?.integerValue == 405)
                        }
                    }
                }
            }
        }
        try await test.close()
    }

    @Test func unknownPathsStay404AndServedMethodsAreUntouched() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            for path in ["/v2/records", "/v1/records/0/extra", "/nowhere", "/v1/principals/a/b", "/log/nowhere"] {
                for method: HTTPRequest.Method in [.get, .put] {
                    let response = try await client.send(method, path, token: admin)
                    #expect(response.status == .notFound, "\(method) \(path): \(response.status)")
                    #expect(response.headers[.allow] == nil)
                }
            }
            // The same paths with their own methods answer as before.
            #expect(try await client.send(.get, "/healthz").status == .ok)
            #expect(try await client.send(.get, "/v1/records/0?purpose=audit", token: admin).status == .notFound)
            #expect(try await client.send(.delete, "/v1/principals/nobody", token: admin).status == .notFound)
            let put = try await client.send(.put, "/v1/principals/nobody", token: admin)
            #expect(put.status == .methodNotAllowed && put.headers[.allow] == "DELETE")
            let post = try await client.send(.post, "/log/tile/0/000.p/1")
            #expect(post.status == .methodNotAllowed && post.headers[.allow] == "GET")
            let records = try await client.send(.delete, "/v1/records", token: admin)
            #expect(records.status == .methodNotAllowed && records.headers[.allow] == "GET, POST")
        }
        try await test.close()
    }

    /// The template matcher agrees with the router on what a template covers.
    @Test func templatesMatchAsTheRouterDoes() {
        let middleware = MethodNotAllowedMiddleware<BasicRequestContext>(routes: LedgerServerRoutesProbe.routes())
        #expect(middleware.allowedMethods(forPath: "/v1/principals/abc").map(\.rawValue) == ["DELETE"])
        #expect(middleware.allowedMethods(forPath: "/v1/principals").map(\.rawValue) == ["POST"])
        #expect(middleware.allowedMethods(forPath: "/log/tile/entries/x001/000.p/3").map(\.rawValue) == ["GET"])
        #expect(middleware.allowedMethods(forPath: "/log/tile").isEmpty)
        #expect(middleware.allowedMethods(forPath: "/v1/principals/a/b").isEmpty)
        #expect(middleware.allowedMethods(forPath: "/v1/records/").map(\.rawValue) == ["GET", "POST"])
    }
}

/// The router's routes without a running server.
enum LedgerServerRoutesProbe {
    static func routes() -> [Router<BasicRequestContext>.RouteDescription] {
        let router = Router()
        for (path, method) in [("/v1/principals", HTTPRequest.Method.post), ("/v1/principals/:id", .delete), ("/v1/records", .get),
                               ("/v1/records", .post), ("/log/tile/**", .get)] {
            router.on(RouterPath(path), method: method) { _, _ in Response(status: .ok) }
        }
        return router.routes
    }
}
