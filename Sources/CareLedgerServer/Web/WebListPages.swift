import BackgroundIndex
import CreditRecords
import Hummingbird
import LedgerCore

/// Three paged lists (issue 18; docs/web.md): an institution's own checks (part 2), an
/// authority's own records (part 3) and the public penalties in their publication period
/// (公示, part 1). Each page calls one core use case and shows what it answers; query
/// parameters that do not parse are shown back as a Chinese problem, never a 500.
extension LedgerServer {
    func addListPages(to router: Router<LedgerRequestContext>) {
        page(router, .get, "/hr/checks") { web in
            try self.checkHistoryPage(web)
        }
        page(router, .get, "/records") { web in
            try self.authorityRecordsPage(web)
        }
        page(router, .get, "/public/penalties") { web in
            try self.penaltiesPage(web)
        }
    }

    /// A `before` cursor (a seq), absent or empty for the first page; nil with a problem otherwise.
    static func cursor(_ request: Request) -> (value: UInt64?, bad: Bool) {
        guard let text = request.uri.queryParameters["before"].map(String.init), !text.isEmpty else { return (nil, false) }
        guard text.utf8.count <= 15, let value = UInt64(text) else { return (nil, true) }
        return (value, false)
    }

    func checkHistoryPage(_ web: WebRequest) throws -> Response {
        let caller = web.caller!
        let (before, bad) = Self.cursor(web.request)
        if bad {
            return WebPage.message(self.web, heading: "参数有误", text: "翻页参数不正确。", status: .badRequest, caller: caller, back: "/hr/checks")
        }
        let page = try ledger.checkHistory(of: caller.principal, before: before, limit: Ledger.checkHistoryPage)
        let rows: [[String: Any]] = page.items.map { item in
            let tone = item.status == "barred" ? "bad" : item.status == "records_found" ? "warn" : item.status == "clear" ? "ok" : "warn"
            return [
                "at": WebLabels.beijingTime(item.at), "checkId": item.checkId, "accessSeq": String(item.accessSeq),
                "purpose": WebLabels.label(WebLabels.purpose, item.purpose),
                "status": WebLabels.label(WebLabels.historyStatus, item.status), "tone": tone,
                "consentRef": item.consentRef, "principal": item.principal,
                // A refused check has no answer to confirm, but its entry is a receipt all the same.
                "receipt": "/receipts/\(item.accessSeq)/\(item.checkId)",
            ]
        }
        var context: [String: Any] = ["rows": rows, "has_rows": !rows.isEmpty, "first": before == nil,
                                      "institution": Self.organizationText(caller.principal.institution)]
        if let next = page.next { context["next"] = String(next) }
        return WebPage.render(self.web, "hr-checks", title: "本机构查询记录", context: context, caller: caller)
    }

    func authorityRecordsPage(_ web: WebRequest) throws -> Response {
        let caller = web.caller!
        let query = web.request.uri.queryParameters
        func text(_ name: String) -> String { query[Substring(name)].map(String.init)?.trimmingWhiteSpace() ?? "" }
        var problems: [String] = []
        var filter = BackgroundIndex.AuthorityFilter()
        let kindText = text("kind"), fromText = text("from"), toText = text("to"), statusText = text("status")
        if !kindText.isEmpty {
            if let kind = RecordKind(rawValue: kindText), WebLabels.kind[kindText] != nil { filter.kind = kind } else { problems.append("记录类型不正确。") }
        }
        if !fromText.isEmpty {
            if let date = LocalDate(iso: fromText) { filter.decidedFrom = date } else { problems.append("起始日期应为 YYYY-MM-DD。") }
        }
        if !toText.isEmpty {
            if let date = LocalDate(iso: toText) { filter.decidedTo = date } else { problems.append("截止日期应为 YYYY-MM-DD。") }
        }
        switch statusText {
        case "": break
        case "live": filter.revoked = false
        case "revoked": filter.revoked = true
        default: problems.append("状态应为“有效”或“已撤销”。")
        }
        let (before, bad) = Self.cursor(web.request)
        if bad { problems.append("翻页参数不正确。") }
        var context: [String: Any] = [
            "authority": Self.organizationText(caller.principal.authority), "from": fromText, "to": toText,
            "kinds": WebLabels.recordKindOrder.map { ["value": $0, "label": WebLabels.label(WebLabels.kind, $0), "selected": $0 == kindText] as [String: Any] },
            "statuses": [("", "全部"), ("live", "有效"), ("revoked", "已撤销")].map { ["value": $0.0, "label": $0.1, "selected": $0.0 == statusText] as [String: Any] },
        ]
        guard problems.isEmpty else {
            context["problem"] = problems.joined(separator: " ")
            return WebPage.render(self.web, "authority-records", title: "本机关记录", context: context, caller: caller, status: .badRequest)
        }
        let page = try ledger.authorityRecords(of: caller.principal, filter: filter, before: before, limit: Ledger.recordListPage)
        let rows: [[String: Any]] = page.items.map { item in
            let view = item.publicView
            let institution = view["institution"]?.objectValue ?? view["party"]?.objectValue
            return [
                "seq": String(item.seq), "kind": WebLabels.label(WebLabels.kind, item.kind.rawValue),
                "date": item.decidedAt.map { "\($0)" } ?? "", "decisionNo": view["decisionNo"]?.stringValue ?? "",
                "institution": institution?["name"]?.stringValue ?? "", "uscc": institution?["uscc"]?.stringValue ?? "",
                "status": item.revoked ? "已撤销" : "有效", "tone": item.revoked ? "bad" : "ok",
            ]
        }
        context["rows"] = rows
        context["has_rows"] = !rows.isEmpty
        context["searched"] = true
        if let next = page.next {
            // The filter travels with the cursor (all public words and dates, no personal data).
            var items = ["before=\(next)"]
            for (name, value) in [("kind", kindText), ("from", fromText), ("to", toText), ("status", statusText)] where !value.isEmpty {
                items.append("\(name)=\(value)")
            }
            context["next"] = "/records?" + items.joined(separator: "&")
        }
        return WebPage.render(self.web, "authority-records", title: "本机关记录", context: context, caller: caller)
    }

    func penaltiesPage(_ web: WebRequest) throws -> Response {
        let regionText = web.request.uri.queryParameters["region"].map(String.init)?.trimmingWhiteSpace() ?? ""
        let pageText = web.request.uri.queryParameters["page"].map(String.init) ?? ""
        var context: [String: Any] = ["region": regionText]
        var region: RegionFilter?
        if !regionText.isEmpty {
            region = RegionFilter(regionText)
            if region == nil { context["problem"] = "区县代码应为 6 位数字，例如 330304（区县）、330300（地市）或 330000（省）。" }
        }
        let page = pageText.isEmpty ? 0 : Int(pageText).flatMap { (0...100_000).contains($0) ? $0 : nil } ?? -1
        if page < 0 { context["problem"] = "页码不正确。" }
        if context["problem"] != nil {
            return WebPage.render(self.web, "penalties", title: "行政处罚公示", context: context, caller: web.caller, status: .badRequest)
        }
        let limit = Ledger.recordListPage
        let answer = try ledger.publishedPenalties(region: region, page: page, limit: limit)
        let rows: [[String: Any]] = answer.items.map { item in
            let view = item.record.publicView
            return [
                "uscc": item.uscc, "name": item.institutionName ?? "（未备案名称）",
                "decisionNo": view["decisionNo"]?.stringValue ?? "", "decidedAt": item.record.decidedAt.map { "\($0)" } ?? "",
                "categories": (view["categories"]?.arrayValue ?? []).compactMap(\.stringValue)
                    .map { WebLabels.label(WebLabels.penaltyCategory, $0) }.joined(separator: "、"),
                "authority": view["authority"]?.objectValue?["name"]?.stringValue ?? "",
                "publicUntil": view["publicUntil"]?.stringValue ?? "",
            ]
        }
        context["rows"] = rows
        context["has_rows"] = !rows.isEmpty
        context["total"] = answer.total
        context["treeSize"] = String(answer.treeSize)
        let regionQuery = regionText.isEmpty ? "" : "region=\(regionText)&"
        if page > 0 { context["previous"] = "/public/penalties?\(regionQuery)page=\(page - 1)" }
        if (page + 1) * limit < answer.total { context["next"] = "/public/penalties?\(regionQuery)page=\(page + 1)" }
        return WebPage.render(self.web, "penalties", title: "行政处罚公示", context: context, caller: web.caller)
    }
}

extension WebLabels {
    /// An access entry's outcome in the institution's own history.
    static let historyStatus = [
        "barred": "禁止从业", "records_found": "有记录", "clear": "未发现记录",
        "identity_mismatch": "姓名与证件不符", "refused_quota": "超出当日查询次数，未查询",
    ]

    /// The kinds an authority records, in the order the filter lists them.
    static let recordKindOrder = ["inspection", "penalty", "enforcement", "ban", "judgment", "annual_review", "institution_filing",
                                  "revocation", "credit_repair"]
}
