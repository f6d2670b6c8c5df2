import CreditRecords
import Hummingbird
import LedgerCore

/// The person checked (issue 18 part 5; PIPL arts. 44–46; docs/web.md "The person checked"):
/// /me takes the one-time code an authority issued after seeing the person's ID, and shows
/// that person their records (opened, as the records API opens them), who checked them, and
/// their objections, with a form to file one. The rules are the core's (`Subjects/`).
extension LedgerServer {
    static let subjectCookie = "careledger_me"
    /// The code form's CSRF token before a session exists (double-submit, as /signin).
    static let subjectFormCookie = "careledger_me_form"

    struct CodeForm: Decodable {
        let csrf: String?
        let code: String?
    }

    struct ObjectionForm: Decodable {
        let csrf: String?
        let seq: String?
        let text: String?
        let contact: String?
    }

    func addSubjectPages(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/me") { web in
            guard let found = self.subjectSession(web.request) else {
                return self.codePage(problem: nil, caller: web.caller, status: .ok)
            }
            let everything = web.request.uri.queryParameters["all"] == "1"
            return try await self.mePage(found.session, sessionID: found.id, form: nil, errors: [:], formProblem: nil, caller: web.caller,
                                         status: .ok, everything: everything)
        }
        page(router, .post, "/me") { web in
            let form = web.form(CodeForm.self)
            guard let csrf = form?.csrf, let cookie = web.request.cookies[Self.subjectFormCookie]?.value,
                  ConstantTimeText.equals(csrf, cookie) else {
                return self.codePage(problem: "页面已过期，请重新输入访问码。", caller: web.caller, status: .forbidden)
            }
            // Wrong codes count against the address as failed sign-ins do (RequestLimits.attempt).
            let who: SubjectIdentity
            switch try self.limits.attempt(from: web.context.clientAddress, { try self.ledger.redeemSubjectCode(form?.code ?? "") }) {
            case .tooManyFailures(let wait), .tooManyRequests(let wait):
                return self.codePage(problem: "尝试次数过多，请 \(wait) 秒后再试。", caller: web.caller, status: .tooManyRequests)
            case .failed:
                return self.codePage(problem: "访问码无效、已过期或已达到使用次数。请核对后重新输入，或向发放机关重新申请。",
                                     caller: web.caller, status: .unauthorized)
            case .admitted(let redeemed):
                who = redeemed
            }
            let session = self.web.subjectSessions.create(who)
            var response = WebPage.redirect(to: "/me")
            response.setCookie(self.subjectCookie(session.id, maxAge: Int(self.web.subjectSessions.absoluteTimeout.components.seconds)))
            response.setCookie(self.subjectFormCookie("", maxAge: 0))
            return response
        }
        page(router, .post, "/me/objections") { web in
            guard let found = self.subjectSession(web.request) else { return WebPage.redirect(to: "/me") }
            let (id, session) = (found.id, found.session)
            let form = web.form(ObjectionForm.self)
            guard let csrf = form?.csrf, ConstantTimeText.equals(csrf, session.csrf) else {
                return WebPage.message(self.web, heading: "页面已过期", text: "表单已失效，请返回后重新提交。", status: .forbidden,
                                       caller: web.caller, back: "/me")
            }
            do {
                _ = try self.ledger.fileObjection(session.owner, seq: form?.seq.flatMap { UInt64($0) }, text: form?.text ?? "",
                                                  contact: form?.contact ?? "")
                return WebPage.redirect(to: "/me#objections")
            } catch let refusal as Refusal {
                var errors: [String: String] = [:]
                for item in refusal.errors {
                    guard let field = item.pointer.map({ String($0.dropFirst()) }), ["seq", "text", "contact"].contains(field) else { continue }
                    errors[field] = errors[field] ?? WebLabels.problemCode[item.code] ?? item.message
                }
                return try await self.mePage(session, sessionID: id, form: form, errors: errors,
                                       formProblem: errors.isEmpty ? "异议未提交，请稍后重试。" : nil, caller: web.caller, status: Problem(refusal).status)
            }
        }
        page(router, .post, "/me/signout") { web in
            if let found = self.subjectSession(web.request),
               let csrf = web.form(CSRFOnly.self)?.csrf, ConstantTimeText.equals(csrf, found.session.csrf) {
                self.web.subjectSessions.end(id: found.id)
            }
            var response = WebPage.redirect(to: "/me")
            response.setCookie(self.subjectCookie("", maxAge: 0))
            return response
        }
    }

    func subjectSession(_ request: Request) -> (id: String, session: SubjectSessions.Session)? {
        guard let id = request.cookies[Self.subjectCookie]?.value, let session = web.subjectSessions.session(id: id) else { return nil }
        return (id, session)
    }

    func codePage(problem: String?, caller: WebCaller?, status: HTTPResponse.Status) -> Response {
        let csrf = randomToken()
        var context: [String: Any] = ["csrf": csrf]
        if let problem { context["problem"] = problem }
        var response = WebPage.render(web, "me-signin", title: "查询本人信息", context: context, caller: caller, status: status)
        response.setCookie(subjectFormCookie(csrf, maxAge: 3600))
        return response
    }

    /// What /me lists unless asked for everything (`?all=1`): the newest records, checks and
    /// objections, so the page stays within issue 18's 100 KB for, say, a carer checked at
    /// every job they applied for. The page says what it left out and links to all of it.
    static let meRecordRows = 50
    static let meCheckRows = 50
    static let meObjectionRows = 20

    func mePage(_ session: SubjectSessions.Session, sessionID: String, form: ObjectionForm?, errors: [String: String], formProblem: String?,
                caller: WebCaller?, status: HTTPResponse.Status, everything: Bool = false) async throws -> Response {
        let who = session.owner
        let (records, checks, objections) = try await ledger.subjectPage(who, logger: ledger.logger)
        let selected = form?.seq.flatMap { UInt64($0) }
        var context: [String: Any] = [
            "csrf": session.csrf, "treeSize": log.latestCheckpoint.checkpoint.size,
            "maskedType": WebLabels.label(WebLabels.idType, who.idType.rawValue), "maskedNumber": Masking.idNumber(who.idNumber),
            "has_records": !records.isEmpty, "has_checks": !checks.isEmpty, "has_objections": !objections.isEmpty,
            "text": form?.text ?? "", "contact": form?.contact ?? "",
        ]
        let recordRows = records.map { r -> [String: Any] in
            let state = r.revoked ? ("已撤销", "warn") : r.repaired ? ("已信用修复", "warn") : ("有效", "bad")
            return ["seq": r.seq, "kind": WebLabels.label(WebLabels.kind, r.kind.rawValue), "authority": r.authorityName,
                    "decidedAt": r.decidedAt, "decisionNo": r.decisionNo, "state": state.0, "stateClass": state.1,
                    "details": r.body.map { Self.detailRows($0, shown: Self.shownApart(r.kind)) } ?? [], "erased": r.body == nil, "selected": r.seq == selected]
        }
        // The newest of each, oldest first as the lists are (the form offers every record).
        func newest<T>(_ all: [T], _ rows: Int, _ key: String) -> ArraySlice<T> {
            let shown = everything ? all[...] : all.suffix(rows)
            if shown.count < all.count { context[key] = ["shown": shown.count, "total": all.count] }
            return shown
        }
        context["records"] = recordRows
        context["shownRecords"] = Array(newest(recordRows, Self.meRecordRows, "recordsCut"))
        let shownChecks = newest(checks, Self.meCheckRows, "checksCut")
        context["checks"] = shownChecks.map { c -> [String: Any] in
            ["at": WebLabels.beijingTime(c.at), "by": c.checkedBy ?? WebLabels.label(WebLabels.role, c.role.rawValue),
             "purpose": WebLabels.label(WebLabels.purpose, c.purpose), "status": WebLabels.label(WebLabels.accessStatus, c.status)]
        }
        context["objections"] = newest(objections, Self.meObjectionRows, "objectionsCut").map(Self.objectionRow)
        for (field, message) in errors { context["err_" + field] = message }
        if let formProblem { context["formProblem"] = formProblem }
        return WebPage.render(web, "me", title: "本人信息", context: context, caller: caller, status: status)
    }

    /// A record's members as label and text, for its own subject: the authority is shown apart,
    /// a person by name and masked number (the page may be on a shared screen).
    static func detailRows(_ body: JSONObject, shown: Set<String>) -> [[String: String]] {
        body.members.compactMap { member -> [String: String]? in
            let (key, value) = member
            guard !shown.contains(key) else { return nil }
            let text: String
            switch value {
            case .string(let s): text = WebRecordLabels.value(key, s)
            case .number(let n): text = n
            case .bool(let b): text = b ? "是" : "否"
            case .array(let items): text = items.map { item in item.stringValue.map { WebRecordLabels.value(key, $0) } ?? Self.objectText(item) }.joined(separator: "、")
            case .object: text = objectText(value)
            case .null: return nil
            }
            return ["label": WebRecordLabels.field[key] ?? key, "value": text]
        }
    }

    /// The members the record's heading lines already show: authority, decision date and number.
    static func shownApart(_ kind: RecordKind) -> Set<String> {
        let spec = KindSpec.of(kind)
        return Set(["authority", spec.decisionDateKey] + (spec.documentNumberKey.map { [$0] } ?? []))
    }

    static func objectText(_ value: JSONValue) -> String {
        guard let object = value.objectValue else { return "" }
        var parts = [String]()
        if let name = object["name"]?.stringValue { parts.append(name) }
        if let number = object["idNumber"]?.stringValue { parts.append(Masking.idNumber(number)) }
        if let uscc = object["uscc"]?.stringValue { parts.append(uscc) }
        if parts.isEmpty { parts = object.members.compactMap { $0.value.stringValue } }
        return parts.joined(separator: " ")
    }

    static func objectionRow(_ o: Objection) -> [String: Any] {
        var row: [String: Any] = [
            "id": o.id, "seq": o.seq, "kind": WebLabels.label(WebLabels.kind, o.kind), "decisionNo": o.decisionNo,
            "filedAt": WebLabels.beijingTime(o.filedAt), "authority": o.authorityName,
            "state": o.state == "open" ? "待答复" : "已答复", "stateClass": o.state == "open" ? "warn" : "ok", "open": o.state == "open",
            "text": o.text ?? "（已依法删除）",
        ]
        if let contact = o.contact { row["contact"] = contact }
        if let reply = o.reply { row["reply"] = reply }
        if let repliedAt = o.repliedAt { row["repliedAt"] = WebLabels.beijingTime(repliedAt) }
        return row
    }

    /// Only for /me, otherwise as the principals' cookies (`strictCookie`).
    func subjectCookie(_ value: String, maxAge: Int) -> Cookie { strictCookie(Self.subjectCookie, value, maxAge: maxAge, path: "/me") }

    func subjectFormCookie(_ value: String, maxAge: Int) -> Cookie { strictCookie(Self.subjectFormCookie, value, maxAge: maxAge, path: "/me") }
}
