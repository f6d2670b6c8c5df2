import CreditRecords

/// Record documents a full validator accepts (after docs/records.md "Kinds" and schemas/examples/valid):
/// real check characters, dates in 2026 before today, document numbers unique per call.
enum Fixtures {
    typealias Org = (name: String, uscc: String, region: String)
    static let ouhaiHealth: Org = (name: "温州市瓯海区卫生健康局", uscc: "113303040025997855", region: "330304")
    static let ouhaiMarket: Org = (name: "温州市瓯海区市场监督管理局", uscc: "11330304MB1C247898", region: "330304")
    static let xiaoxingxing = (name: "温州市瓯海区小星星托育有限公司", uscc: "91330304MA2J7K8L10")
    static let aixin = (name: "温州市瓯海区爱心托育中心", uscc: "52330304MJ8N4R2T7U")

    /// Every personal ID number the fixtures carry: none may appear in a log line or a problem.
    static let idNumbers = ["330302199003150044", "330381199211083443", "11010519491231002X"]
    /// The names the fixtures give people (none may appear in the access log).
    static let personNames = ["王丽", "林晓燕", "张三"]

    static func authority(_ a: Org) -> JSONValue {
        ["name": .string(a.name), "uscc": .string(a.uscc), "region": .string(a.region)]
    }

    static let wangLi: JSONValue = ["name": "王丽", "idType": "resident_id", "idNumber": "330302199003150044"]
    static let linXiaoyan: JSONValue = ["name": "林晓燕", "idType": "resident_id", "idNumber": "330381199211083443"]

    static func filing(_ n: Int) -> JSONValue {
        ["kind": "institution_filing", "body": [
            "action": "filed",
            "institution": ["name": .string(xiaoxingxing.name), "uscc": .string(xiaoxingxing.uscc), "region": "330304",
                            "type": "for_profit", "address": "温州市瓯海区娄桥街道古岸头路18号", "capacity": 60,
                            "legalRepresentative": wangLi],
            "registrar": authority(ouhaiMarket),
            "filingNo": .string("瓯卫托备〔2026〕\(n)号"), "filedAt": "2026-03-01",
            "authority": authority(ouhaiHealth),
        ]]
    }

    static func inspection(_ n: Int) -> JSONValue {
        ["kind": "inspection", "body": [
            "institution": ["name": .string(xiaoxingxing.name), "uscc": .string(xiaoxingxing.uscc)],
            "authority": authority(ouhaiHealth),
            "inspectionNo": .string("瓯卫检〔2026〕\(n)号"), "inspectedAt": "2026-05-10",
            "type": "random", "areas": ["fire_safety", "food_safety", "security_video"],
            "result": "rectification_required",
            "findings": [["code": "video_retention", "description": "监控录像保存不足90日", "severity": "major"]],
            "rectifyBy": "2026-06-10", "inspectors": ["李明", "赵强"],
        ]]
    }

    static func penalty(_ n: Int, authority a: Org = ouhaiHealth) -> JSONValue {
        ["kind": "penalty", "body": [
            "party": ["category": "organization", "name": .string(xiaoxingxing.name), "uscc": .string(xiaoxingxing.uscc),
                      "legalRepresentative": wangLi],
            "decisionNo": .string("瓯卫罚〔2026〕\(n)号"),
            "violationType": "未按规定配备安防监控",
            "facts": "经查，该机构婴幼儿休息室未安装视频监控设备，监控录像保存不足90日。",
            "basis": "《托育机构设置标准（试行）》第十二条；《中华人民共和国行政处罚法》第二十八条",
            "categories": ["warning", "fine"], "content": "警告，罚款人民币2000元", "fineAmount": "0.2",
            "decidedAt": "2026-05-20", "validUntil": "2026-11-20", "publicUntil": "2027-05-20",
            "authority": authority(a), "dataSource": authority(a),
        ]]
    }

    static func enforcement(_ n: Int) -> JSONValue {
        ["kind": "enforcement", "body": [
            "party": ["category": "organization", "name": .string(xiaoxingxing.name), "uscc": .string(xiaoxingxing.uscc),
                      "legalRepresentative": wangLi],
            "decisionNo": .string("瓯市监强〔2026〕\(n)号"), "measure": "seal",
            "facts": "厨房存放过期食品原料，存在重大食品安全隐患。", "basis": "《中华人民共和国食品安全法》第一百一十条",
            "decidedAt": "2026-06-03", "authority": authority(ouhaiMarket),
        ]]
    }

    static func judgment(_ n: Int) -> JSONValue {
        ["kind": "judgment", "body": [
            "person": linXiaoyan,
            "court": ["name": "温州市瓯海区人民法院", "uscc": "113303040026521388"],
            "caseNo": .string("（2026）浙0304刑初\(n)号"), "offence": "虐待被监护、看护人罪", "sentence": "有期徒刑二年",
            "decidedAt": "2026-08-01", "practiceBanUntil": "2031-08-01", "authority": authority(ouhaiHealth),
        ]]
    }

    static func ban(_ n: Int) -> JSONValue {
        ["kind": "ban", "body": [
            "person": linXiaoyan, "role": "perpetrator", "reason": "child_abuse", "scope": "lifetime", "until": nil,
            "institution": ["name": .string(xiaoxingxing.name), "uscc": .string(xiaoxingxing.uscc)],
            "decisionNo": .string("瓯卫禁〔2026〕\(n)号"), "decidedAt": "2026-08-20",
            "basis": "对虐童等行为零容忍，对相关个人和直接管理人员实行终身禁入",
            "facts": "当事人在看护过程中多次殴打婴幼儿。", "authority": authority(ouhaiHealth),
        ]]
    }

    static func annualReview(year: Int) -> JSONValue {
        ["kind": "annual_review", "body": [
            "institution": ["name": .string(aixin.name), "uscc": .string(aixin.uscc)], "year": .number(String(year)),
            "result": "fail", "reviewedAt": "2026-01-15", "authority": authority(ouhaiHealth), "notes": "保育人员配比不足",
        ]]
    }

    static func revocation(target: UInt64, _ n: Int, authority a: Org = ouhaiHealth) -> JSONValue {
        ["kind": "revocation", "body": [
            "target": .number(String(target)), "reason": "data_error", "decisionNo": .string("瓯卫撤〔2026〕\(n)号"),
            "decidedAt": "2026-09-01", "authority": authority(a), "notes": "录入错误，撤销后重新登记",
        ]]
    }

    static func creditRepair(target: UInt64, _ n: Int) -> JSONValue {
        ["kind": "credit_repair", "body": [
            "target": .number(String(target)), "decisionNo": .string("瓯卫信修〔2026〕\(n)号"), "decidedAt": "2026-09-01",
            "authority": authority(ouhaiHealth),
            "conditions": ["minimum_period", "corrected_and_discharged", "credit_commitment", "other_legal_conditions"],
        ]]
    }

    static let zhangSan: JSONValue = ["name": "张三", "idType": "resident_id", "idNumber": "11010519491231002X"]

    /// A `POST /v1/checks` body.
    static func check(_ person: JSONValue = linXiaoyan, purpose: String = "hiring", consentRef: String = "consent-2026-001") -> JSONValue {
        ["person": person, "purpose": .string(purpose), "consentRef": .string(consentRef)]
    }

    /// A warning to a person (not an organisation), decided a month ago: `records_found` for a year.
    static func personalPenalty(_ n: Int, person: JSONValue = zhangSan) -> JSONValue {
        let decided = LocalDate.today().adding(months: -1)
        var party = person.objectValue!
        party["category"] = "person"
        return ["kind": "penalty", "body": [
            "party": .object(party),
            "decisionNo": .string("瓯卫罚〔2026〕\(n)号"),
            "violationType": "未取得健康合格证明从事保育工作",
            "facts": "当事人未取得健康合格证明即从事婴幼儿保育工作。",
            "basis": "《托育机构管理规范（试行）》第二十条",
            "categories": ["warning"], "content": "警告",
            "decidedAt": .string(decided.description), "publicUntil": .string(decided.adding(years: 1).description),
            "authority": authority(ouhaiHealth), "dataSource": authority(ouhaiHealth),
        ]]
    }

    static func bytes(_ value: JSONValue) -> [UInt8] { try! CanonicalJSON.encode(value) }

    /// Whether the validator in this build applies the full rules (the record model's);
    /// tests of rules only it enforces (unknown fields, duplicate document numbers) run then.
    static let fullValidator: Bool = {
        struct Empty: RecordLookup {
            func summary(of seq: UInt64) -> RecordSummary? { nil }
            func isRecorded(documentNumber: String, authority: String) -> Bool { false }
        }
        let probe: JSONValue = ["kind": "annual_review", "body": ["authority": ["uscc": "113303040025997855"]]]
        let context = ValidationContext(today: LocalDate.today(), lookup: Empty())
        if case .failure = RecordValidator.validate(probe, context: context) { return true }
        return false
    }()
}
