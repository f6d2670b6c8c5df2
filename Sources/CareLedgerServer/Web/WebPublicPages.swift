import BackgroundIndex
import CreditRecords
import Hummingbird
import LedgerCore

/// The public pages' answers (issue 18 part 1): what `GET /v1/institutions/{uscc}` and
/// `GET /v1/institutions` answer, in Chinese; nothing beyond the public allow-list.
extension LedgerServer {
    static let institutionListRows = 50

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
        var context: [String: Any] = [
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
        // The newest rows of each list keep the page within issue 18's 100 KB; the JSON
        // disclosure has them all, and the page says so.
        for (key, rows) in [("penalties", penalties), ("inspections", inspections), ("reviews", reviews)] where rows.count > Self.institutionListRows {
            context[key] = Array(rows.prefix(Self.institutionListRows))
            context[key + "Cut"] = ["shown": Self.institutionListRows, "total": rows.count]
        }
        let page = WebPageCache.Page(title: institution["name"]?.stringValue ?? "机构详情",
                                     content: web.templates.render(context, withTemplate: "institution") ?? "")
        if let size = object["asOf"]?.objectValue?["treeSize"]?.integerValue, size >= 0 {
            web.institutionPages.store(page, for: code, treeSize: UInt64(size), day: day)
        }
        return WebPage.frame(web, content: page.content, title: page.title, caller: caller)
    }

    /// Rows of each closure status on the overview, and on a page of one status: both keep the
    /// page within issue 18's 100 KB (about 190 bytes a row) however many institutions close.
    static let closuresOverviewRows = 20
    static let closuresPageRows = 200

    func closuresPage(_ request: Request, caller: WebCaller?) throws -> Response {
        let regionText = request.uri.queryParameters["region"].map(String.init) ?? ""
        let statusText = request.uri.queryParameters["status"].map(String.init) ?? ""
        let after = request.uri.queryParameters["after"].map(String.init)
        var context: [String: Any] = ["region": regionText]
        func refused(_ problem: String) -> Response {
            context["problem"] = problem
            return WebPage.render(web, "closures", title: "关停公示", context: context, caller: caller, status: .badRequest)
        }
        var region: RegionFilter?
        if !regionText.isEmpty {
            region = RegionFilter(regionText)
            if region == nil { return refused("区县代码应为 6 位数字，例如 330304（区县）、330300（地市）或 330000（省）。") }
        }
        // One status, paged; else every status's first rows.
        let statuses: [String]
        if statusText.isEmpty {
            statuses = WebLabels.closureStatuses
        } else if WebLabels.closureStatuses.contains(statusText) {
            statuses = [statusText]
        } else {
            return refused("没有这种公示类别。")
        }
        if let after, after.utf8.count > 40 { return refused("翻页参数有误，请从第一页重新查看。") }
        let limit = statuses.count == 1 ? Self.closuresPageRows : Self.closuresOverviewRows
        var groups: [[String: Any]] = []
        var treeSize = ""
        let regionQuery = region == nil ? "" : "&region=\(regionText)"
        for status in statuses {
            let list = try ledger.institutions(status: InstitutionStatus(rawValue: status), region: region, after: statuses.count == 1 ? after : nil,
                                               limit: limit).objectValue ?? JSONObject()
            let rows: [[String: Any]] = (list["institutions"]?.arrayValue ?? []).compactMap(\.objectValue).map { row in
                ["uscc": row["uscc"]?.stringValue ?? "", "name": row["name"]?.stringValue ?? "（未备案名称）", "region": row["region"]?.stringValue ?? ""]
            }
            treeSize = list["asOf"]?.objectValue?["treeSize"]?.integerValue.map(String.init) ?? treeSize
            var group: [String: Any] = ["status": WebLabels.label(WebLabels.institutionStatus, status), "count": rows.count, "rows": rows, "has_rows": !rows.isEmpty]
            if let next = list["next"]?.stringValue {
                // The codes are ASCII letters and digits: safe in a query as they are.
                group["more"] = statuses.count == 1
                    ? "/public/closures?status=\(status)\(regionQuery)&after=\(next)"
                    : "/public/closures?status=\(status)\(regionQuery)"
                group["moreLabel"] = statuses.count == 1 ? "下一页" : "查看全部"
            }
            groups.append(group)
        }
        context["groups"] = groups
        context["treeSize"] = treeSize
        if statuses.count == 1 { context["all"] = "/public/closures" + (region == nil ? "" : "?region=\(regionText)") }
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

    /// The receipt's two printed numbers typed in: each checked for its form (the error at its
    /// field), then the same confirmation page the QR code opens.
    func receiptLookupPage(_ request: Request, caller: WebCaller?) -> Response {
        let seqText = (request.uri.queryParameters["seq"].map(String.init) ?? "").trimmingWhiteSpace()
        let checkText = (request.uri.queryParameters["check"].map(String.init) ?? "").trimmingWhiteSpace().lowercased()
        var context: [String: Any] = ["seq": seqText, "check": checkText]
        guard !seqText.isEmpty || !checkText.isEmpty else {
            return WebPage.render(web, "receipt-lookup", title: "核验查询回执", context: context, caller: caller)
        }
        let seq = seqText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? UInt64(seqText) : nil
        if seq == nil { context["err_seq"] = "请填写回执上的访问日志序号（数字）。" }
        if checkText.utf8.count != 32 || !checkText.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            context["err_check"] = "查询编号应为回执上印的 32 位数字和字母（0–9、a–f）。"
        }
        guard let seq, context["err_check"] == nil else {
            return WebPage.render(web, "receipt-lookup", title: "核验查询回执", context: context, caller: caller, status: .badRequest)
        }
        return WebPage.redirect(to: "/receipts/\(seq)/\(checkText)")
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
