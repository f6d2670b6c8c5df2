import CreditRecords
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// The web pages over HTTP (issue 18): what they answer, their headers, sign-in, CSRF and the
/// check form. The same pages in a real browser: BrowserTests.
@Suite struct WebPageTests {
    /// The `name=value` of each Set-Cookie, and the whole header lines.
    static func cookies(_ response: TestResponse) -> (values: [String: String], lines: [String]) {
        let lines = response.headers[values: .setCookie]
        var values: [String: String] = [:]
        for line in lines {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return (values, lines)
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func form(_ fields: [(String, String)]) -> [UInt8] {
        func escape(_ s: String) -> String {
            var out = ""
            for b in s.utf8 {
                switch b {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F: out.unicodeScalars.append(Unicode.Scalar(b))
                default: out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
                }
            }
            return out
        }
        return Array(fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&").utf8)
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, cookie: String?, _ fields: [(String, String)]) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: form(fields)))
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, cookie: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    /// Opens `page` as a browser would (with `cookie`) and posts its form to `action` (the page
    /// itself by default): the page's CSRF token and `fields`.
    static func submit(_ client: any TestClientProtocol, _ page: String, cookie: String?, _ fields: [(String, String)],
                       to action: String? = nil) async throws -> TestResponse {
        let form = try await get(client, page, cookie: cookie)
        let csrf = try #require(hidden("csrf", in: form.text), "\(page) has no CSRF token")
        return try await post(client, action ?? page, cookie: cookie, [("csrf", csrf)] + fields)
    }

    /// The same for a form that sets its own cookie (the sign-in forms): the cookie named
    /// `formCookie` goes back with the post.
    static func submit(_ client: any TestClientProtocol, _ page: String, formCookie: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let form = try await get(client, page)
        let csrf = try #require(hidden("csrf", in: form.text), "\(page) has no CSRF token")
        let value = try #require(cookies(form).values[formCookie], "\(page) set no \(formCookie)")
        return try await post(client, page, cookie: "\(formCookie)=\(value)", [("csrf", csrf)] + fields)
    }

    /// The check form's fields for the fixtures' banned person (林晓燕), hiring.
    static func checkFields(consentRef: String) -> [(String, String)] {
        [("idType", "resident_id"), ("idNumber", "330381199211083443"), ("name", "林晓燕"), ("purpose", "hiring"), ("consentRef", consentRef)]
    }

    /// Signs in with `token` through the form; answers the session cookie header value.
    static func signIn(_ client: any TestClientProtocol, token: String) async throws -> String {
        let response = try await submit(client, "/signin", formCookie: WebPage.signInCookie, [("token", token)])
        #expect(response.status == .seeOther)
        let session = try #require(cookies(response).values[WebPage.sessionCookie])
        return "\(WebPage.sessionCookie)=\(session)"
    }

    @Test func publicPagesAreChineseWithStrictHeaders() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(1)).status == .created)
            for uri in ["/", "/institutions/\(Fixtures.xiaoxingxing.uscc)", "/public/closures", "/log", "/signin",
                        "/institutions?q=%E5%B0%8F%E6%98%9F%E6%98%9F"] {
                let response = try await Self.get(client, uri)
                #expect(response.status == .ok, "\(uri): \(response.status)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.text.contains("<html lang=\"zh-CN\">"), "\(uri)")
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(uri): \(csp)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                // Nothing from another origin: no absolute URL in any src or href.
                #expect(!response.text.contains("src=\"http") && !response.text.contains("href=\"http"), "\(uri)")
                // The legal representative's ID number is never on a public page.
                #expect(!response.text.contains("330302199003150044"), "\(uri)")
            }
            let institution = try await Self.get(client, "/institutions/\(Fixtures.xiaoxingxing.uscc)")
            #expect(institution.text.contains(Fixtures.xiaoxingxing.name))
            #expect(institution.text.contains("行政处罚"))
            // Free text of the penalty (its facts) is not public.
            let search = try await Self.get(client, "/institutions?q=%E5%B0%8F%E6%98%9F%E6%98%9F")
            #expect(search.text.contains("/institutions/\(Fixtures.xiaoxingxing.uscc)"))
            let byCode = try await Self.get(client, "/institutions?q=\(Fixtures.xiaoxingxing.uscc)")
            #expect(byCode.status == .seeOther)
            #expect(byCode.headers[.location] == "/institutions/\(Fixtures.xiaoxingxing.uscc)")
            // A district alone lists that district's institutions and no other's.
            let byDistrict = try await Self.get(client, "/institutions?q=&region=330304")
            #expect(byDistrict.status == .ok)
            #expect(byDistrict.text.contains("/institutions/\(Fixtures.xiaoxingxing.uscc)"))
            let otherDistrict = try await Self.get(client, "/institutions?q=&region=330305")
            #expect(otherDistrict.status == .ok)
            #expect(!otherDistrict.text.contains("/institutions/\(Fixtures.xiaoxingxing.uscc)"))
            #expect(otherDistrict.text.contains("共找到 0 家机构"))
            // Neither a name nor a district: asked for one, in words.
            let nothing = try await Self.get(client, "/institutions?q=")
            #expect(nothing.status == .badRequest)
            #expect(nothing.text.contains("请输入机构名称、统一社会信用代码或区县代码"))
            #expect(try await Self.get(client, "/institutions/91330304MA2J7K8L11").status == .badRequest)
            #expect(try await Self.get(client, "/institutions/\(Fixtures.aixin.uscc)").status == .notFound)
            #expect(try await Self.get(client, "/public/closures?region=33").status == .badRequest)
            let css = try await Self.get(client, "/static/site.css")
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
        }
        try await test.close()
    }

    @Test func signInNeedsTheFormsCookieAndAValidToken() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let page = try await Self.get(client, "/signin")
            let csrf = try #require(Self.hidden("csrf", in: page.text))
            let formCookie = try #require(Self.cookies(page).values[WebPage.signInCookie])
            // No cookie, or a cookie that does not match: refused before the token is looked at.
            #expect(try await Self.post(client, "/signin", cookie: nil, [("csrf", csrf), ("token", roles[.institution])]).status == .forbidden)
            #expect(try await Self.post(client, "/signin", cookie: "\(WebPage.signInCookie)=\(formCookie)x",
                                        [("csrf", csrf), ("token", roles[.institution])]).status == .forbidden)
            let wrong = try await Self.post(client, "/signin", cookie: "\(WebPage.signInCookie)=\(formCookie)", [("csrf", csrf), ("token", "x")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("令牌无效"))
            let revoked = try await Self.post(client, "/signin", cookie: "\(WebPage.signInCookie)=\(formCookie)", [("csrf", csrf), ("token", roles.revoked)])
            #expect(revoked.status == .unauthorized)

            let ok = try await Self.post(client, "/signin", cookie: "\(WebPage.signInCookie)=\(formCookie)", [("csrf", csrf), ("token", roles[.institution])])
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.location] == "/hr/check")
            let line = try #require(Self.cookies(ok).lines.first { $0.hasPrefix(WebPage.sessionCookie + "=") })
            #expect(line.contains("HttpOnly") && line.contains("SameSite=Strict") && line.contains("Path=/"), "\(line)")
            #expect(!line.contains("Secure"), "plain HTTP on loopback: no Secure attribute")
            // The session value is not the token.
            #expect(!line.contains(roles[.institution]))
        }
        try await test.close()
    }

    @Test func checkFormAnswersThroughTheCheckUseCase() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.ban(1)).status == .created)
            let session = try await Self.signIn(client, token: roles[.institution])
            let form = try await Self.get(client, "/hr/check", cookie: session)
            #expect(form.status == .ok)
            #expect(form.headers[.cacheControl] == "no-store")
            let csrf = try #require(Self.hidden("csrf", in: form.text))

            // Without the session's CSRF token: refused, nothing checked.
            let forged = try await Self.post(client, "/hr/check", cookie: session, [("idType", "resident_id"), ("idNumber", "330381199211083443"),
                                                                                   ("name", "林晓燕"), ("purpose", "hiring"), ("consentRef", "c-1")])
            #expect(forged.status == .forbidden)

            // A bad check character: the Chinese message at the ID number's field.
            let bad = try await Self.post(client, "/hr/check", cookie: session, [("csrf", csrf), ("idType", "resident_id"),
                                          ("idNumber", "330381199211083444"), ("name", "林晓燕"), ("purpose", "hiring"), ("consentRef", "c-1")])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"idNumber-error\""), "the error sits at the ID number field")
            #expect(bad.text.contains("校验位"))

            let barred = try await Self.post(client, "/hr/check", cookie: session, [("csrf", csrf), ("idType", "resident_id"),
                                             ("idNumber", "330381 19921108 3443"), ("name", "林晓燕"), ("purpose", "hiring"), ("consentRef", "c-1")])
            #expect(barred.status == .ok)
            #expect(barred.text.contains("禁止从业"))
            #expect(barred.text.contains("330381********3443"))
            #expect(!barred.text.contains("330381199211083443"), "the result shows the ID number masked only")
            #expect(barred.text.contains("林**") || barred.text.contains("林*"))
            // The receipt: a QR code, and the public page it opens confirms the check as recorded,
            // without the person.
            #expect(barred.text.contains("<svg") && barred.text.contains("查询回执"))
            let receiptPath = try #require(barred.text.range(of: #"/receipts/\d+/[0-9a-f]+"#, options: .regularExpression)
                .map { String(barred.text[$0]) })
            let receipt = try await Self.get(client, receiptPath)
            #expect(receipt.status == .ok)
            #expect(receipt.text.contains("回执有效") && receipt.text.contains("禁止从业") && receipt.text.contains("招聘录用前查询"))
            #expect(!receipt.text.contains("330381199211083443") && !receipt.text.contains("林晓燕"))
            let forgedReceipt = String(receiptPath.dropLast()) + (receiptPath.hasSuffix("0") ? "1" : "0")
            #expect(try await Self.get(client, forgedReceipt).status == .notFound)
            #expect(try await Self.get(client, "/receipts/999999/" + receiptPath.split(separator: "/").last!).status == .notFound)
            // Typed in by hand from the two printed numbers (upper case and spaces as a person
            // may type them): the same confirmation page.
            let parts = receiptPath.split(separator: "/")
            let typed = try await Self.get(client, "/receipts?seq=%20\(parts[1])&check=\(parts[2].uppercased())")
            #expect(typed.status == .seeOther)
            #expect(typed.headers[.location] == receiptPath)
            #expect(try await Self.get(client, "/receipts").text.contains("id=\"check\""))
            let mistyped = try await Self.get(client, "/receipts?seq=x&check=\(parts[2].dropLast())")
            #expect(mistyped.status == .badRequest)
            #expect(mistyped.text.contains("id=\"seq-error\"") && mistyped.text.contains("id=\"check-error\""))
            #expect(mistyped.text.contains("aria-invalid=\"true\""))

            // Recorded in the access log like an API check.
            let audit = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor], json: ["idType": "resident_id", "idNumber": "330381199211083443", "purpose": "audit"])
            #expect(try audit.json()["checks"]?.arrayValue?.count == 1)

            // Other roles may not use the check page; without a session it sends to /signin.
            let inspector = try await Self.signIn(client, token: roles[.inspector])
            #expect(try await Self.get(client, "/hr/check", cookie: inspector).status == .forbidden)
            #expect(try await Self.get(client, "/hr/check").headers[.location] == "/signin")

            // Signing out ends the session at once.
            #expect(try await Self.post(client, "/signout", cookie: session, [("csrf", csrf)]).status == .seeOther)
            #expect(try await Self.get(client, "/hr/check", cookie: session).status == .seeOther)
        }
        try await test.close()
    }

    @Test func failedSignInsAreRateLimitedLikeFailedAuthentications() async throws {
        let test = try await TestServer.start { $0.failedAuthenticationRate = RateLimit(burst: 2, perSecond: 0.0001) }
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let page = try await Self.get(client, "/signin")
            let csrf = try #require(Self.hidden("csrf", in: page.text))
            let cookie = "\(WebPage.signInCookie)=\(try #require(Self.cookies(page).values[WebPage.signInCookie]))"
            for _ in 0..<2 {
                #expect(try await Self.post(client, "/signin", cookie: cookie, [("csrf", csrf), ("token", "wrong")]).status == .unauthorized)
            }
            // Over the address's failed sign-ins: refused from memory, even with the right token.
            let limited = try await Self.post(client, "/signin", cookie: cookie, [("csrf", csrf), ("token", admin)])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.text.contains("登录失败次数过多"))
            #expect(Self.cookies(limited).values[WebPage.sessionCookie] == nil)
        }
        try await test.close()
    }

    @Test func revokingThePrincipalEndsItsSessions() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let token = try await client.createPrincipal(admin: admin, [
                "id": "inst-web", "role": "institution",
                "institution": ["name": .string(Fixtures.xiaoxingxing.name), "uscc": .string(Fixtures.xiaoxingxing.uscc), "region": "330304"],
            ])
            let session = try await Self.signIn(client, token: token)
            #expect(try await Self.get(client, "/hr/check", cookie: session).status == .ok)
            #expect(try await client.send(.delete, "/v1/principals/inst-web", token: admin).status == .noContent)
            #expect(try await Self.get(client, "/hr/check", cookie: session).status == .seeOther)
        }
        try await test.close()
    }

    @Test func everyTemplateRenders() {
        let state = WebState()
        for name in ["layout", "message", "home", "search", "institution", "closures", "log", "signin", "check-form", "check-result"] {
            #expect(state.templates.getTemplate(named: name) != nil, "\(name)")
        }
        // Values are HTML-escaped: a name cannot inject markup.
        let html = state.templates.render(["heading": "<script>x</script>", "text": "a&b", "tone": "bad", "back": "/"], withTemplate: "message") ?? ""
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
