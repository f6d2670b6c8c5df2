import CreditExport
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerTestSupport
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Transport and headers (docs/http.md, "Transport"): TLS in process, plain HTTP only on
/// loopback, clients that refuse `http://` off the machine, `no-store` on authenticated
/// answers, `/metrics` behind its token.
@Suite struct TransportTests {
    static func configuration(_ host: String, insecure: Bool = false, cert: String? = nil, key: String? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.insecurePlaintext = insecure
        configuration.tlsCertificatePath = cert
        configuration.tlsKeyPath = key
        return configuration
    }

    @Test func plainHTTPOnANonLoopbackAddressIsRefused() {
        for host in ["0.0.0.0", "::", "192.0.2.10", "10.1.2.3", "2001:db8::1", "ledger.example.org", "128.0.0.1"] {
            let refusal = Self.configuration(host).transportRefusal()
            #expect(refusal?.contains("--insecure-plaintext") == true, "\(host)")
            #expect(refusal?.contains("--tls-cert") == true, "\(host)")
        }
        for host in ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST"] {
            #expect(Self.configuration(host).transportRefusal() == nil, "\(host)")
        }
        // Half a TLS pair is refused wherever it listens.
        #expect(Self.configuration("127.0.0.1", cert: "/c.pem").transportRefusal() == "--tls-cert and --tls-key go together")
    }

    @Test func insecurePlaintextOrTLSIsAccepted() {
        #expect(Self.configuration("0.0.0.0", insecure: true).transportRefusal() == nil)
        #expect(Self.configuration("0.0.0.0", cert: "/c.pem", key: "/k.pem").transportRefusal() == nil)
        #expect(Self.configuration("0.0.0.0", cert: "/c.pem", key: "/k.pem").scheme == "https")
        #expect(Self.configuration("127.0.0.1").scheme == "http")
    }

    /// The real command: refused at start with the message, before it opens a data directory;
    /// with `--insecure-plaintext` it gets past the check (and stops at a later, bad option,
    /// so nothing listens on a public address).
    @Test func serveRefusesPlaintextOffLoopbackUnlessInsecurePlaintext() async throws {
        let binary = try #require(BuiltExecutable.path("careledger"))
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let refused = try await ChildProcess.capture(binary, ["serve", "--data", directory + "/data", "--listen", "0.0.0.0:0"])
        #expect(refused.outcome != .exited(0))
        #expect(String(decoding: refused.stderr, as: UTF8.self).contains("refusing to serve plain HTTP on 0.0.0.0"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/data"))

        let accepted = try await ChildProcess.capture(binary, ["serve", "--data", directory + "/data", "--listen", "0.0.0.0:0",
                                                               "--insecure-plaintext", "--check-quota=-1"])
        let stderr = String(decoding: accepted.stderr, as: UTF8.self)
        #expect(!stderr.contains("refusing to serve plain HTTP"))
        #expect(stderr.contains("--check-quota must not be negative"))
    }

    @Test func clientsRefusePlainHTTPOffTheMachine() async throws {
        for url in ["http://ledger.example.org", "http://192.0.2.1:8080", "http://[2001:db8::1]:8080", "ftp://127.0.0.1", "127.0.0.1:8080"] {
            #expect(ServiceClient.refusal(url: url, option: "--server") != nil, "\(url)")
        }
        for url in ["http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:8080", "https://ledger.example.org"] {
            #expect(ServiceClient.refusal(url: url, option: "--server") == nil, "\(url)")
        }
        // The transport itself refuses too, before any connection is made.
        await #expect(throws: ExportError.self) {
            _ = try await ServiceClient().send("GET", url: "http://192.0.2.1:9/healthz")
        }
        // And the command says so, naming the option.
        let binary = try #require(BuiltExecutable.path("careledger"))
        let run = try await ChildProcess.capture(binary, ["check", "--server", "http://192.0.2.1:8080", "--token-file", "/dev/null",
                                                          "--id", "x", "--name", "x"])
        #expect(run.outcome != .exited(0))
        #expect(String(decoding: run.stderr, as: UTF8.self).contains("--server: refusing plain http://"))
    }

    /// The push clients carry a push token and whole batches of records: the same rule.
    @Test func pushClientsRefusePlainHTTPOffTheMachine() async throws {
        #expect(throws: ExportError.self) { _ = try HTTPBatchTarget(base: URL(string: "http://192.0.2.1:8080/in")!) }
        _ = try HTTPBatchTarget(base: URL(string: "http://127.0.0.1:8080/in")!)
        _ = try HTTPBatchTarget(base: URL(string: "https://platform.example.org/in")!)

        let binary = try #require(BuiltExecutable.path("careledger"))
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let export = try await ChildProcess.capture(binary, ["export", "--data", directory + "/data", "--out", directory + "/spool",
                                                             "--push", "http://192.0.2.1:8080/in"])
        #expect(export.outcome == .exited(64))
        #expect(String(decoding: export.stderr, as: UTF8.self).contains("--push: refusing plain http://"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/spool"))

        // A bad profile, validated after --export-to, so a regression exits instead of serving.
        let serve = try await ChildProcess.capture(binary, ["serve", "--data", directory + "/data", "--listen", "127.0.0.1:0",
                                                            "--export-every", "15m", "--export-to", "HTTP://platform.example.org/in",
                                                            "--export-profile", directory + "/no-such-profile.json"])
        #expect(serve.outcome == .exited(64))
        #expect(String(decoding: serve.stderr, as: UTF8.self).contains("--export-to: refusing plain http://"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/data"))
    }

    @Test func tlsRoundTripWithASelfSignedCertificate() async throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (cert, key) = try await TestCertificate.make(in: directory)
        let test = try await TestServer.start(directory: directory) {
            $0.host = "127.0.0.1"
            $0.port = 0
            $0.tlsCertificatePath = cert
            $0.tlsKeyPath = key
        }
        let port = Mutex<Int?>(nil)
        let app = try test.server.application { channel in port.withLock { $0 = channel.localAddress?.port } }
        let group = ServiceGroup(configuration: .init(services: [app], logger: test.capture.logger()))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var bound: Int?
            for _ in 0..<200 where bound == nil {
                try await Task.sleep(for: .milliseconds(25))
                bound = port.withLock { $0 }
            }
            let listening = try #require(bound)
            let trusting = try ServiceClient(caFile: cert)
            // Connection: close, so the graceful shutdown below waits for no idle keep-alive.
            // The deadline is generous: in CI's parallel run (2 cores, every suite's servers and
            // clients on the same two event loops) one round trip once took longer than the
            // client's default 60 s; what this test asserts is that TLS works, not how fast.
            let health = try await trusting.send("GET", url: "https://localhost:\(listening)/healthz", headers: [("Connection", "close")],
                                                 timeoutSeconds: 300)
            #expect(health.status == 200)
            #expect(String(decoding: health.body, as: UTF8.self).contains("\"status\":\"ok\""))
            let metrics = try await trusting.send("GET", url: "https://127.0.0.1:\(listening)/metrics",
                                                  headers: [("Authorization", "Bearer \(test.adminToken)"), ("Connection", "close")],
                                                  timeoutSeconds: 300)
            #expect(metrics.status == 200)
            // Without the CA the certificate is not trusted (async-http-client retries the
            // handshake until its 10 s connect timeout, hence most of this test's time).
            await #expect(throws: (any Error).self) {
                _ = try await ServiceClient().send("GET", url: "https://localhost:\(listening)/healthz")
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await test.close()
    }

    @Test func authenticatedAnswersAreNotStoredAndPublicTilesKeepTheirCaching() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(100)).status == .created)
            let record = try await client.send(.get, "/v1/records/0?purpose=audit", token: roles[.auditor])
            #expect(record.status == .ok)
            #expect(record.headers[.cacheControl] == "no-store")
            // A refusal on an authenticated route is marked too.
            let refused = try await client.send(.get, "/v1/records/0")
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.cacheControl] == "no-store")
            let bundle = try await client.send(.get, "/log/tile/entries/000.p/1", token: roles[.auditor])
            #expect(bundle.headers[.cacheControl] == "no-store")
            // Public hash tiles keep their caching.
            #expect(try await client.send(.get, "/log/tile/0/000.p/1").headers[.cacheControl] == "public, max-age=60")
        }
        try await test.close()
    }

    @Test func metricsNeedTheirToken() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.get, "/metrics").status == .unauthorized)
            #expect(try await client.send(.get, "/metrics", token: roles[.auditor]).status == .forbidden)
            let scraped = try await client.send(.get, "/metrics", token: roles[.metrics])
            #expect(scraped.status == .ok)
            #expect(scraped.headers[.cacheControl] == "no-store")
            // The scraper's token reads nothing else.
            #expect(try await client.send(.get, "/v1/records/0", token: roles[.metrics]).status == .forbidden)
        }
        try await test.close()
    }
}
