import BackgroundIndex
import CreditRecords
import Hummingbird
import LedgerCore

/// The public pages' answers (issue 18 part 1): what `GET /v1/institutions/{uscc}` and
/// `GET /v1/institutions` answer, in Chinese; nothing beyond the public allow-list.
extension LedgerServer {
    func institutionPage(code: String, caller: WebCaller?) throws -> Response {
        guard USCC.validate(code) == nil else {
            return WebPage.message(web, heading: "代码有误", text: "统一社会信用代码应为 18 位且校验位正确，请核对后重新查询。",
                                   status: .badRequest, caller: caller)
        }
        // The same log and day give the same page (issue 18 "Figures": cached per tree size).
        let day = LocalDate.today().description
        if let cached = web.institutionPages.page(code, treeSize: log.latestCheckpoint.checkpoint.size, day: day) {
            return WebPage.frame(web, content: cached.content, title: cached.title, caller: caller)
        }
        let answer: Result<JSONValue, Refusal>
        do { answer = .success(try ledger.institution(uscc: code)) } catch { answer = .failure(error) }
        let disclosure: JSONValue
        switch answer {
        case .success(let value): disclosure = value
        case .failure(let refusal) where refusal.kind == .notFound:
            return WebPage.message(web, heading: "未找到该机构", text: "没有关于该机构的备案或公示记录。", status: .notFound, caller: caller)
        case .failure(let refusal): throw refusal
        }
        let object = disclosure.objectValue ?? JSONObject()
        let institution = object["institution"]?.objectValue ?? JSONObject()
        let filing = object["filing"]?.objectValue
        let status = object["status"]?.stringValue ?? "unfiled"
        func text(_ o: JSONObject?, _ key: String) -> String { o?[key]?.stringValue ?? o?[key]?.integerValue.map(String.init) ?? "" }
        /// The disclosure's items of one kind, newest first by `dateKey` (ISO dates sort as text).
        func records(_ key: String, newestBy dateKey: String) -> [JSONObject] {
            (object[key]?.arrayValue ?? []).compactMap { $0.objectValue?["record"]?.objectValue }
                .sorted { ($0[dateKey]?.stringValue ?? "") > ($1[dateKey]?.stringValue ?? "") }
        }
        let penalties: [[String: Any]] = records("penalties", newestBy: "decidedAt").map { r in
            ["decisionNo": text(r, "decisionNo"), "decidedAt": text(r, "decidedAt"),
             "categories": (r["categories"]?.arrayValue ?? []).compactMap(\.stringValue).map { WebLabels.label(WebLabels.penaltyCategory, $0) }.joined(separator: "、"),
             "authority": text(r["authority"]?.objectValue, "name"), "publicUntil": text(r, "publicUntil")]
        }
        let inspections: [[String: Any]] = records("inspections", newestBy: "inspectedAt").map { r in
            ["inspectedAt": text(r, "inspectedAt"), "type": WebLabels.label(WebLabels.inspectionType, r["type"]?.stringValue),
             "result": WebLabels.label(WebLabels.inspectionResult, r["result"]?.stringValue), "authority": text(r["authority"]?.objectValue, "name")]
        }
        let reviews: [[String: Any]] = records("annualReviews", newestBy: "reviewedAt").map { r in
            ["year": text(r, "year"), "result": WebLabels.label(WebLabels.reviewResult, r["result"]?.stringValue), "reviewedAt": text(r, "reviewedAt")]
        }
        let context: [String: Any] = [
            "name": institution["name"]?.stringValue ?? code, "uscc": code, "region": text(institution, "region"),
            "address": text(institution, "address"), "type": WebLabels.label(WebLabels.institutionType, institution["type"]?.stringValue),
            "capacity": text(institution, "capacity"), "legalRepresentative": text(institution["legalRepresentative"]?.objectValue, "name"),
            "filingNo": text(filing, "filingNo"), "filedAt": text(filing, "filedAt"),
            "status": WebLabels.label(WebLabels.institutionStatus, status), "statusClass": Self.statusClass(status),
            "penalties": penalties, "has_penalties": !penalties.isEmpty,
            "inspections": inspections, "has_inspections": !inspections.isEmpty,
            "reviews": reviews, "has_reviews": !reviews.isEmpty,
            "treeSize": text(object["asOf"]?.objectValue, "treeSize"),
        ]
        let page = WebPageCache.Page(title: institution["name"]?.stringValue ?? "机构详情",
                                     content: web.templates.render(context, withTemplate: "institution") ?? "")
        if let size = object["asOf"]?.objectValue?["treeSize"]?.integerValue, size >= 0 {
            web.institutionPages.store(page, for: code, treeSize: UInt64(size), day: day)
        }
        return WebPage.frame(web, content: page.content, title: page.title, caller: caller)
    }

    func closuresPage(_ request: Request, caller: WebCaller?) throws -> Response {
        let regionText = request.uri.queryParameters["region"].map(String.init) ?? ""
        var context: [String: Any] = ["region": regionText]
        var region: RegionFilter?
        if !regionText.isEmpty {
            region = RegionFilter(regionText)
            if region == nil {
                context["problem"] = "区县代码应为 6 位数字，例如 330304（区县）、330300（地市）或 330000（省）。"
                return WebPage.render(web, "closures", title: "关停公示", context: context, caller: caller, status: .badRequest)
            }
        }
        var groups: [[String: Any]] = []
        var treeSize = ""
        for status in WebLabels.closureStatuses {
            let list = try ledger.institutions(status: InstitutionStatus(rawValue: status), region: region, after: nil,
                                               limit: Ledger.maxInstitutionPage).objectValue ?? JSONObject()
            let rows: [[String: Any]] = (list["institutions"]?.arrayValue ?? []).compactMap(\.objectValue).map { row in
                ["uscc": row["uscc"]?.stringValue ?? "", "name": row["name"]?.stringValue ?? "（未备案名称）", "region": row["region"]?.stringValue ?? ""]
            }
            treeSize = list["asOf"]?.objectValue?["treeSize"]?.integerValue.map(String.init) ?? treeSize
            groups.append(["status": WebLabels.label(WebLabels.institutionStatus, status), "count": rows.count, "rows": rows, "has_rows": !rows.isEmpty])
        }
        context["groups"] = groups
        context["treeSize"] = treeSize
        return WebPage.render(web, "closures", title: "关停公示", context: context, caller: caller)
    }

    func logPage(caller: WebCaller?) -> Response {
        let latest = log.latestCheckpoint
        let context: [String: Any] = [
            "origin": log.origin, "treeSize": String(latest.checkpoint.size), "checkpoint": latest.note,
            "accessSize": String(access.log.latestCheckpoint.checkpoint.size),
        ]
        return WebPage.render(web, "log", title: "日志核验", context: context, caller: caller)
    }

    func receiptPage(seqText: String, checkId: String, caller: WebCaller?) -> Response {
        let notFound = WebPage.message(web, heading: "未找到该回执",
                                       text: "没有与此回执编号相符的查询记录。请核对二维码或链接是否完整；伪造或篡改的回执无法通过核验。",
                                       status: .notFound, caller: caller)
        guard let seq = UInt64(seqText), checkId.utf8.count <= 64,
              let confirmation = try? ledger.confirmReceipt(accessSeq: seq, checkId: checkId) else { return notFound }
        var institution = confirmation.institutionUSCC ?? "（监管部门查询）"
        if let code = confirmation.institutionUSCC,
           let name = (try? ledger.institution(uscc: code))?.objectValue?["institution"]?.objectValue?["name"]?.stringValue {
            institution = "\(name)（\(code)）"
        }
        let context: [String: Any] = [
            "verdict": confirmation.included ? "回执有效" : "核验未通过",
            "tone": confirmation.included ? "ok" : "bad",
            "explanation": confirmation.included
                ? "该查询已记入访问日志，并包含在下方签名检查点所确认的日志中。"
                : "该记录的包含证明与检查点不符，请联系服务运营方。",
            "checkId": confirmation.checkId, "at": WebLabels.beijingTime(confirmation.at), "institution": institution,
            "purpose": WebLabels.label(WebLabels.purpose, confirmation.purpose),
            "status": WebLabels.label(WebLabels.accessStatus, confirmation.status),
            "accessSeq": String(confirmation.accessSeq), "treeSize": String(confirmation.checkpoint.checkpoint.size),
            "leafHash": confirmation.leafHash.hex, "proof": confirmation.inclusionProof.map(\.hex),
            "proofCount": confirmation.inclusionProof.count, "checkpoint": confirmation.checkpoint.note,
        ]
        return WebPage.render(web, "receipt", title: "查询回执核验", context: context, caller: caller)
    }
}
