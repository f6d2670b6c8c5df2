import CreditRecords
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// /me and the inspector's /objections over HTTP (issue 18 part 5; docs/web.md "The person
/// checked"). The same flow in a real browser: tools/browser/run.py `subject_flow`.
@Suite struct WebSubjectPageTests {
    typealias W = WebPageTests

    /// Enters `code` at /me; answers the response and the subject cookie header, if any.
    static func enter(_ client: any TestClientProtocol, code: String) async throws -> (TestResponse, String?) {
        let response = try await W.submit(client, "/me", formCookie: LedgerServer.subjectFormCookie, [("code", code)])
        return (response, W.cookies(response).values[LedgerServer.subjectCookie].map { "\(LedgerServer.subjectCookie)=\($0)" })
    }

    @Test func thePersonSignsInSeesTheirRecordAndChecksAndObjects() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try await SubjectCodeTests.recordZhangSan(client, admin: admin, roles: roles)
            let code = try await SubjectCodeTests.issue(client, token: roles[.inspector])

            // Without the form's cookie (another site's form) nothing is tried.
            let forged = try await W.post(client, "/me", cookie: nil, [("csrf", "x"), ("code", code)])
            #expect(forged.status == .forbidden)
            let (wrong, noCookie) = try await Self.enter(client, code: "2222-3333-4444-5555")
            #expect(wrong.status == .unauthorized && noCookie == nil)
            #expect(wrong.text.contains("访问码无效"))

            let (entered, cookie) = try await Self.enter(client, code: code)
            #expect(entered.status == .seeOther && entered.headers[.location] == "/me")
            let line = try #require(W.cookies(entered).lines.first { $0.hasPrefix(LedgerServer.subjectCookie + "=") })
            #expect(line.contains("HttpOnly") && line.contains("SameSite=Strict") && line.contains("Path=/me"))
            let session = try #require(cookie)

            let me = try await W.get(client, "/me", cookie: session)
            #expect(me.status == .ok)
            #expect(me.headers[.cacheControl] == "no-store")
            #expect(me.text.contains("id=\"record-\(seq)\""))
            #expect(me.text.contains("当事人未取得健康合格证明"), "the opened personal part")
            #expect(me.text.contains(Fixtures.xiaoxingxing.name) && me.text.contains("招聘录用前查询"), "who checked, why")
            #expect(!me.text.contains("11010519491231002X"), "the page shows the number masked")
            #expect(me.text.contains("110105********002X"))
            // The person's own read is recorded like any other: one subject_access entry naming
            // the records shown and the person's access-log pseudonym, never the number.
            let log = test.server.access.log
            let reads = try (0..<log.size).compactMap { ReadEntry.decode(try log.entry(at: $0)) }.filter { $0.kind == .subjectAccess }
            #expect(reads.count == 1)
            #expect(reads.first?.principal == ReadEntry.dataSubject && reads.first?.purpose == "data_subject_access")
            #expect(reads.first?.seqs == [UInt64(seq)])
            #expect(reads.first?.subject == test.server.ledger.accessSubject(idType: .residentId, idNumber: "11010519491231002X"))
            #expect(!String(decoding: try log.entry(at: log.size - 1), as: UTF8.self).contains("11010519491231002X"))
            // An auditor lists it, for a purpose, and that listing is itself recorded; other
            // roles may not, and a listing without a purpose is refused naming it.
            let listed = try await client.send(.get, "/v1/audit/subject-reads?purpose=audit", token: roles[.auditor])
            #expect(listed.status == .ok && listed.headers[.cacheControl] == "no-store", "\(listed.summary)")
            let rows = try #require(try listed.json()["reads"]?.arrayValue)
            #expect(rows.count == 1)
            let row = try #require(rows.first?.objectValue)
            #expect(row["kind"] == "subject_access" && row["principal"] == .string(ReadEntry.dataSubject))
            #expect(row["seqs"] == .array([.uint(UInt64(seq))]))
            #expect(!listed.text.contains("11010519491231002X"))
            let auditReads = try (0..<log.size).compactMap { ReadEntry.decode(try log.entry(at: $0)) }.filter { $0.kind == .auditReads }
            #expect(auditReads.last?.reader == ReadEntry.dataSubject && auditReads.last?.principal == "auditor-1")
            let noPurpose = try await client.send(.get, "/v1/audit/subject-reads", token: roles[.auditor])
            let noPurposePointers = try noPurpose.problemPointers()
            #expect(noPurpose.status == .badRequest && noPurposePointers.contains("purpose"), "\(noPurpose.summary)")
            #expect(try await client.send(.get, "/v1/audit/subject-reads?purpose=audit", token: roles[.institution]).status == .forbidden)
            // A principal's session cookie is not a subject's, and the reverse.
            let asPrincipal = try await W.get(client, "/hr/check", cookie: session)
            #expect(asPrincipal.status == .seeOther)

            // An objection: a missing text is shown at its field; a good one is filed.
            let csrf = try #require(W.hidden("csrf", in: me.text))
            let empty = try await W.post(client, "/me/objections", cookie: session, [("csrf", csrf), ("seq", "\(seq)"), ("text", " ")])
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains("id=\"text-error\""))
            let noCSRF = try await W.post(client, "/me/objections", cookie: session, [("seq", "\(seq)"), ("text", "有误")])
            #expect(noCSRF.status == .forbidden)
            let filed = try await W.post(client, "/me/objections", cookie: session, [("csrf", csrf), ("seq", "\(seq)"), ("text", "处罚事实有误，请核实。")])
            #expect(filed.status == .seeOther)

            // The inspector sees it on its page and answers it there.
            let inspector = try await W.signIn(client, token: roles[.inspector])
            let list = try await W.get(client, "/objections", cookie: inspector)
            #expect(list.status == .ok && list.text.contains("处罚事实有误，请核实。"))
            let id = try #require(try test.server.ledger.objections(of: ObjectionTests.zhangSan).first?.id)
            let inspectorCSRF = try #require(W.hidden("csrf", in: list.text))
            let replied = try await W.post(client, "/objections/\(id)/reply", cookie: inspector, [("csrf", inspectorCSRF), ("reply", "已核实，予以更正。")])
            #expect(replied.status == .seeOther)
            let after = try await W.get(client, "/me", cookie: session)
            #expect(after.text.contains("已核实，予以更正。") && after.text.contains("已答复"))

            // Signing out ends the session.
            let out = try await W.post(client, "/me/signout", cookie: session, [("csrf", csrf)])
            #expect(out.status == .seeOther)
            let gone = try await W.get(client, "/me", cookie: session)
            #expect(gone.text.contains("name=\"code\"") && !gone.text.contains("record-\(seq)"))
        }
        try await test.close()
    }

    @Test func wrongCodesAreRateLimitedPerAddressInChinese() async throws {
        let test = try await TestServer.start { $0.failedAuthenticationRate = RateLimit(burst: 2, perSecond: 0.0001) }
        defer { test.remove() }
        try await test.test { client in
            for _ in 0..<2 {
                let (response, _) = try await Self.enter(client, code: "2222-3333-4444-5555")
                #expect(response.status == .unauthorized)
            }
            let (limited, cookie) = try await Self.enter(client, code: "2222-3333-4444-5555")
            #expect(limited.status == .tooManyRequests && cookie == nil)
            #expect(limited.text.contains("尝试次数过多"))
        }
        try await test.close()
    }

    @Test func subjectTemplatesRender() {
        let state = WebState()
        for (name, _) in WebTemplates.subjectPages { #expect(state.templates.getTemplate(named: name) != nil, "\(name)") }
    }
}
