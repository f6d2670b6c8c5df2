import CreditExport
import HummingbirdTesting
import LedgerCore
import Testing
@testable import CareLedgerServer

/// Behind a reverse proxy every request comes from the proxy's address, so the per-address
/// limits would make one client's wrong tokens lock every client out. `--trusted-proxy` keys
/// them on the client the proxy names (docs/operations.md "Behind nginx").
@Suite struct TrustedProxyTests {
    static let wrong = String(repeating: "A", count: BearerToken.textLength)

    /// GET /v1/tasks through async-http-client, as the service's own clients connect.
    static func tasks(port: Int, token: String, from address: String) async throws -> Int {
        try await ServiceClient().send("GET", url: "http://127.0.0.1:\(port)/v1/tasks",
                                       headers: [("Authorization", "Bearer " + token), ("X-Forwarded-For", address)]).status
    }

    /// Over a real loopback connection, as nginx on the same machine would connect.
    @Test func behindATrustedProxyEachClientHasItsOwnFailedAuthenticationLimit() async throws {
        let test = try await TestServer.start(configure: {
            $0.failedAuthenticationRate = RateLimit(burst: 2, perSecond: 0.0001)
            $0.trustedProxies = ["127.0.0.1", "::1"]
        })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.live { (port: Int) async throws -> Void in
            for _ in 0..<2 { #expect(try await Self.tasks(port: port, token: Self.wrong, from: "203.0.113.5") == 401) }
            #expect(try await Self.tasks(port: port, token: Self.wrong, from: "203.0.113.5") == 429)
            // Another client behind the same proxy is not locked out.
            #expect(try await Self.tasks(port: port, token: admin, from: "203.0.113.9") == 200)
            // Entries left of the proxy's own are the client's text: a locked-out client cannot
            // borrow another's address by sending one.
            #expect(try await Self.tasks(port: port, token: admin, from: "203.0.113.9, 203.0.113.5") == 429)
        }
        try await test.close()
    }

    /// From a peer that is not a trusted proxy the header is ignored: a client cannot choose
    /// the address it is limited by.
    @Test func anUntrustedPeersForwardedForIsIgnored() async throws {
        let test = try await TestServer.start(configure: { $0.failedAuthenticationRate = RateLimit(burst: 2, perSecond: 0.0001) })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.live { (port: Int) async throws -> Void in
            for n in 0..<2 { #expect(try await Self.tasks(port: port, token: Self.wrong, from: "203.0.113.\(n)") == 401) }
            #expect(try await Self.tasks(port: port, token: admin, from: "203.0.113.77") == 429)
        }
        try await test.close()
    }

    @Test(arguments: [
        (["203.0.113.5"], "203.0.113.5"), (["10.0.0.1, 203.0.113.5"], "203.0.113.5"), (["a", "10.0.0.1,2001:db8::7 "], "2001:db8::7"),
        ([], nil), ([""], nil), (["203.0.113.5, not-an-address"], nil), (["<script>"], nil),
    ] as [([String], String?)])
    func theProxysOwnEntryIsTheLastOne(lines: [String], expected: String?) {
        #expect(TrustedProxyMiddleware.forwardedClient(lines) == expected)
    }
}
