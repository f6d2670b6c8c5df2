import HTTPTypes
import Hummingbird
import LedgerCore
import Mustache
import NIOCore

/// What the pages share: the templates, the signed-in sessions, and how a page is answered.
final class WebState: Sendable {
    let templates: MustacheLibrary
    let sessions = WebSessions.principals()
    /// The person checked at /me (WebSessions.swift).
    let subjectSessions = SubjectSessions.subjects()
    /// Public institution pages by code, for the current tree size and day.
    let institutionPages = WebPageCache()

    init() {
        var library = MustacheLibrary()
        let all: [(String, String)] = [
            ("layout", WebTemplates.layout), ("message", WebTemplates.message), ("home", WebTemplates.home),
            ("search", WebTemplates.search), ("institution", WebTemplates.institution), ("closures", WebTemplates.closures),
            ("log", WebTemplates.logPage), ("signin", WebTemplates.signIn), ("check-form", WebTemplates.checkForm),
            ("check-result", WebTemplates.checkResult), ("receipt", WebTemplates.receipt), ("receipt-lookup", WebTemplates.receiptLookup),
            ("record-kinds", WebTemplates.recordKinds), ("record-form", WebTemplates.recordForm), ("record-created", WebTemplates.recordCreated),
            ("confirmations", WebTemplates.confirmations), ("confirmation-done", WebTemplates.confirmationDone),
            // Administrators, password sign-in, and the paged lists (WebAdminPages, WebListPages).
            ("signin-password", WebTemplates.signInPassword), ("admin-principals", WebTemplates.adminPrincipals),
            ("admin-principal-form", WebTemplates.adminPrincipalForm), ("admin-token", WebTemplates.adminToken),
            ("admin-revoke", WebTemplates.adminRevoke), ("hr-checks", WebTemplates.hrChecks),
            ("authority-records", WebTemplates.authorityRecords), ("penalties", WebTemplates.penalties),
        ]
        for (name, text) in all {
            do { try library.register(text, named: name) } catch {
                // The templates are compiled into the binary; WebTemplateTests renders each.
                preconditionFailure("web template \(name) does not parse: \(error)")
            }
        }
        for (name, text) in WebTemplates.subjectPages {
            do { try library.register(text, named: name) } catch { preconditionFailure("web template \(name) does not parse: \(error)") }
        }
        templates = library
    }
}

/// The browser a page request came from: its session, when signed in.
struct WebCaller: Sendable {
    let principal: Principal
    let sessionID: String
    let csrf: String
}

enum WebPage {
    static let sessionCookie = "careledger_session"
    /// The sign-in form's CSRF token before a session exists (double-submit cookie).
    static let signInCookie = "careledger_signin"
    /// Form bodies are small; anything larger is not from these pages.
    static let formLimit = 16 * 1024

    /// The headers of every page: only this origin may supply scripts, styles, images, form
    /// targets and frames (none); nothing is sniffed; no referrer leaks a path.
    static func headers(status: HTTPResponse.Status = .ok) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.xFrameOptions] = "DENY"
        headers[.cacheControl] = "no-store"
        return headers
    }

    /// `template` rendered inside the layout.
    static func render(_ state: WebState, _ template: String, title: String, context: [String: Any], caller: WebCaller?,
                       status: HTTPResponse.Status = .ok) -> Response {
        frame(state, content: state.templates.render(context, withTemplate: template) ?? "", title: title, caller: caller, status: status)
    }

    /// Already rendered `content` inside the layout (WebPageCache keeps such content).
    static func frame(_ state: WebState, content: String, title: String, caller: WebCaller?,
                      status: HTTPResponse.Status = .ok) -> Response {
        var frame: [String: Any] = ["title": title, "content": content, "signedIn": caller != nil]
        if let caller {
            frame["who"] = caller.principal.institution?.name ?? caller.principal.authority?.name ?? caller.principal.id
            frame["csrf"] = caller.csrf
            frame["isInstitution"] = caller.principal.role == .institution
            frame["isInspector"] = caller.principal.role == .inspector
            frame["isAdmin"] = caller.principal.role == .admin
        }
        let html = state.templates.render(frame, withTemplate: "layout") ?? ""
        return Response(status: status, headers: headers(status: status), body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static func message(_ state: WebState, heading: String, text: String, status: HTTPResponse.Status, caller: WebCaller?,
                        back: String = "/") -> Response {
        render(state, "message", title: heading, context: ["heading": heading, "text": text, "tone": "bad", "back": back],
               caller: caller, status: status)
    }

    static func redirect(to location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
