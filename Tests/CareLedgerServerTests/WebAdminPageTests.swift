import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Password sign-in and the administrators' principal pages (issue 18 part 4; docs/web.md).
@Suite struct WebAdminPageTests {
    typealias W = WebPageTests

    static let password = "瓯海托育-correct-horse-42"

    /// Signs in with an id and a password; the whole answer.
    static func passwordSignIn(_ client: any TestClientProtocol, id: String, password: String) async throws -> TestResponse {
        try await W.submit(client, "/signin", formCookie: WebPage.signInCookie, [("principalId", id), ("password", password)])
    }

    @Test func aPasswordSetAtCreationSignsInAndIsNeverShown() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let created = try await client.send(.post, "/v1/principals", token: admin, json: [
                "id": "inst-pw", "role": "institution", "password": .string(Self.password),
                "institution": ["name": .string(Fixtures.xiaoxingxing.name), "uscc": .string(Fixtures.xiaoxingxing.uscc)],
            ])
            #expect(created.status == .created)
            #expect(!created.text.contains(Self.password) && !created.text.contains("scrypt"))
            // Too short: a 400 at /password that does not repeat it.
            let short = try await client.send(.post, "/v1/principals", token: admin, json: ["id": "short-pw", "role": "auditor", "password": "only11chars"])
            #expect(short.status == .badRequest)
            #expect(short.text.contains("/password") && !short.text.contains("only11chars"))
            let typed = try await client.send(.post, "/v1/principals", token: admin, json: ["id": "typed-pw", "role": "auditor", "password": 12])
            #expect(typed.status == .badRequest && typed.text.contains("/password"))
            // The list never shows it either.
            let list = try await client.send(.get, "/v1/principals", token: admin)
            #expect(!list.text.contains("scrypt") && !list.text.contains("password"))

            let ok = try await Self.passwordSignIn(client, id: "inst-pw", password: Self.password)
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.location] == "/hr/check")
            let session = try #require(W.cookies(ok).values[WebPage.sessionCookie])
            let page = try await W.get(client, "/hr/check", cookie: "\(WebPage.sessionCookie)=\(session)")
            #expect(page.status == .ok)

            for (id, password) in [("inst-pw", Self.password + "x"), ("nobody", Self.password), ("inst-pw", ""), ("INST PW", Self.password)] {
                let wrong = try await Self.passwordSignIn(client, id: id, password: password)
                #expect(wrong.status == .unauthorized, "\(id)")
                #expect(wrong.text.contains("账号或密码错误"), "\(id)")
                #expect(W.cookies(wrong).values[WebPage.sessionCookie] == nil)
            }
            // A principal without a password cannot sign in with one.
            _ = try await client.makeRoles(admin: admin)
            #expect(try await Self.passwordSignIn(client, id: "insp-ouhai-01", password: Self.password).status == .unauthorized)
            // Revoked: the password stops working with the token.
            #expect(try await client.send(.delete, "/v1/principals/inst-pw", token: admin).status == .noContent)
            #expect(try await Self.passwordSignIn(client, id: "inst-pw", password: Self.password).status == .unauthorized)
        }
        // Stored as an scrypt hash in principals.json, never as itself; the signed principal
        // log says a password was set and nothing more.
        let file = try String(contentsOfFile: test.dataDirectory + "/principals.json", encoding: .utf8)
        #expect(file.contains("\"passwordHash\" : \"scrypt$32768$8$1$"))
        #expect(!file.contains(Self.password))
        var actions: [String] = []
        try test.server.ledger.principalLog.log.forEachEntry { _, bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("scrypt") && !text.contains(Self.password))
            let object = try JSONParser.parse(bytes).objectValue!
            actions.append("\(object["action"]!.stringValue!) \(object["principal"]!.stringValue!)")
        }
        #expect(actions.contains("password_set inst-pw"))
        #expect(!actions.contains("password_set insp-ouhai-01"))
        for line in test.capture.all { #expect(!line.contains(Self.password) && !line.contains("scrypt$"), "\(line)") }
        // It survives a restart (the store is the durable file).
        let again = try await test.restart()
        try await again.test { client in
            #expect(again.server.principals.principal(id: "inst-pw")?.passwordHash?.hasPrefix("scrypt$") == true)
            _ = client
        }
        try await again.close()
    }

    @Test func failedPasswordSignInsAreRateLimited() async throws {
        let test = try await TestServer.start { $0.failedAuthenticationRate = RateLimit(burst: 3, perSecond: 0.001) }
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            _ = try await client.createPrincipal(admin: admin, ["id": "auditor-pw", "role": "auditor", "password": .string(Self.password)])
            for _ in 0..<3 {
                #expect(try await Self.passwordSignIn(client, id: "auditor-pw", password: "wrong password!!").status == .unauthorized)
            }
            // Over the budget even the right password is not tried.
            let limited = try await Self.passwordSignIn(client, id: "auditor-pw", password: Self.password)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.text.contains("登录失败次数过多"))
        }
        try await test.close()
    }

    @Test func anAdministratorCreatesRotatesAndRevokesThroughThePages() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let cookie = try await W.signIn(client, token: admin)
            let list = try await W.get(client, "/admin/principals", cookie: cookie)
            #expect(list.status == .ok)
            #expect(list.text.contains("insp-ouhai-01") && list.text.contains("监管执法人员") && list.text.contains(Fixtures.ouhaiHealth.name))
            #expect(list.text.contains("已撤销"))  // admin-revoked
            let csrf = try #require(W.hidden("csrf", in: list.text))

            // Field problems at their fields, in Chinese; the password is not sent back.
            let bad = try await W.post(client, "/admin/principals/new", cookie: cookie, [
                ("csrf", csrf), ("id", "Bad Id"), ("role", "inspector"), ("orgName", Fixtures.ouhaiHealth.name),
                ("orgUscc", "113303040025997850"), ("orgRegion", ""), ("password", "short"),
            ])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"id-error\"") && bad.text.contains("id=\"orgUscc-error\"") && bad.text.contains("id=\"orgRegion-error\""))
            #expect(bad.text.contains("id=\"password-error\"") && bad.text.contains("密码应为 12 至 256 个字符"))
            #expect(!bad.text.contains("value=\"short\""))

            let created = try await W.post(client, "/admin/principals/new", cookie: cookie, [
                ("csrf", csrf), ("id", "inst-new"), ("role", "institution"), ("orgName", Fixtures.aixin.name),
                ("orgUscc", Fixtures.aixin.uscc), ("orgRegion", "330304"), ("password", Self.password),
            ])
            #expect(created.status == .ok)
            #expect(created.text.contains("只在此页显示这一次"))
            let token = try #require(Self.element("token", in: created.text))
            #expect(token.count == 43)
            // The token works, and no page shows it again.
            #expect(test.server.principals.authenticate(token: token)?.id == "inst-new")
            let listed = try await W.get(client, "/admin/principals", cookie: cookie)
            #expect(listed.text.contains("inst-new") && listed.text.contains(Fixtures.aixin.name) && !listed.text.contains(token))
            #expect(try await Self.passwordSignIn(client, id: "inst-new", password: Self.password).status == .seeOther)
            // A duplicate id is shown at the id.
            let duplicate = try await W.post(client, "/admin/principals/new", cookie: cookie, [
                ("csrf", csrf), ("id", "inst-new"), ("role", "auditor"),
            ])
            #expect(duplicate.status == .conflict && duplicate.text.contains("该账号已存在"))

            // Rotation: a new token once; the old one stops working.
            let rotated = try await W.post(client, "/admin/principals/inst-new/token", cookie: cookie, [("csrf", csrf)])
            #expect(rotated.status == .ok)
            let fresh = try #require(Self.element("token", in: rotated.text))
            #expect(fresh != token)
            #expect(test.server.principals.authenticate(token: token) == nil)
            #expect(test.server.principals.authenticate(token: fresh)?.id == "inst-new")
            // Without the form's CSRF token nothing changes.
            #expect(try await W.post(client, "/admin/principals/inst-new/token", cookie: cookie, []).status == .forbidden)
            #expect(test.server.principals.authenticate(token: fresh)?.id == "inst-new")

            // Revoking asks first; the GET changes nothing.
            let confirm = try await W.get(client, "/admin/principals/inst-new/revoke", cookie: cookie)
            #expect(confirm.status == .ok && confirm.text.contains("确认撤销"))
            #expect(test.server.principals.principal(id: "inst-new")?.isActive == true)
            let revoked = try await W.post(client, "/admin/principals/inst-new/revoke", cookie: cookie, [("csrf", csrf)])
            #expect(revoked.status == .ok && revoked.text.contains("账号已撤销"))
            #expect(test.server.principals.authenticate(token: fresh) == nil)
            #expect(try await W.get(client, "/admin/principals/nobody/revoke", cookie: cookie).status == .notFound)
            // The last admin cannot be revoked from the page either (the use case says so).
            let last = try await W.post(client, "/admin/principals/admin/revoke", cookie: cookie, [("csrf", csrf)])
            #expect(last.status == .conflict && last.text.contains("最后一个有效的管理员"))

            // Other roles get the 403 page.
            let inspector = try await W.signIn(client, token: roles[.inspector])
            #expect(try await W.get(client, "/admin/principals", cookie: inspector).status == .forbidden)
            #expect(try await W.get(client, "/admin/principals").status == .seeOther)
        }
        // The same use case: the changes are in the principal log.
        var actions: [String] = []
        try test.server.ledger.principalLog.log.forEachEntry { _, bytes in
            let object = try JSONParser.parse(bytes).objectValue!
            actions.append("\(object["action"]!.stringValue!) \(object["principal"]!.stringValue!)")
        }
        #expect(actions.suffix(4) == ["created inst-new", "password_set inst-new", "rotated inst-new", "revoked inst-new"])
        try await test.close()
    }

    /// The text of the element with `id` (no nested markup).
    static func element(_ id: String, in html: String) -> String? {
        guard let open = html.range(of: "id=\"\(id)\">") else { return nil }
        let rest = html[open.upperBound...]
        return rest.firstIndex(of: "<").map { String(rest[..<$0]) }
    }
}
