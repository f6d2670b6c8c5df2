import Foundation
import HummingbirdTesting
import LedgerCore
import Synchronization
import Testing
@testable import CareLedgerServer

/// Sessions end when they should (docs/web.md "Sign-in and sessions"), cookies are Secure
/// where the service is reached over HTTPS, and signed-in pages keep the API's rate limits.
@Suite struct WebSessionTests {
    typealias W = WebPageTests

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    @Test func aSessionEndsAfterItsIdleTimeAndAfterItsLifetimeInAnyCase() {
        let clock = Clock()
        let table = SessionTable<String>(idleTimeout: .seconds(30 * 60), absoluteTimeout: .seconds(8 * 3600), maxSessions: 10,
                                         now: { clock.now })
        let idle = table.create("idle")
        let busy = table.create("busy")
        #expect(table.session(id: idle.id)?.owner == "idle")
        // Used every 20 minutes, the busy one outlives the idle one…
        for _ in 0..<2 {
            clock.advance(.seconds(20 * 60))
            #expect(table.session(id: busy.id)?.owner == "busy")
        }
        #expect(table.session(id: idle.id) == nil, "unused for 40 minutes against 30 minutes idle")
        // …until eight hours after sign-in, however often it is used.
        for _ in 0..<21 {
            clock.advance(.seconds(20 * 60))
            #expect(table.session(id: busy.id)?.owner == "busy")
        }
        clock.advance(.seconds(20 * 60))
        #expect(table.session(id: busy.id) == nil, "8 h 20 min after sign-in")
        // An expired id stays expired.
        clock.advance(.seconds(1))
        #expect(table.session(id: idle.id) == nil)
    }

    @Test func theOldestSessionGivesWayWhenTheTableIsFull() {
        let clock = Clock()
        let table = SessionTable<String>(idleTimeout: .seconds(60), absoluteTimeout: .seconds(600), maxSessions: 3, now: { clock.now })
        let first = table.create("a")
        clock.advance(.seconds(1))
        let others = (0..<2).map { _ in
            defer { clock.advance(.seconds(1)) }
            return table.create("b")
        }
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
