import CreditRecords
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Every page type stays within 100 KB transferred (issue 18 "Figures"), each list filled to
/// its full page: a phone on a poor connection still gets it in a few seconds.
@Suite struct WebPageSizeTests {
    typealias W = WebPageTests
    static let limit = 100 * 1024
    /// One more than a list page holds, so every list is full and has a next page.
    static let rows = Ledger.recordListPage + 5

    @Test func everyPageTypeIsAtMost100KB() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.ban(1)).status == .created)
            for n in 0..<Self.rows {
                #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(100 + n)).status == .created)
                _ = try await client.createPrincipal(admin: admin, ["id": .string("page-auditor-\(n)"), "role": "auditor"])
            }
            let hr = try await W.signIn(client, token: roles[.institution])
            var receipt = ""
            var result: TestResponse?
            for n in 0..<Self.rows {
                let form = try await W.get(client, "/hr/check", cookie: hr)
                let csrf = try #require(W.hidden("csrf", in: form.text))
                let answer = try await W.post(client, "/hr/check", cookie: hr, [("csrf", csrf), ("idType", "resident_id"),
                                              ("idNumber", "330381199211083443"), ("name", "林晓燕"), ("purpose", "hiring"), ("consentRef", "HR-\(n)")])
                receipt = answer.text.range(of: #"/receipts/\d+/[0-9a-f]{32}"#, options: .regularExpression).map { String(answer.text[$0]) } ?? receipt
                result = answer
            }
            let inspector = try await W.signIn(client, token: roles[.inspector])
            let administrator = try await W.signIn(client, token: admin)
            let pages: [(String, String?)] = [
                ("/", nil), ("/institutions?q=%E6%89%98%E8%82%B2", nil), ("/institutions/\(Fixtures.xiaoxingxing.uscc)", nil),
                ("/public/closures", nil), ("/public/penalties", nil), ("/log", nil), ("/signin", nil), (receipt, nil),
                ("/hr/check", hr), ("/hr/checks", hr), ("/records", inspector), ("/records/new", inspector), ("/records/new/penalty", inspector),
                ("/records/new/inspection", inspector), ("/admin/principals", administrator), ("/admin/principals/new", administrator),
                ("/admin/principals/page-auditor-1/revoke", administrator),
            ]
            var sizes: [String: Int] = [:]
            for (uri, cookie) in pages {
                let page = try await W.get(client, uri, cookie: cookie)
                #expect(page.status == .ok, "\(uri): \(page.status)")
                sizes[uri] = page.body.readableBytes
            }
            sizes["check result"] = result?.body.readableBytes ?? 0
            for (uri, size) in sizes { #expect(size > 500 && size <= Self.limit, "\(uri): \(size) bytes") }
            // The lists are full: a next page exists, so the figure is the largest page.
            #expect(try await W.get(client, "/hr/checks", cookie: hr).text.contains("/hr/checks?before="))
            #expect(try await W.get(client, "/records", cookie: inspector).text.contains("/records?before="))
            #expect(try await W.get(client, "/public/penalties").text.contains("page=1"))
            #expect(try await W.get(client, "/admin/principals", cookie: administrator).text.contains("after="))
            print("web page sizes (bytes): \(sizes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
        try await test.close()
    }
}
