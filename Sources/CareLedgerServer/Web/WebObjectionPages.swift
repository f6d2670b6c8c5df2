import CreditRecords
import Hummingbird
import LedgerCore

/// The inspector's objections (异议) to answer: its authority's, from the same core list as
/// `GET /v1/tasks`, answered through the same use case as `POST /v1/objections/{id}/replies`.
extension LedgerServer {
    struct ReplyForm: Decodable {
        let csrf: String?
        let reply: String?
    }

    func addObjectionPages(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/objections") { web in
            try self.objectionsPage(caller: web.caller!, problem: nil, status: .ok)
        }
        page(router, .post, "/objections/:id/reply") { web in
            let caller = web.caller!
            let id = web.context.parameters.get("id") ?? ""
            let reply = web.form(ReplyForm.self)?.reply ?? ""
            do {
                let body = try CanonicalJSON.encode(.object(JSONObject([("reply", .string(reply))])))
                _ = try self.ledger.answerObjection(id: id, body, principal: caller.principal)
                return WebPage.redirect(to: "/objections")
            } catch let refusal as Refusal {
                let problem = switch refusal.kind {
                case .notFound: "没有找到这条异议。"
                case .conflict: "这条异议已经答复。"
                default: refusal.errors.first.map { WebLabels.problemCode[$0.code] ?? $0.message }.map { "答复未提交：\($0)" } ?? "答复未提交，请稍后重试。"
                }
                return try self.objectionsPage(caller: caller, problem: problem, status: Problem(refusal).status)
            }
        }
    }

    /// Answered objections shown below the open ones (all of which stay, each waiting for a
    /// reply): the newest, so an authority's page stays within 100 KB over the years.
    static let answeredObjectionRows = 20

    func objectionsPage(caller: WebCaller, problem: String?, status: HTTPResponse.Status) throws -> Response {
        let newestFirst = try ledger.objectionTasks(principal: caller.principal).reversed()
        let answered = newestFirst.filter { $0.state != "open" }
        let shown = newestFirst.filter { $0.state == "open" } + answered.prefix(Self.answeredObjectionRows)
        let items = shown.map { o -> [String: Any] in
            var row = Self.objectionRow(o)
            row["csrf"] = caller.csrf
            return row
        }
        var context: [String: Any] = ["items": items, "has_items": !items.isEmpty]
        if answered.count > Self.answeredObjectionRows { context["answeredCut"] = ["shown": Self.answeredObjectionRows, "total": answered.count] }
        if let problem { context["problem"] = problem }
        return WebPage.render(web, "objections", title: "异议处理", context: context, caller: caller, status: status)
    }
}
