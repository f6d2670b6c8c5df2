/// The Chinese words the pages use for the API's enumerations (docs/web.md "Wording"). One
/// table per enumeration, so a page never shows a raw value; an unknown value shows as it is
/// rather than as a guess.
enum WebLabels {
    static func label(_ table: [String: String], _ value: String?) -> String {
        guard let value else { return "" }
        return table[value] ?? value
    }

    /// A person's check status, in the words the users expect.
    static let personStatus = [
        "barred": "禁止从业",
        "records_found": "有记录",
        "clear": "未发现记录",
    ]

    /// An access entry's outcome, as the receipt page shows it.
    static let accessStatus = [
        "barred": "禁止从业",
        "records_found": "有记录",
        "clear": "未发现记录",
        "refused_quota": "超出当日查询次数，未查询",
    ]

    static let institutionStatus = [
        "active": "正常",
        "closure_required": "责令关闭（年审连续不合格）",
        "deregistered": "已注销备案",
        "unfiled": "未备案",
        "closed": "已责令关闭",
        "license_revoked": "已吊销许可",
        "sealed": "已查封",
    ]

    /// Statuses the public closures list (公示) shows.
    static let closureStatuses = ["closed", "license_revoked", "sealed", "closure_required", "deregistered"]

    static let kind = [
        "institution_filing": "登记备案",
        "inspection": "行政检查",
        "penalty": "行政处罚",
        "enforcement": "行政强制",
        "judgment": "司法判决",
        "ban": "从业禁止",
        "annual_review": "年审",
        "revocation": "撤销 / 更正",
        "credit_repair": "信用修复",
    ]

    static let purpose = [
        "hiring": "招聘录用前查询",
        "annual_recheck": "在职人员年度复查",
        "inspection": "监督检查",
    ]

    static let idType = [
        "resident_id": "居民身份证",
        "passport": "护照",
        "hk_macau_permit": "港澳居民来往内地通行证",
        "taiwan_permit": "台湾居民来往大陆通行证",
        "foreign_permanent_resident_id": "外国人永久居留身份证",
    ]

    static let institutionType = [
        "for_profit": "营利性",
        "non_profit": "非营利性",
        "public_institution": "事业单位",
    ]

    static let inspectionType = [
        "routine": "日常检查", "random": "双随机抽查", "joint": "联合检查", "complaint": "投诉核查", "special": "专项检查",
    ]

    static let inspectionResult = [
        "pass": "合格", "rectification_required": "限期整改", "fail": "不合格",
    ]

    static let reviewResult = ["pass": "合格", "fail": "不合格"]

    static let penaltyCategory = [
        "warning": "警告",
        "public_criticism": "通报批评",
        "fine": "罚款",
        "confiscation": "没收违法所得、没收非法财物",
        "license_suspension": "暂扣许可证件",
        "qualification_downgrade": "降低资质等级",
        "license_revocation": "吊销许可证件",
        "business_restriction": "限制开展生产经营活动",
        "suspension_of_business": "责令停产停业",
        "closure": "责令关闭",
        "practice_restriction": "限制从业",
        "detention": "行政拘留",
        "other": "其他",
    ]

    static let banReason = [
        "child_abuse": "虐待儿童",
        "harm_to_infant": "伤害婴幼儿",
        "sexual_offence": "性侵害",
        "serious_safety_accident": "重大安全事故",
        "food_safety_accident": "食品安全事故",
        "other": "其他",
    ]

    static let banScope = ["lifetime": "终身", "until": "期限内"]

    static let role = [
        "admin": "管理员", "inspector": "监管执法人员", "institution": "托育机构", "exporter": "数据报送",
        "auditor": "审计", "metrics": "监控",
    ]

    /// What a field-level problem says, by its code: the API's Chinese table (ProblemText), so
    /// the pages and `Accept-Language: zh-CN` answers say the same; the API's English message
    /// is the fallback only for codes the table does not know yet.
    static var problemCode: [String: String] { ProblemText.fields }

    /// An RFC 3339 UTC time (`2026-12-06T06:40:00Z`) as Beijing time (UTC+8), the time people
    /// here read; anything else is shown as it is.
    static func beijingTime(_ text: String) -> String {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A,
              let year = Int(String(decoding: b[0..<4], as: UTF8.self)), let month = Int(String(decoding: b[5..<7], as: UTF8.self)),
              let day = Int(String(decoding: b[8..<10], as: UTF8.self)), let hour = Int(String(decoding: b[11..<13], as: UTF8.self)),
              let minute = Int(String(decoding: b[14..<16], as: UTF8.self)), (1...12).contains(month) else { return text }
        var (y, m, d, h) = (year, month, day, hour + 8)
        if h >= 24 {
            h -= 24
            d += 1
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            if d > days { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)年\(m)月\(d)日 \(two(h)):\(two(minute))（北京时间）"
    }

    /// Which form field a problem's JSON pointer belongs to.
    static let checkFieldByPointer = [
        "/person/idType": "idType",
        "/person/idNumber": "idNumber",
        "/person/name": "name",
        "/purpose": "purpose",
        "/consentRef": "consentRef",
    ]
}
