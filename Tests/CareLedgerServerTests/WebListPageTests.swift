import CreditRecords
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// The paged lists (issue 18; docs/web.md): an institution's own check history, an
/// authority's own records, the public penalties (公示), and every page's size.
@Suite struct WebListPageTests {
    typealias W = WebPageTests

    static func check(_ client: any TestClientProtocol, session: String, consentRef: String) async throws -> String {
        let answer = try await W.submit(client, "/hr/check", cookie: session, W.checkFields(consentRef: consentRef))
        #expect(answer.status == .ok)
        return try #require(answer.text.range(of: #"/receipts/\d+/[0-9a-f]{32}"#, options: .regularExpression).map { String(answer.text[$0]) })
    }

    @Test func anInstitutionSeesItsOwnChecksNewestFirstAndNobodysIdentity() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let institutionToken = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.ban(1)).status == .created)
            // A second principal of the same institution, checking through the API, and another institution.
            let colleague = try await client.createPrincipal(admin: admin, [
                "id": "inst-xiaoxingxing-2", "role": "institution",
                "institution": ["name": .string(Fixtures.xiaoxingxing.name), "uscc": .string(Fixtures.xiaoxingxing.uscc)],
            ])
            let other = try await client.createPrincipal(admin: admin, [
                "id": "inst-aixin", "role": "institution", "institution": ["name": .string(Fixtures.aixin.name), "uscc": .string(Fixtures.aixin.uscc)],
            ])
            let session = try await W.signIn(client, token: roles[.institution])
            #expect(try await W.get(client, "/hr/checks", cookie: session).text.contains("本机构还没有查询记录"))
            let first = try await Self.check(client, session: session, consentRef: "HR-2026-001")
            #expect(try await client.send(.post, "/v1/checks", token: colleague, json: Fixtures.check(consentRef: "HR-2026-002")).status == .ok)
            #expect(try await client.send(.post, "/v1/checks", token: other, json: Fixtures.check(consentRef: "AIXIN-9")).status == .ok)
            let second = try await Self.check(client, session: session, consentRef: "HR-2026-003")

            let page = try await W.get(client, "/hr/checks", cookie: session)
            #expect(page.status == .ok && page.headers[.cacheControl] == "no-store")
            let text = page.text
            let positions = ["HR-2026-003", "HR-2026-002", "HR-2026-001"].map { text.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil }, "every check of the institution, by any of its principals")
            #expect(positions[0]! < positions[1]! && positions[1]! < positions[2]!, "newest first")
            #expect(text.contains(second) && text.contains(first), "each links to its receipt")
            #expect(text.contains("禁止从业") && text.contains("招聘录用前查询"))
            #expect(!text.contains("AIXIN-9"), "another institution's checks are not shown")
            #expect(!text.contains("330381199211083443") && !text.contains("林晓燕"), "nobody's identity")

            // Paged: one entry a page walks the three in order; a bad cursor is a Chinese 400.
            let hr = try #require(test.server.principals.principal(id: "inst-xiaoxingxing"))
            let p1 = try test.server.ledger.checkHistory(of: hr, before: nil, limit: 1)
            #expect(p1.items.map(\.consentRef) == ["HR-2026-003"])
            let p2 = try test.server.ledger.checkHistory(of: hr, before: p1.next, limit: 2)
            #expect(p2.items.map(\.consentRef) == ["HR-2026-002", "HR-2026-001"])
            #expect(p2.next == nil)
            let older = try await W.get(client, "/hr/checks?before=\(p1.next!)", cookie: session)
            #expect(older.text.contains("HR-2026-002") && !older.text.contains("HR-2026-003"))
            let bad = try await W.get(client, "/hr/checks?before=abc", cookie: session)
            #expect(bad.status == .badRequest && bad.text.contains("翻页参数不正确"))

            // Only an institution's session.
            let inspector = try await W.signIn(client, token: roles[.inspector])
            #expect(try await W.get(client, "/hr/checks", cookie: inspector).status == .forbidden)
            return roles[.institution]
        }
        // The history is rebuilt from the access log at start.
        let again = try await test.restart()
        try await again.test { client in
            let session = try await W.signIn(client, token: institutionToken)
            let page = try await W.get(client, "/hr/checks", cookie: session)
            #expect(page.text.contains("HR-2026-001") && page.text.contains("HR-2026-003") && !page.text.contains("AIXIN-9"))
        }
        try await again.close()
    }

    @Test func anAuthoritySeesItsOwnRecordsFilteredWithPublicFieldsOnly() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for record in [Fixtures.filing(1), Fixtures.penalty(1), Fixtures.penalty(2), Fixtures.penalty(3, authority: Fixtures.ouhaiMarket)] {
                #expect(try await client.send(.post, "/v1/records", token: admin, json: record).status == .created)
            }
            // seq 2 (瓯卫罚〔2026〕2号) revoked.
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.revocation(target: 2, 1)).status == .created)
            let session = try await W.signIn(client, token: roles[.inspector])
            let all = try await W.get(client, "/records", cookie: session)
            #expect(all.status == .ok)
            for number in ["瓯卫罚〔2026〕1号", "瓯卫罚〔2026〕2号", "瓯卫撤〔2026〕1号"] { #expect(all.text.contains(number), "\(number)") }
            #expect(!all.text.contains("瓯卫罚〔2026〕3号"), "another authority's record")
            #expect(all.text.contains(Fixtures.xiaoxingxing.name), "the institution a penalty is against")
            // No person and no free text on the list.
            for secret in ["王丽", "330302199003150044", "监控录像保存不足", "托育机构设置标准"] { #expect(!all.text.contains(secret), "\(secret)") }

            let penalties = try await W.get(client, "/records?kind=penalty&status=live", cookie: session)
            #expect(penalties.text.contains("瓯卫罚〔2026〕1号") && !penalties.text.contains("瓯卫罚〔2026〕2号") && !penalties.text.contains("瓯卫撤"))
            let revoked = try await W.get(client, "/records?status=revoked", cookie: session)
            #expect(revoked.text.contains("瓯卫罚〔2026〕2号") && !revoked.text.contains("瓯卫罚〔2026〕1号"))
            let may = try await W.get(client, "/records?from=2026-05-01&to=2026-05-31", cookie: session)
            #expect(may.text.contains("瓯卫罚〔2026〕1号") && !may.text.contains("瓯卫撤〔2026〕1号"))
            for query in ["kind=nonsense", "from=2026-13-01", "status=gone", "before=x"] {
                let bad = try await W.get(client, "/records?\(query)", cookie: session)
                #expect(bad.status == .badRequest, "\(query)")
                #expect(bad.text.contains("role=\"alert\""), "\(query)")
            }
            // Paging through the core: newest first, one at a time.
            let inspector = try #require(test.server.principals.principal(id: "insp-ouhai-01"))
            let one = try test.server.ledger.authorityRecords(of: inspector, filter: .init(), before: nil, limit: 1)
            #expect(one.items.map(\.seq) == [4])
            let rest = try test.server.ledger.authorityRecords(of: inspector, filter: .init(), before: one.next, limit: 10)
            #expect(rest.items.map(\.seq) == [2, 1, 0])
            #expect(try await W.get(client, "/records", cookie: try await W.signIn(client, token: roles[.institution])).status == .forbidden)
        }
        try await test.close()
    }

    /// Closures are listed a few per status on the overview and paged per status, so the list
    /// stays readable (and within 100 KB) however many institutions close.
    @Test func closuresArePagedPerStatus() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let closed = LedgerServer.closuresOverviewRows + 3
        try await test.test { client in
            var codes: [String] = []
            for n in 0..<closed {
                let record = try WebPageSizeTests.closure(company: n)
                codes.append(record.objectValue!["body"]!.objectValue!["party"]!.objectValue!["uscc"]!.stringValue!)
                #expect(try await client.send(.post, "/v1/records", token: admin, json: record).status == .created)
            }
            codes.sort()
            func listed(_ text: String) -> [String] { codes.filter { text.contains("/institutions/\($0)") } }
            let overview = try await W.get(client, "/public/closures")
            #expect(overview.status == .ok)
            #expect(listed(overview.text) == Array(codes.prefix(LedgerServer.closuresOverviewRows)))
            #expect(overview.text.contains("href=\"/public/closures?status=closed\""))
            let all = try await W.get(client, "/public/closures?status=closed")
            #expect(listed(all.text) == codes)
            #expect(!all.text.contains("下一页"), "one page holds them all")
            let rest = try await W.get(client, "/public/closures?status=closed&after=\(codes[9])")
            #expect(listed(rest.text) == Array(codes.dropFirst(10)))
            let district = try await W.get(client, "/public/closures?status=closed&region=330305")
            #expect(listed(district.text).isEmpty && district.text.contains("无。"))
            for query in ["status=open", "status=closed&region=33", "status=closed&after=" + String(repeating: "9", count: 41)] {
                let bad = try await W.get(client, "/public/closures?\(query)")
                #expect(bad.status == .badRequest && bad.text.contains("role=\"alert\""), "\(query)")
            }
        }
        try await test.close()
    }

    @Test func publicPenaltiesListLivePenaltiesByDistrict() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            for record in [Fixtures.filing(1), Fixtures.penalty(1), Fixtures.penalty(2)] {
                #expect(try await client.send(.post, "/v1/records", token: admin, json: record).status == .created)
            }
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.revocation(target: 2, 1)).status == .created)
            for uri in ["/public/penalties", "/public/penalties?region=330304", "/public/penalties?region=330300"] {
                let page = try await W.get(client, uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.text.contains("瓯卫罚〔2026〕1号") && page.text.contains(Fixtures.xiaoxingxing.name), "\(uri)")
                #expect(!page.text.contains("瓯卫罚〔2026〕2号"), "a revoked penalty is not published: \(uri)")
                #expect(page.text.contains("警告") && page.text.contains("2027-05-20"))
                for secret in ["王丽", "330302199003150044", "监控录像保存不足"] { #expect(!page.text.contains(secret), "\(secret)") }
            }
            #expect(!(try await W.get(client, "/public/penalties?region=330305")).text.contains("瓯卫罚"))
            // The institution page is cached per tree size: an append shows at once.
            let uri = "/institutions/\(Fixtures.xiaoxingxing.uscc)"
            #expect(!(try await W.get(client, uri)).text.contains("瓯卫罚〔2026〕9号"))
            #expect(try await W.get(client, uri).text.contains("瓯卫罚〔2026〕1号"), "served from the cache alike")
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(9)).status == .created)
            #expect(try await W.get(client, uri).text.contains("瓯卫罚〔2026〕9号"))
            // A signed-in caller gets the same content in its own frame.
            let session = try await W.signIn(client, token: admin)
            let signedIn = try await W.get(client, uri, cookie: session)
            #expect(signedIn.text.contains("瓯卫罚〔2026〕9号") && signedIn.text.contains("退出登录"))
            #expect(!(try await W.get(client, uri)).text.contains("退出登录"))
            for query in ["region=33", "page=-1", "page=x"] {
                let bad = try await W.get(client, "/public/penalties?\(query)")
                #expect(bad.status == .badRequest && bad.text.contains("role=\"alert\""), "\(query)")
            }
        }
        try await test.close()
    }
}
