import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerTestSupport
import NIOCore
import Testing
@testable import CareLedgerServer

/// Where a printed check receipt's QR code points (`--public-url`): the configured address,
/// else the request's Host only when it is a plain host and port, else the listen address. A
/// receipt is printed and handed to the person checked; a link to somewhere else on it would
/// send them to whoever forged the Host.
@Suite struct ReceiptURLTests {
    @Test func publicURLsAreNormalisedOrRefused() {
        #expect(ServerConfiguration.parsePublicURL("https://tuoyu.example.gov.cn") == "https://tuoyu.example.gov.cn")
        #expect(ServerConfiguration.parsePublicURL("HTTPS://TuoYu.Example.gov.cn/") == "https://tuoyu.example.gov.cn")
        #expect(ServerConfiguration.parsePublicURL("http://10.0.0.5:8080") == "http://10.0.0.5:8080")
        #expect(ServerConfiguration.parsePublicURL("https://[2001:db8::1]:8443") == "https://[2001:db8::1]:8443")
        for refused in ["tuoyu.example.gov.cn", "ftp://tuoyu.example.gov.cn", "https://", "https://tuoyu.example.gov.cn/careledger",
                        "https://tuoyu.example.gov.cn/?a=1", "https://tuoyu.example.gov.cn/#x", "https://user@tuoyu.example.gov.cn",
                        "https://tuoyu.example.gov.cn:99999", "https://tuo yu.example.gov.cn", ""] {
            #expect(ServerConfiguration.parsePublicURL(refused) == nil, "\(refused)")
        }
    }

    @Test func onlyPlainHostsAreAuthorities() {
        for host in ["tuoyu.example.gov.cn", "127.0.0.1:8080", "[::1]:8080", "[2001:db8::1]", "localhost"] {
            #expect(ServerConfiguration.isAuthority(host), "\(host)")
        }
        for host in ["evil.example/phish?x=", "a@b.example", "a b", "tuoyu.example.gov.cn:", "x:8080:1", "[::1", "[::1]x",
                     "host:123456", "ex\u{0}ample", "例子.中国", ""] {
            #expect(!ServerConfiguration.isAuthority(host), "\(host)")
        }
    }

    static func request(host: String?) -> Request {
        Request(head: HTTPRequest(method: .get, scheme: "http", authority: host, path: "/hr/check"), body: RequestBody(buffer: ByteBuffer()))
    }

    @Test func theReceiptLinkNeverFollowsAForgedHost() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let server = test.server
        #expect(server.receiptURL(Self.request(host: "tuoyu.example.gov.cn:8443"), seq: 7, checkId: "ab12")
                == "http://tuoyu.example.gov.cn:8443/receipts/7/ab12")
        #expect(server.receiptURL(Self.request(host: "evil.example/phish?x="), seq: 7, checkId: "ab12")
                == "http://127.0.0.1:8080/receipts/7/ab12")
        #expect(server.receiptURL(Self.request(host: nil), seq: 7, checkId: "ab12") == "http://127.0.0.1:8080/receipts/7/ab12")
        try await test.close()

        let pinned = try await TestServer.start(configure: { $0.publicURL = "https://tuoyu.example.gov.cn" })
        defer { pinned.remove() }
        #expect(pinned.server.receiptURL(Self.request(host: "other.example"), seq: 7, checkId: "ab12")
                == "https://tuoyu.example.gov.cn/receipts/7/ab12")
        try await pinned.close()
    }

    /// The check form's result page carries the pinned address, whatever Host the browser sent.
    @Test func theResultPagePrintsThePublicURL() async throws {
        let test = try await TestServer.start(configure: { $0.publicURL = "https://tuoyu.example.gov.cn" })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let session = try await WebPageTests.signIn(client, token: roles[.institution])
            let result = try await WebPageTests.submit(client, "/hr/check", cookie: session, WebPageTests.checkFields(consentRef: "c-1"))
            #expect(result.status == .ok)
            #expect(result.text.range(of: #"https://tuoyu\.example\.gov\.cn/receipts/\d+/[0-9a-f]+"#, options: .regularExpression) != nil)
        }
        try await test.close()
    }

    /// The command refuses a malformed `--public-url` before it opens anything.
    @Test func serveRefusesAMalformedPublicURL() async throws {
        let binary = try #require(BuiltExecutable.path("careledger"))
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let refused = try await ChildProcess.capture(binary, ["serve", "--data", directory + "/data", "--listen", "127.0.0.1:0",
                                                              "--public-url", "https://tuoyu.example.gov.cn/careledger"])
        #expect(refused.outcome != .exited(0))
        #expect(String(decoding: refused.stderr, as: UTF8.self).contains("--public-url must be an http(s) URL"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/data"))
    }
}
