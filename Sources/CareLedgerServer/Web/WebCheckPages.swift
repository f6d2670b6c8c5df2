import CreditRecords
import Hummingbird
import LedgerCore

/// The institution's background check as a form (issue 18 part 2). The form becomes the same
/// `POST /v1/checks` document and goes through the same use case (quota, access log, answer);
/// a refusal's field errors are shown at their fields, in Chinese.
extension LedgerServer {
    struct CheckForm: Decodable {
        let csrf: String?
        let idType: String?
        let idNumber: String?
        let name: String?
        let purpose: String?
        let consentRef: String?
    }

    /// Purposes an institution may state (an inspection is the authorities' purpose).
    static let institutionPurposes = ["hiring", "annual_recheck"]

    func addCheckPages(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/hr/check") { web in
            self.checkFormPage(CheckForm(csrf: nil, idType: "resident_id", idNumber: "", name: "", purpose: "hiring", consentRef: ""),
                               errors: [:], formProblem: nil, caller: web.caller!, status: .ok)
        }
        page(router, .post, "/hr/check") { web in
            let caller = web.caller!
            guard let form = web.form(CheckForm.self) else {
                return self.checkFormPage(CheckForm(csrf: nil, idType: nil, idNumber: nil, name: nil, purpose: nil, consentRef: nil),
                                          errors: [:], formProblem: "表单内容无法识别，请重新填写。", caller: caller, status: .badRequest)
            }
            var person = JSONObject()
            if let v = form.idType, !v.isEmpty { person["idType"] = .string(v) }
            if let v = form.idNumber, !v.isEmpty { person["idNumber"] = .string(v) }
            if let v = form.name, !v.isEmpty { person["name"] = .string(v) }
            var document = JSONObject([("person", .object(person))])
            if let v = form.purpose, !v.isEmpty { document["purpose"] = .string(v) }
            if let v = form.consentRef, !v.isEmpty { document["consentRef"] = .string(v) }
            do {
                let answer = try await self.ledger.check(try CanonicalJSON.encode(.object(document)), principal: caller.principal,
                                                         logger: web.context.logger)
                return self.checkResultPage(answer, form: form, caller: caller, request: web.request)
            } catch let refusal as Refusal {
                var errors: [String: String] = [:]
                for item in refusal.errors {
                    guard let field = item.pointer.flatMap({ WebLabels.checkFieldByPointer[$0] }) else { continue }
                    errors[field] = errors[field] ?? WebLabels.problemCode[item.code] ?? item.message
                }
                let problem: String? = switch refusal.kind {
                case .tooManyRequests: "今日查询次数已用完，请明天再查。"
                case .forbidden: "当前账号不能进行此项查询。"
                case .unavailable: "服务暂时不可用，本次查询未执行，请稍后重试。"
                default: errors.isEmpty ? "查询未执行：请检查填写内容。" : nil
                }
                return self.checkFormPage(form, errors: errors, formProblem: problem, caller: caller,
                                          status: Problem(refusal).status)
            }
        }
    }

    /// Where the QR code points: `--public-url` when set; else this service as the browser
    /// reached it, if its Host is a plain host and port (a forged Host must not turn a printed
    /// receipt into a link elsewhere), else the listen address. The scheme is https under TLS
    /// or behind a TLS proxy (`--secure-cookies`).
    func receiptURL(_ request: Request, seq: UInt64, checkId: String) -> String {
        if let base = configuration.publicURL { return "\(base)/receipts/\(seq)/\(checkId)" }
        let listen = ServerConfiguration.authority(host: configuration.host, port: configuration.port)
        let host = request.head.authority.flatMap { ServerConfiguration.isAuthority($0) ? $0 : nil } ?? listen
        return "\(configuration.secureCookies ? "https" : "http")://\(host)/receipts/\(seq)/\(checkId)"
    }

    func checkFormPage(_ form: CheckForm, errors: [String: String], formProblem: String?, caller: WebCaller,
                       status: HTTPResponse.Status) -> Response {
        var context: [String: Any] = [
            "csrf": caller.csrf, "idNumber": form.idNumber ?? "", "name": form.name ?? "", "consentRef": form.consentRef ?? "",
            "idTypes": IdType.allCases.map { ["value": $0.rawValue, "label": WebLabels.label(WebLabels.idType, $0.rawValue),
                                              "selected": $0.rawValue == (form.idType ?? "resident_id")] as [String: Any] },
            "purposes": Self.institutionPurposes.map { ["value": $0, "label": WebLabels.label(WebLabels.purpose, $0),
                                                        "selected": $0 == (form.purpose ?? "hiring")] as [String: Any] },
        ]
        for (field, message) in errors { context["err_" + field] = message }
        if let formProblem { context["formProblem"] = formProblem }
        return WebPage.render(web, "check-form", title: "从业人员背景查询", context: context, caller: caller, status: status)
    }

    func checkResultPage(_ result: Ledger.CheckAnswer, form: CheckForm, caller: WebCaller, request: Request) -> Response {
        let answer = (try? JSONParser.parse(result.body, maxDepth: 64))?.objectValue ?? JSONObject()
        let status = answer["status"]?.stringValue ?? "clear"
        let subject = answer["subject"]?.objectValue
        let treeSize = answer["asOf"]?.objectValue?["treeSize"]?.integerValue.map(String.init) ?? ""
        let explanation = switch status {
        case "barred": "此人依法不得从事托育服务工作，请勿录用。如有异议，本人可向作出决定的机关申请复核。"
        case "records_found": "此人有相关记录但目前未被禁止从业。请结合以下记录审慎判断。"
        default: "截至日志第 \(treeSize) 条记录，未发现此人的相关记录。这不代表其他系统中没有记录。"
        }
        let findings: [[String: Any]] = (answer["findings"]?.arrayValue ?? []).compactMap(\.objectValue).map { f in
            let kind = f["kind"]?.stringValue ?? ""
            let reason = f["reason"]?.stringValue
            return [
                // A lifetime ban awaiting its second inspector: found, not yet in force.
                "kind": WebLabels.label(WebLabels.kind, kind) + (f["pending"] == .bool(true) ? "（待第二名检查员确认，尚未生效）" : ""),
                "reason": kind == "ban" ? WebLabels.label(WebLabels.banReason, reason) : (reason ?? ""),
                "authority": f["authority"]?.objectValue?["name"]?.stringValue ?? "",
                "decidedAt": f["decidedAt"]?.stringValue ?? "", "decisionNo": f["decisionNo"]?.stringValue ?? "",
                "until": f["until"]?.stringValue ?? (f["scope"]?.stringValue == "lifetime" ? "终身" : ""),
                "basis": f["basis"]?.stringValue ?? "",
            ]
        }
        var context: [String: Any] = [
            "status": WebLabels.label(WebLabels.personStatus, status),
            "statusClass": status == "barred" ? "bad" : status == "records_found" ? "warn" : "ok",
            "explanation": explanation,
            "maskedName": subject?["name"]?.stringValue ?? "",
            "maskedNumber": subject?["idNumber"]?.stringValue ?? "",
            "idType": WebLabels.label(WebLabels.idType, subject?["idType"]?.stringValue ?? form.idType),
            "nameMatches": answer["nameMatches"]?.boolValue ?? true,
            "purpose": WebLabels.label(WebLabels.purpose, form.purpose),
            "checkId": answer["checkId"]?.stringValue ?? "",
            "treeSize": treeSize,
            "findings": findings, "has_findings": !findings.isEmpty,
            // The statutory basis column only when a finding has one (a bar by law names it).
            "has_basis": findings.contains { !(($0["basis"] as? String) ?? "").isEmpty },
        ]
        // The receipt: what the QR code opens is the public confirmation of this access entry.
        if let seq = result.accessSeq, let confirmation = try? ledger.confirmReceipt(accessSeq: seq, checkId: result.checkId) {
            let url = receiptURL(request, seq: seq, checkId: result.checkId)
            context["qr"] = QRCodeSVG.svg(for: url, label: "回执核验二维码")
            context["receiptURL"] = url
            context["accessSeq"] = String(seq)
            context["at"] = WebLabels.beijingTime(confirmation.at)
            context["institution"] = caller.principal.institution.map { "\($0.name)（\($0.uscc)）" } ?? caller.principal.id
        }
        return WebPage.render(web, "check-result", title: "查询结果", context: context, caller: caller)
    }
}
