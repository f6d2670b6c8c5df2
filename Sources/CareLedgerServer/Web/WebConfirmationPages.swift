import BackgroundIndex
import CreditRecords
import Hummingbird
import LedgerCore

/// The inspectors' page for the second person of a lifetime ban (docs/web.md "Confirming
/// bans"): the authority's records waiting for a confirmation, each with the confirmation to
/// sign and a field for what `careledger sign` printed. A browser holds no inspector's key,
/// so the page never signs: the key stays on the inspector's machine.
extension LedgerServer {
    func addConfirmationPages(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/confirmations") { web in
            try self.confirmationsPage(caller: web.caller!, status: .ok)
        }
        page(router, .post, "/confirmations/:seq") { web in
            let caller = web.caller!
            guard let text = web.context.parameters.get("seq"), let seq = RequestInput.decimal(Substring(text)) else {
                return WebPage.message(self.web, heading: "没有这条记录", text: "请从待确认列表中选择。", status: .notFound, caller: caller, back: "/confirmations")
            }
            let signed = web.form(SignedConfirmationForm.self)?.signed ?? ""
            do {
                let receipt = try await self.ledger.confirmBan(seq: seq, Array(signed.utf8), principal: caller.principal, logger: web.context.logger)
                return WebPage.render(self.web, "confirmation-done", title: "已确认",
                                      context: ["seq": String(receipt.seq), "target": String(seq)], caller: caller, status: .created)
            } catch let refusal as Refusal {
                return try self.confirmationsPage(caller: caller, status: Problem(refusal).status,
                                                  problem: (seq, Self.confirmationProblem(refusal)))
            }
        }
    }

    func confirmationsPage(caller: WebCaller, status: HTTPResponse.Status, problem: (UInt64, String)? = nil) throws -> Response {
        let principal = caller.principal
        let today = LocalDate.today().description
        let pending = try ledger.pendingBans(principal: principal)
        let authority: JSONValue = principal.authority.map { .object(JSONObject([("name", .string($0.name)), ("uscc", .string($0.uscc)),
                                                                                 ("region", .string($0.region ?? ""))])) } ?? .null
        let rows: [[String: Any]] = try pending.map { record in
            let document = JSONValue.object(JSONObject([("kind", .string(RecordKind.banConfirmation.rawValue)), ("body", .object(JSONObject([
                ("target", .uint(record.seq)), ("decidedAt", .string(today)), ("authority", authority)])))]))
            var row: [String: Any] = [
                "seq": String(record.seq),
                "what": record.kind == .ban ? "终身禁入" : "撤销终身禁入（第 \(record.revokes.map(String.init) ?? "?") 条）",
                "document": String(decoding: try CanonicalJSON.encode(document), as: UTF8.self),
                "keyId": principal.id, "csrf": caller.csrf,
            ]
            if let problem, problem.0 == record.seq { row["problem"] = problem.1 }
            return row
        }
        return WebPage.render(web, "confirmations", title: "待确认的终身禁入",
                              context: ["rows": rows, "has_rows": !rows.isEmpty, "keyId": principal.id,
                                        "authority": principal.authority?.name ?? principal.id],
                              caller: caller, status: status)
    }

    /// A refusal in Chinese, naming the rule; never a submitted value.
    static func confirmationProblem(_ refusal: Refusal) -> String {
        let codes = Set(refusal.errors.map(\.code))
        if codes.contains("self_confirmation") { return "提交这条记录的检查员不能自己确认，须由本机关另一名检查员确认。" }
        if codes.contains("other_authority") { return "只有录入机关的检查员可以确认。" }
        if codes.contains("signature_required") || codes.contains("signature_invalid") || codes.contains("no_public_key")
            || codes.contains("signature_format") || codes.contains("signature_not_normalised") {
            return "签名缺失或无法用本账号登记的公钥验证：请用 careledger sign 和本人的私钥签署上面的确认内容，再粘贴其输出。"
        }
        if codes.contains("not_pending") { return "这条记录已确认或无需确认。" }
        return "确认未写入：请粘贴 careledger sign 的完整输出（JSON）。"
    }
}

/// The confirmation form: the CSRF token and the signed confirmation as `careledger sign` printed it.
struct SignedConfirmationForm: Decodable {
    let csrf: String?
    let signed: String?
}
