import CreditRecords
import Hummingbird
import LedgerCore

/// The administrators' principal pages (issue 18 part 4; docs/web.md): list, create, rotate a
/// token, revoke. Each goes through the same use case as `/v1/principals` (PrincipalUseCases),
/// so the pages hold no rule: a new token is shown once, on the page that answers the form,
/// and never again.
extension LedgerServer {
    struct PrincipalForm: Decodable {
        let csrf: String?
        let id: String?
        let role: String?
        let orgName: String?
        let orgUscc: String?
        let orgRegion: String?
        let password: String?
    }

    static let adminPageSize = 50
    /// Roles an administrator creates from the page (all of them).
    static let creatableRoles: [Role] = [.institution, .inspector, .auditor, .exporter, .metrics, .admin]

    func addAdminPages(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/admin/principals") { web in
            try self.principalListPage(web)
        }
        page(router, .get, "/admin/principals/new") { web in
            self.principalFormPage(PrincipalForm(csrf: nil, id: "", role: "institution", orgName: "", orgUscc: "", orgRegion: "", password: ""),
                                   errors: [:], problem: nil, caller: web.caller!, status: .ok)
        }
        page(router, .post, "/admin/principals/new") { web in
            try await self.createPrincipalFromForm(web)
        }
        page(router, .post, "/admin/principals/:id/token") { web in
            let caller = web.caller!
            let id = web.context.parameters.get("id") ?? ""
            do {
                let answer = try await self.ledger.rotatePrincipalToken(id: id, by: caller.principal, logger: web.context.logger)
                return self.tokenPage(answer, heading: "已更换访问令牌", caller: caller)
            } catch let refusal as Refusal {
                return self.adminRefusal(refusal, caller: caller)
            }
        }
        page(router, .get, "/admin/principals/:id/revoke") { web in
            let caller = web.caller!
            let id = web.context.parameters.get("id") ?? ""
            guard let principal = self.principals.principal(id: id) else {
                return WebPage.message(self.web, heading: "未找到该账号", text: "没有这个账号。", status: .notFound, caller: caller,
                                       back: "/admin/principals")
            }
            return WebPage.render(self.web, "admin-revoke", title: "撤销账号", context: [
                "csrf": caller.csrf, "id": principal.id, "role": WebLabels.label(WebLabels.role, principal.role.rawValue),
                "organization": Self.organizationText(principal.authority ?? principal.institution), "revoked": !principal.isActive,
            ], caller: caller)
        }
        page(router, .post, "/admin/principals/:id/revoke") { web in
            let caller = web.caller!
            let id = web.context.parameters.get("id") ?? ""
            do {
                try await self.ledger.revokePrincipal(id: id, by: caller.principal, logger: web.context.logger)
            } catch {
                return self.adminRefusal(error, caller: caller)
            }
            return WebPage.render(self.web, "message", title: "账号已撤销", context: [
                "heading": "账号已撤销", "text": "账号 \(id) 的访问令牌、密码和登录会话已立即失效。此操作已记入签名的账号日志。",
                "tone": "ok", "back": "/admin/principals",
            ], caller: caller)
        }
    }

    func principalListPage(_ web: WebRequest) throws -> Response {
        let caller = web.caller!
        let after = web.request.uri.queryParameters["after"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let after, !PrincipalIdentifiers.isValidPrincipalId(after) {
            return WebPage.message(self.web, heading: "参数有误", text: "翻页参数不正确。", status: .badRequest, caller: caller,
                                   back: "/admin/principals")
        }
        let list: JSONValue
        do { list = try ledger.listPrincipals(after: after, limit: Self.adminPageSize) } catch {
            return adminRefusal(error, caller: caller)
        }
        let now = Timestamp.now()
        let rows: [[String: Any]] = (list.objectValue?["principals"]?.arrayValue ?? []).compactMap(\.objectValue).map { p in
            let id = p["id"]?.stringValue ?? ""
            let revoked = p["revokedAt"]?.stringValue
            let expires = p["expiresAt"]?.stringValue
            let organization = (p["authority"]?.objectValue ?? p["institution"]?.objectValue).map {
                Self.organizationText(Organization(name: $0["name"]?.stringValue ?? "", uscc: $0["uscc"]?.stringValue ?? "", region: nil))
            } ?? ""
            let (status, tone) = revoked != nil ? ("已撤销", "bad") : expires.map { now >= $0 } == true ? ("令牌已过期", "warn") : ("有效", "ok")
            return [
                "id": id, "role": WebLabels.label(WebLabels.role, p["role"]?.stringValue), "organization": organization,
                "created": WebLabels.beijingTime(p["createdAt"]?.stringValue ?? ""),
                "expires": expires.map(WebLabels.beijingTime) ?? "不过期", "status": status, "tone": tone,
                "active": revoked == nil, "isSelf": id == caller.principal.id,
            ]
        }
        var context: [String: Any] = ["rows": rows, "csrf": caller.csrf, "has_rows": !rows.isEmpty]
        if let next = list.objectValue?["next"]?.stringValue { context["next"] = next }
        return WebPage.render(self.web, "admin-principals", title: "账号管理", context: context, caller: caller)
    }

    /// The form becomes the `POST /v1/principals` document; the use case checks it.
    func createPrincipalFromForm(_ web: WebRequest) async throws -> Response {
        let caller = web.caller!
        guard let form = web.form(PrincipalForm.self) else {
            return principalFormPage(PrincipalForm(csrf: nil, id: nil, role: nil, orgName: nil, orgUscc: nil, orgRegion: nil, password: nil),
                                     errors: [:], problem: "表单内容无法识别，请重新填写。", caller: caller, status: .badRequest)
        }
        var document = JSONObject()
        if let v = form.id?.trimmingWhiteSpace(), !v.isEmpty { document["id"] = .string(v) }
        if let v = form.role, !v.isEmpty { document["role"] = .string(v) }
        if let v = form.password, !v.isEmpty { document["password"] = .string(v) }
        var organization = JSONObject()
        if let v = form.orgName?.trimmingWhiteSpace(), !v.isEmpty { organization["name"] = .string(v) }
        if let v = form.orgUscc?.trimmingWhiteSpace(), !v.isEmpty { organization["uscc"] = .string(v) }
        if let v = form.orgRegion?.trimmingWhiteSpace(), !v.isEmpty { organization["region"] = .string(v) }
        // Only inspectors and institutions are bound to an organisation; the use case says so
        // for anything else typed in.
        switch form.role {
        case "inspector": document["authority"] = .object(organization)
        case "institution": document["institution"] = .object(organization)
        default: if !organization.members.isEmpty { document["authority"] = .object(organization) }
        }
        do {
            let answer = try await ledger.createPrincipal(try CanonicalJSON.encode(.object(document)), by: caller.principal,
                                                          logger: web.context.logger)
            return tokenPage(answer, heading: "账号已创建", caller: caller)
        } catch let refusal as Refusal {
            var errors: [String: String] = [:]
            for item in refusal.errors {
                guard let field = item.pointer.flatMap(Self.principalField) else { continue }
                let message = field == "password" ? "密码应为 \(PrincipalRequest.passwordLength.lowerBound) 至 \(PrincipalRequest.passwordLength.upperBound) 个字符。"
                    : WebLabels.principalProblem[item.code] ?? WebLabels.problemCode[item.code] ?? item.message
                errors[field] = errors[field] ?? message
            }
            let problem: String? = switch refusal.kind {
            case .unavailable: "服务暂时不可用，账号未创建，请稍后重试。"
            default: errors.isEmpty ? "账号未创建，请检查填写内容。" : nil
            }
            // The password is never sent back into the form.
            let again = PrincipalForm(csrf: nil, id: form.id, role: form.role, orgName: form.orgName, orgUscc: form.orgUscc,
                                      orgRegion: form.orgRegion, password: nil)
            return principalFormPage(again, errors: errors, problem: problem, caller: caller, status: Problem(refusal).status)
        }
    }

    /// A pointer of the principal document → the form field it belongs to.
    static func principalField(_ pointer: String) -> String? {
        switch pointer {
        case "/id": return "id"
        case "/role": return "role"
        case "/password": return "password"
        case "/authority", "/institution", "/authority/name", "/institution/name": return "orgName"
        case "/authority/uscc", "/institution/uscc": return "orgUscc"
        case "/authority/region", "/institution/region": return "orgRegion"
        default: return nil
        }
    }

    func principalFormPage(_ form: PrincipalForm, errors: [String: String], problem: String?, caller: WebCaller,
                           status: HTTPResponse.Status) -> Response {
        var context: [String: Any] = [
            "csrf": caller.csrf, "id": form.id ?? "", "orgName": form.orgName ?? "", "orgUscc": form.orgUscc ?? "",
            "orgRegion": form.orgRegion ?? "", "minPassword": PrincipalRequest.passwordLength.lowerBound,
            "roles": Self.creatableRoles.map { ["value": $0.rawValue, "label": WebLabels.label(WebLabels.role, $0.rawValue),
                                                "selected": $0.rawValue == (form.role ?? "institution")] as [String: Any] },
        ]
        for (field, message) in errors { context["err_" + field] = message }
        if let problem { context["problem"] = problem }
        return WebPage.render(web, "admin-principal-form", title: "新建账号", context: context, caller: caller, status: status)
    }

    /// The answer of a create or a rotation: the token, this once.
    func tokenPage(_ answer: JSONValue, heading: String, caller: WebCaller) -> Response {
        let object = answer.objectValue ?? JSONObject()
        return WebPage.render(web, "admin-token", title: heading, context: [
            "heading": heading, "id": object["id"]?.stringValue ?? "", "role": WebLabels.label(WebLabels.role, object["role"]?.stringValue),
            "token": object["token"]?.stringValue ?? "", "expires": object["expiresAt"]?.stringValue.map(WebLabels.beijingTime) ?? "不过期",
        ], caller: caller)
    }

    func adminRefusal(_ error: any Error, caller: WebCaller) -> Response {
        guard let refusal = error as? Refusal else {
            return WebPage.message(web, heading: "操作未完成", text: "服务暂时不可用，请稍后重试。", status: .serviceUnavailable, caller: caller,
                                   back: "/admin/principals")
        }
        let text = switch refusal.kind {
        case .notFound: "没有这个账号。"
        case .conflict: refusal.detail.contains("last active admin") ? "这是最后一个有效的管理员账号，请先创建另一个管理员。"
            : "该账号已被撤销，不能再发放令牌。"
        case .unavailable: "服务暂时不可用，或操作已生效但尚未记入账号日志；请稍后查看账号列表。"
        default: "操作未完成，请返回后重试。"
        }
        return WebPage.message(web, heading: "操作未完成", text: text, status: Problem(refusal).status, caller: caller, back: "/admin/principals")
    }

    static func organizationText(_ organization: Organization?) -> String {
        guard let organization else { return "" }
        return "\(organization.name)（\(organization.uscc)）"
    }
}

extension WebLabels {
    /// Problems of the principal form that the shared table words for other forms.
    static let principalProblem = [
        "pattern": "账号只能包含小写字母、数字和 . _ -，以字母或数字开头，最长 64 个字符。",
        "duplicate": "该账号已存在（已撤销账号的名称也不能再用）。",
        "not_allowed": "只有监管执法人员和托育机构账号需要填写所属单位。",
        "region": "行政区划代码应为 6 位数字。",
        "length": "长度不符合要求。",
    ]
}
