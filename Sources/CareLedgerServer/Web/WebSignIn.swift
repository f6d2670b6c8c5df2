import Hummingbird
import LedgerCore

/// Signing in with a principal's token (docs/web.md "Sign-in and sessions"). The token is
/// checked exactly as the API checks a bearer token; a session cookie then stands for it.
extension LedgerServer {
    struct SignInForm: Decodable {
        let csrf: String?
        let token: String?
        /// Password sign-in (docs/web.md "Passwords"): the principal's id and its password.
        let principalId: String?
        let password: String?
    }

    func addSignInRoutes(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/signin") { web in
            self.signInPage(problem: nil, caller: web.caller, status: .ok)
        }
        page(router, .post, "/signin") { web in
            let form = web.form(SignInForm.self)
            // Double-submit: the form's token must equal the cookie set with the form, so
            // another site cannot sign a browser in as someone else.
            guard let csrf = form?.csrf, let cookie = web.request.cookies[WebPage.signInCookie]?.value,
                  ConstantTimeText.equals(csrf, cookie) else {
                return self.signInPage(problem: "页面已过期，请重新登录。", caller: nil, status: .forbidden)
            }
            // Sign-ins count against the address as API authentications do (RequestLimits.attempt).
            var failure = "令牌无效或已被撤销。"
            let principal: Principal
            switch self.limits.attempt(from: web.context.clientAddress, { () -> Principal? in
                if let id = form?.principalId?.trimmingWhiteSpace(), !id.isEmpty {
                    failure = "账号或密码错误，或账号已被撤销。"
                    return self.passwordSignIn(id: id, password: form?.password ?? "")
                }
                let token = (form?.token ?? "").trimmingWhiteSpace()
                return BearerToken.isWellFormed(Substring(token)) ? self.principals.authenticate(token: token) : nil
            }) {
            case .tooManyFailures(let wait), .tooManyRequests(let wait):
                return self.signInPage(problem: "登录失败次数过多，请 \(wait) 秒后再试。", caller: nil, status: .tooManyRequests)
            case .failed:
                return self.signInPage(problem: failure, caller: nil, status: .unauthorized)
            case .admitted(let admitted):
                principal = admitted
            }
            let session = self.web.sessions.create(principal.id)
            var response = WebPage.redirect(to: Self.landing(principal.role))
            response.setCookie(self.sessionCookie(session.id, maxAge: Int(self.web.sessions.absoluteTimeout.components.seconds)))
            response.setCookie(self.signInFormCookie("", maxAge: 0))
            return response
        }
        page(router, .post, "/signout") { web in
            if let caller = web.caller { self.web.sessions.end(id: caller.sessionID) }
            var response = WebPage.redirect(to: "/")
            response.setCookie(self.sessionCookie("", maxAge: 0))
            return response
        }
    }

    func signInPage(problem: String?, caller: WebCaller?, status: HTTPResponse.Status) -> Response {
        let csrf = randomToken()
        var context: [String: Any] = ["csrf": csrf]
        if let problem { context["problem"] = problem }
        var response = WebPage.render(web, "signin", title: "登录", context: context, caller: caller, status: status)
        response.setCookie(signInFormCookie(csrf, maxAge: 3600))
        return response
    }

    /// Every cookie the pages set: HttpOnly and SameSite=Strict always; Secure when the
    /// service itself speaks TLS (behind a TLS proxy the operator sets `--secure-cookies`,
    /// docs/web.md); limited to `path`.
    func strictCookie(_ name: String, _ value: String, maxAge: Int, path: String) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie { strictCookie(WebPage.sessionCookie, value, maxAge: maxAge, path: "/") }

    func signInFormCookie(_ value: String, maxAge: Int) -> Cookie { strictCookie(WebPage.signInCookie, value, maxAge: maxAge, path: "/signin") }
}
