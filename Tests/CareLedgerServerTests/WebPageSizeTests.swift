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

    /// A closure penalty against the `n`th of many made-up companies in 330304.
    static func closure(company n: Int) throws -> JSONValue {
        let first17 = "91330304MA2J7" + String(format: "%04d", n)
        let check = try #require(USCC.checkCharacter(for: first17))
        var record = InstitutionStatusRouteTests.closure(10_000 + n).objectValue!
        var body = record["body"]!.objectValue!
        var party = body["party"]!.objectValue!
        party["name"] = .string("温州市瓯海区第\(n)托育有限公司")
        party["uscc"] = .string(first17 + String(check))
        body["party"] = .object(party)
        record["body"] = .object(body)
        return .object(record)
    }

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
            // More closed institutions than a page of one status holds.
            for n in 0..<(LedgerServer.closuresPageRows + 5) {
                let closed = try await client.send(.post, "/v1/records", token: admin, json: try Self.closure(company: n))
                #expect(closed.status == .created, "\(closed.summary)")
            }
            let hr = try await W.signIn(client, token: roles[.institution])
            var receipt = ""
            var result: TestResponse?
            for n in 0..<Self.rows {
                let answer = try await W.submit(client, "/hr/check", cookie: hr, W.checkFields(consentRef: "HR-\(n)"))
                receipt = answer.text.range(of: #"/receipts/\d+/[0-9a-f]{32}"#, options: .regularExpression).map { String(answer.text[$0]) } ?? receipt
                result = answer
            }
            let inspector = try await W.signIn(client, token: roles[.inspector])
            let administrator = try await W.signIn(client, token: admin)
            let pages: [(String, String?)] = [
                ("/", nil), ("/institutions?q=%E6%89%98%E8%82%B2", nil), ("/institutions/\(Fixtures.xiaoxingxing.uscc)", nil),
                ("/public/closures", nil), ("/public/closures?status=closed", nil), ("/institutions?q=&region=330304", nil),
                ("/receipts", nil), ("/public/penalties", nil), ("/log", nil), ("/signin", nil), (receipt, nil),
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
            #expect(try await W.get(client, "/public/closures?status=closed").text.contains("&amp;after="))
            #expect(try await W.get(client, "/institutions/\(Fixtures.xiaoxingxing.uscc)").text.contains("仅显示最近 \(LedgerServer.institutionListRows) 条"))
            #expect(try await W.get(client, "/admin/principals", cookie: administrator).text.contains("after="))
            print("web page sizes (bytes): \(sizes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
        try await test.close()
    }
    /// The pages of one person and of one authority's tasks, each list full: a person recorded
    /// and checked many times (/me), an authority with many objections and pending bans.
    @Test func personalAndTaskPagesAreAtMost100KB() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            for n in 0..<Self.rows {
                #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.personalPenalty(500 + n)).status == .created)
                #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.zhangSan)).status == .ok)
                #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(700 + n))).status == .created)
            }
            let code = try await SubjectCodeTests.issue(client, token: roles[.inspector])
            let (_, subject) = try await WebSubjectPageTests.enter(client, code: code)
            let session = try #require(subject)
            let me = try await W.get(client, "/me", cookie: session)
            let csrf = try #require(W.hidden("csrf", in: me.text))
            let seq = try #require(me.text.firstMatch(of: /<option value="(\d+)"/).map { String($0.1) })
            for n in 0..<Self.rows {
                let filed = try await W.post(client, "/me/objections", cookie: session, [("csrf", csrf), ("seq", seq), ("text", "第\(n)次异议：处罚事实有误，请核实。")])
                #expect(filed.status == .seeOther || filed.status == .ok, "\(filed.status)")
            }
            // All but five answered: the open ones all stay, the answered ones are cut.
            let tasks = try await client.send(.get, "/v1/tasks", token: roles[.inspector]).json()
            let ids = try #require(tasks["objections"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue })
            #expect(ids.count == Self.rows)
            for id in ids.dropLast(5) {
                #expect(try await client.send(.post, "/v1/objections/\(id)/replies", token: roles[.inspector], json: ["reply": "经复核，记录属实。"]).status == .ok)
            }
            let inspector = try await W.signIn(client, token: roles[.inspector])
            let second = try await client.createInspector(admin: admin, id: "insp-ouhai-02", key: TestKeys.confirmer)
            let confirmer = try await W.signIn(client, token: second)
            var sizes: [String: Int] = [:]
            for (uri, cookie) in [("/me", session), ("/objections", inspector), ("/confirmations", confirmer)] {
                let page = try await W.get(client, uri, cookie: cookie)
                #expect(page.status == .ok, "\(uri): \(page.status)")
                sizes[uri] = page.body.readableBytes
            }
            for (uri, size) in sizes { #expect(size > 500 && size <= Self.limit, "\(uri): \(size) bytes") }
            let objections = try await W.get(client, "/objections", cookie: inspector).text
            #expect(objections.components(separatedBy: "class=\"card objection\"").count - 1 == 5 + LedgerServer.answeredObjectionRows)
            #expect(objections.components(separatedBy: "答复并办结").count - 1 == 5, "every open objection keeps its reply form")
            #expect(objections.contains("id=\"answered-cut\"") && objections.contains("共 \(Self.rows - 5) 条"))
            let meText = try await W.get(client, "/me", cookie: session).text
            #expect(meText.contains("id=\"checks-cut\"") && meText.contains("共被查询 \(Self.rows) 次"))
            #expect(meText.contains("id=\"records-cut\"") && meText.contains("id=\"objections-cut\""))
            func count(_ text: String, _ marker: String) -> Int { text.components(separatedBy: marker).count - 1 }
            #expect(count(meText, "class=\"card record\"") == LedgerServer.meRecordRows)
            #expect(count(meText, "class=\"card objection\"") == LedgerServer.meObjectionRows)
            #expect(count(meText, "<tr><td>") == LedgerServer.meCheckRows)
            #expect(count(meText, "<option value=") == Self.rows, "the objection form offers every record")
            // Asked for, everything is there.
            let all = try await W.get(client, "/me?all=1", cookie: session)
            #expect(!all.text.contains("-cut\""))
            #expect(count(all.text, "class=\"card record\"") == Self.rows && count(all.text, "class=\"card objection\"") == Self.rows)
            #expect(count(all.text, "<tr><td>") == Self.rows)
            sizes["/me?all=1"] = all.body.readableBytes
            print("personal page sizes (bytes): \(sizes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
        try await test.close()
    }
}
