import CreditRecords
import Hummingbird
import LedgerCore
import LedgerCrypto

/// The inspectors' forms (issue 18 part 3): one page per kind, built from the kind table,
/// submitted through the same use case as `POST /v1/records` (validation, authorisation,
/// reservations, the append), with an Idempotency-Key per rendered form so a double click
/// records once.
extension LedgerServer {
    func addRecordPages(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/records/new") { web in
            let caller = web.caller!
            let kinds: [[String: Any]] = WebRecordLabels.kinds.map { ["kind": $0, "label": WebLabels.label(WebLabels.kind, $0)] }
            return WebPage.render(self.web, "record-kinds", title: "录入记录",
                                  context: ["kinds": kinds, "authority": caller.principal.authority?.name ?? caller.principal.id], caller: caller)
        }
        page(router, .get, "/records/new/:kind") { web in
            guard let spec = Self.formSpec(web.context.parameters.get("kind")) else { return self.noSuchForm(web.caller) }
            return self.recordFormPage(WebRecordForm(spec: spec, values: [:]), caller: web.caller!, status: .ok)
        }
        page(router, .post, "/records/new/:kind") { web in
            guard let spec = Self.formSpec(web.context.parameters.get("kind")) else { return self.noSuchForm(web.caller) }
            let caller = web.caller!
            let values = web.form([String: String].self) ?? [:]
            var form = WebRecordForm(spec: spec, values: values)
            let document = JSONObject([("kind", .string(spec.kind.rawValue)), ("body", .object(form.body(authority: caller.principal.authority)))])
            let key = values["idempotencyKey"].flatMap { $0.utf8.count == 64 ? $0 : nil }
            do {
                let outcome = try await self.ledger.submitRecord(try CanonicalJSON.encode(.object(document)), principal: caller.principal,
                                                                 idempotencyKey: key, logger: web.context.logger)
                let receipt: [UInt8]
                switch outcome {
                case .created(let created): receipt = created.body
                case .replayed(let stored): receipt = Base64.decode(stored.body) ?? []
                }
                let answer = (try? JSONParser.parse(receipt, maxDepth: 16))?.objectValue ?? JSONObject()
                let leaf = answer["leafHash"]?.stringValue.flatMap(Digest32.init(base64:))?.hex ?? ""
                return WebPage.render(self.web, "record-created", title: "已写入",
                                      context: ["seq": answer["seq"]?.integerValue.map(String.init) ?? "", "leafHash": leaf,
                                                "kind": spec.kind.rawValue, "title": WebLabels.label(WebLabels.kind, spec.kind.rawValue)],
                                      caller: caller, status: .created)
            } catch let refusal as Refusal {
                form.place(refusal.errors)
                if refusal.errors.isEmpty { form.otherErrors.append(Self.refusalText(refusal)) }
                return self.recordFormPage(form, caller: caller, status: Problem(refusal).status)
            }
        }
    }

    static func formSpec(_ kind: String?) -> KindSpec? {
        guard let kind, WebRecordLabels.kinds.contains(kind), let recordKind = RecordKind(rawValue: kind) else { return nil }
        return KindSpec.of(recordKind)
    }

    func noSuchForm(_ caller: WebCaller?) -> Response {
        WebPage.message(web, heading: "没有这种记录", text: "请从录入页面选择记录类型。", status: .notFound, caller: caller, back: "/records/new")
    }

    /// A refusal without field errors (a conflict, a forbidden authority), in Chinese.
    static func refusalText(_ refusal: Refusal) -> String {
        switch refusal.kind {
        case .conflict: return "与已有记录冲突（例如文书号已被使用，或另一个请求正在处理同一文书号），未写入。"
        case .forbidden: return "当前账号不能录入这条记录（例如记录的机关不是本机关）。"
        case .unavailable: return "服务暂时不可用，记录未写入，请稍后重试。"
        case .tooManyRequests: return "提交过于频繁，请稍后重试。"
        default: return "记录未写入：请检查填写内容。"
        }
    }

    func recordFormPage(_ form: WebRecordForm, caller: WebCaller, status: HTTPResponse.Status) -> Response {
        var form = form
        let groups = form.groups()
        // A problem at a name no input shows is listed at the top, with its field's label.
        var shown = Set<String>()
        for group in groups {
            for input in (group["inputs"] as? [[String: Any]]) ?? [] { if let name = input["name"] as? String { shown.insert(name) } }
        }
        let groupKeys = Set(form.spec.fields.map(\.key))
        for (name, message) in form.errors.sorted(by: { $0.key < $1.key }) where !shown.contains(name) && !groupKeys.contains(name) {
            let top = String(name.split(separator: ".").first ?? "")
            form.otherErrors.append("\(WebRecordLabels.field[top] ?? top)：\(message)")
        }
        let regroup = form.groups()
        let title = WebLabels.label(WebLabels.kind, form.spec.kind.rawValue)
        let context: [String: Any] = [
            "title": title, "kind": form.spec.kind.rawValue, "csrf": caller.csrf, "groups": regroup,
            "authority": caller.principal.authority?.name ?? caller.principal.id,
            "idempotencyKey": form.values["idempotencyKey"] ?? randomToken(),
            "otherErrors": form.otherErrors, "has_otherErrors": !form.otherErrors.isEmpty,
        ]
        return WebPage.render(web, "record-form", title: title, context: context, caller: caller, status: status)
    }
}
