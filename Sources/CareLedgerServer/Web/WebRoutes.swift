import BackgroundIndex
import CreditRecords
import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerCrypto
import NIOCore

/// The web pages (issue 18; docs/web.md), registered from the same role × route table as the
/// API. They call the same core use cases as the JSON routes and hold no rule of their own:
/// a page only decodes a form, calls the use case and renders its answer in Chinese.
extension LedgerServer {
    func addWebRoutes(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/") { web in
            WebPage.render(self.web, "home", title: "机构查询", context: [:], caller: web.caller)
        }
        page(router, .get, "/institutions") { web in
            try self.searchPage(web.request, caller: web.caller)
        }
        page(router, .get, "/institutions/:uscc") { web in
            try self.institutionPage(code: web.context.parameters.get("uscc") ?? "", caller: web.caller)
        }
        page(router, .get, "/public/closures") { web in
            try self.closuresPage(web.request, caller: web.caller)
        }
        page(router, .get, "/receipts") { web in
            self.receiptLookupPage(web.request, caller: web.caller)
        }
        page(router, .get, "/receipts/:seq/:checkId") { web in
            self.receiptPage(seqText: web.context.parameters.get("seq") ?? "", checkId: web.context.parameters.get("checkId") ?? "",
                             caller: web.caller)
        }
        page(router, .get, "/log") { web in
            self.logPage(caller: web.caller)
        }
        page(router, .get, "/static/site.css") { _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            headers[.xContentTypeOptions] = "nosniff"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: WebStyle.css)))
        }
        addSignInRoutes(to: router)
        addCheckPages(to: router)
        addRecordPages(to: router)
        addSubjectPages(to: router)
        addObjectionPages(to: router)
        addConfirmationPages(to: router)
        addAdminPages(to: router)
        addListPages(to: router)
    }

    /// Registers a page under its table row. Public pages still learn who is signed in (for
    /// the navigation); `session` rows run only for a live session of an admitted role.
    func page(_ router: Router<LedgerRequestContext>, _ method: HTTPRequest.Method, _ path: String,
              handler: @escaping @Sendable (WebRequest) async throws -> Response) {
        let template = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        let rule = Self.rule(method, template)
        router.on(RouterPath(path), method: method) { request, context in
            let caller = self.webCaller(request)
            // A form body is read once, here, so the CSRF check and the page see the same fields.
            let body = method == .post ? try await RequestInput.body(request, limit: WebPage.formLimit) : []
            let web = WebRequest(request: request, context: context, caller: caller, body: body)
            switch rule.access {
            case .publicRoute:
                return try await handler(web)
            case .session(let roles):
                guard let caller else { return WebPage.redirect(to: "/signin") }
                // The API's rate limits, from memory, before any work (issue 17).
                if let wait = self.limits.address.take(context.clientAddress) ?? self.limits.principal.take(caller.principal.id) {
                    return WebPage.message(self.web, heading: "请求过于频繁", text: "请 \(wait) 秒后再试。",
                                           status: .tooManyRequests, caller: caller)
                }
                guard roles.contains(caller.principal.role) else {
                    return WebPage.message(self.web, heading: "无权访问", text: "当前登录的账号（\(WebLabels.label(WebLabels.role, caller.principal.role.rawValue))）不能使用此页面。",
                                           status: .forbidden, caller: caller)
                }
                if method == .post {
                    // Every form of a signed-in page carries the session's CSRF token.
                    guard let token = web.form(CSRFOnly.self)?.csrf, ConstantTimeText.equals(token, caller.csrf) else {
                        return WebPage.message(self.web, heading: "页面已过期", text: "表单已失效，请返回后重新提交。", status: .forbidden, caller: caller)
                    }
                }
                return try await handler(web)
            case .roles:
                preconditionFailure("\(path) is an API route; register it with on(_:_:_:handler:)")
            }
        }
    }

    /// The signed-in principal behind the request's session cookie, if it is live and the
    /// principal is still active (a revoked token ends its sessions at once).
    func webCaller(_ request: Request) -> WebCaller? {
        guard let id = request.cookies[WebPage.sessionCookie]?.value, let session = web.sessions.session(id: id),
              let principal = principals.principal(id: session.owner), principal.isActive else { return nil }
        return WebCaller(principal: principal, sessionID: id, csrf: session.csrf)
    }

    func searchPage(_ request: Request, caller: WebCaller?) throws -> Response {
        let query = request.uri.queryParameters["q"].map(String.init) ?? ""
        let regionText = request.uri.queryParameters["region"].map(String.init) ?? ""
        var context: [String: Any] = ["query": query, "region": regionText]
        let trimmed = query.trimmingWhiteSpace()
        if USCC.validate(trimmed) == nil { return WebPage.redirect(to: "/institutions/\(trimmed)") }
        var region: RegionFilter?
        if !regionText.isEmpty {
            region = RegionFilter(regionText)
            if region == nil { context["problem"] = "区县代码应为 6 位数字，例如 330304。" }
        }
        if trimmed.isEmpty, regionText.isEmpty { context["problem"] = "请输入机构名称、统一社会信用代码或区县代码。" }
        if trimmed.count > 60 { context["problem"] = "查询内容过长。" }
        if context["problem"] == nil {
            let (matches, more) = try ledger.searchInstitutions(name: trimmed, region: region)
            let rows: [[String: Any]] = matches.map { match in
                ["uscc": match.uscc, "name": match.name, "region": match.region ?? "",
                 "status": WebLabels.label(WebLabels.institutionStatus, match.status.rawValue),
                 "statusClass": Self.statusClass(match.status.rawValue)]
            }
            context["rows"] = rows
            context["has_rows"] = !rows.isEmpty
            context["count"] = rows.count
            context["more"] = more
        }
        return WebPage.render(web, "search", title: "查询结果", context: context, caller: caller,
                              status: context["problem"] == nil ? .ok : .badRequest)
    }

    static func statusClass(_ status: String) -> String {
        switch status {
        case "active": return "ok"
        case "unfiled", "deregistered": return "warn"
        default: return "bad"
        }
    }
}

/// A page request: the request, its context, who is signed in, and a POST's form body.
struct WebRequest: Sendable {
    let request: Request
    let context: LedgerRequestContext
    let caller: WebCaller?
    let body: [UInt8]

    /// The url-encoded form decoded with Hummingbird's decoder; the pages' form types have
    /// only optional fields, so a missing one is reported at its field, not as a bad body.
    func form<Form: Decodable>(_ type: Form.Type) -> Form? {
        try? URLEncodedFormDecoder().decode(Form.self, from: String(decoding: body, as: UTF8.self))
    }
}

/// A form read only for its CSRF token (the page's own handler reads the rest).
struct CSRFOnly: Decodable {
    let csrf: String?
}

enum ConstantTimeText {
    static func equals(_ a: String, _ b: String) -> Bool {
        ConstantTime.equals(Array(a.utf8), Array(b.utf8))
    }
}
