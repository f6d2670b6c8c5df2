import Foundation
import HummingbirdTesting
import LedgerCore
import Testing
@testable import CareLedgerServer

/// Sessions end when they should (docs/web.md "Sign-in and sessions"), cookies are Secure
/// where the service is reached over HTTPS, and signed-in pages keep the API's rate limits.
@Suite struct WebSessionTests {
    typealias W = WebPageTests

    @Test func aSessionEndsAfterItsIdleTimeAndAfterItsLifetimeInAnyCase() async throws {
        let table = SessionTable<String>(idleTimeout: .milliseconds(400), absoluteTimeout: .milliseconds(1_500), maxSessions: 10)
        let idle = table.create("idle")
        let busy = table.create("busy")
        #expect(table.session(id: idle.id)?.owner == "idle")
        // Used every 200 ms, the busy one outlives the idle one…
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(200))
            #expect(table.session(id: busy.id)?.owner == "busy")
        }
        #expect(table.session(id: idle.id) == nil, "unused for 800 ms against a 400 ms idle time")
        // …until its lifetime ends, however often it is used.
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(200))
            _ = table.session(id: busy.id)
        }
        #expect(table.session(id: busy.id) == nil, "1.6 s old against a 1.5 s lifetime")
        // An expired id stays expired: it is not brought back by another lookup.
        #expect(table.session(id: idle.id) == nil)
    }

    @Test func theOldestSessionGivesWayWhenTheTableIsFull() async throws {
        let table = SessionTable<String>(idleTimeout: .seconds(60), absoluteTimeout: .seconds(60), maxSessions: 3)
        let first = table.create("a")
        try await Task.sleep(for: .milliseconds(5))
        let others = (0..<2).map { table.create("b\($0)") }
        try await Task.sleep(for: .milliseconds(5))
        // Using the first makes the second-made the least recently seen.
        #expect(table.session(id: first.id) != nil)
        _ = table.create("c")
        #expect(table.session(id: first.id) != nil)
        #expect(table.session(id: others[0].id) == nil)
        #expect(table.session(id: others[1].id) != nil)
    }

    @Test func cookiesAreSecureOnlyWhereTheServiceIsReachedOverHTTPS() async throws {
        for behindProxy in [false, true] {
            let test = try await TestServer.start { $0.secureCookiesBehindProxy = behindProxy }
            defer { test.remove() }
            let admin = test.adminToken
            try await test.test { client in
                let page = try await W.get(client, "/signin")
                let csrf = try #require(W.hidden("csrf", in: page.text))
                let formCookie = try #require(W.cookies(page).values[WebPage.signInCookie])
                let signedIn = try await W.post(client, "/signin", cookie: "\(WebPage.signInCookie)=\(formCookie)", [("csrf", csrf), ("token", admin)])
                #expect(signedIn.status == .seeOther)
                let lines = W.cookies(page).lines + W.cookies(signedIn).lines
                let session = try #require(lines.first { $0.hasPrefix(WebPage.sessionCookie + "=") })
                #expect(lines.count >= 2)
                for line in lines {
                    let attributes = line.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    #expect(attributes.contains("secure") == behindProxy, "\(behindProxy ? "behind a TLS proxy" : "plain HTTP"): \(line)")
                    #expect(attributes.contains("httponly") && attributes.contains("samesite=strict"), "\(line)")
                }
                #expect(session.lowercased().contains("max-age=\(8 * 3600)"))
            }
            try await test.close()
        }
    }

    @Test func signedInPagesKeepThePrincipalsRateLimit() async throws {
        var test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let roles = try await test.test { client in try await client.makeRoles(admin: admin) }
        // The same service, now with a bucket of three requests that hardly refills.
        test = try await test.restart { $0.principalRate = RateLimit(burst: 3, perSecond: 0.001) }
        try await test.test { client in
            let hr = try await W.signIn(client, token: roles[.institution])
            for n in 0..<3 { #expect(try await W.get(client, "/hr/check", cookie: hr).status == .ok, "request \(n + 1)") }
            let refused = try await W.get(client, "/hr/check", cookie: hr)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.text.contains("请求过于频繁"))
            #expect(!refused.text.contains("id=\"idNumber\""), "the form is not served past the limit")
            // A form post past the limit is refused the same way, before its CSRF token is read.
            #expect(try await W.post(client, "/hr/check", cookie: hr, [("csrf", "x")]).status == .tooManyRequests)
            // Another principal has its own bucket.
            let inspector = try await W.signIn(client, token: roles[.inspector])
            #expect(try await W.get(client, "/records/new", cookie: inspector).status == .ok)
        }
        try await test.close()
    }
}
