import CreditRecords

/// A realistic sample data set for `careledger demo`: childcare institutions in Wenzhou's
/// districts (the seed's table: 鹿城, 龙湾, 瓯海, 洞头, 乐清, 瑞安, 永嘉, 平阳, 苍南, 文成,
/// 泰顺, 龙港), their filings, a few hundred inspections, penalties, enforcement, a criminal
/// judgment, two bans (the perpetrator and the responsible manager), a revocation, a credit
/// repair and an institution failing its annual review two years running.
///
/// Every identifier is made up, with correct check characters; none is a real person's.
public struct DemoDataSet: Sendable {
    public struct Authority: Sendable {
        public let principal: String
        public let name: String
        public let uscc: String
        public let region: String

        var json: JSONValue { ["name": .string(name), "uscc": .string(uscc), "region": .string(region)] }
    }

    public struct Record: Sendable {
        /// A name later records use to point at this one (revocation and credit repair targets).
        public let label: String?
        public let authority: Authority
        /// Builds the document `{"kind","body"}` once the seqs of labelled records are known.
        public let document: @Sendable ([String: UInt64]) -> JSONValue
    }

    public let authorities: [Authority]
    public let records: [Record]
    /// Where the abuse case happened: the institution a demo institution principal stands for.
    public let sampleInstitution: (name: String, uscc: String, region: String)

    package struct District {
        let name: String, region: String, short: String, pinyin: String, institutions: Int
    }

    package static let districts = [
        District(name: "鹿城区", region: "330302", short: "鹿", pinyin: "lucheng", institutions: 4),
        District(name: "龙湾区", region: "330303", short: "龙", pinyin: "longwan", institutions: 2),
        District(name: "瓯海区", region: "330304", short: "瓯", pinyin: "ouhai", institutions: 4),
        District(name: "洞头区", region: "330305", short: "洞", pinyin: "dongtou", institutions: 1),
        District(name: "永嘉县", region: "330324", short: "永", pinyin: "yongjia", institutions: 3),
        District(name: "平阳县", region: "330326", short: "平", pinyin: "pingyang", institutions: 3),
        District(name: "苍南县", region: "330327", short: "苍", pinyin: "cangnan", institutions: 3),
        District(name: "文成县", region: "330328", short: "文", pinyin: "wencheng", institutions: 1),
        District(name: "泰顺县", region: "330329", short: "泰", pinyin: "taishun", institutions: 1),
        District(name: "瑞安市", region: "330381", short: "瑞", pinyin: "ruian", institutions: 4),
        District(name: "乐清市", region: "330382", short: "乐", pinyin: "yueqing", institutions: 4),
        District(name: "龙港市", region: "330383", short: "港", pinyin: "longgang", institutions: 2),
    ]

    package static let brandNames = ["小星星", "彩虹桥", "阳光宝贝", "小太阳", "童心园", "启橙", "爱心", "贝乐", "萌芽", "小橡树",
                             "稚趣", "未来星", "小蜜蜂", "暖暖", "七色花", "乐童", "禾苗", "小海豚", "安心", "向日葵"]
    package static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许邓冯韩曹曾彭")
    package static let givenNames = ["丽", "敏", "静", "芳", "娜", "晓燕", "海燕", "建国", "伟", "强", "磊", "秀英", "佳怡", "子涵", "雨婷", "文博", "志强", "慧", "琳", "晨"]
    package static let streets = ["府前街", "学院路", "车站大道", "温瑞大道", "娄桥古岸头路", "新桥街道", "蒲鞋市路", "南塘街", "东游路", "瓯江路"]

    public static func make(today: LocalDate, seed: UInt64 = 20_261_123) -> DemoDataSet {
        var random = SplitMix64(seed: seed)
        var authorities = [Authority]()
        var health = [String: Authority](), market = [String: Authority]()
        for d in districts {
            // 机关 codes: registrar 1, category 1.
            let h = Authority(principal: "insp-\(d.pinyin)-health", name: "温州市\(d.name)卫生健康局",
                              uscc: DemoIdentifiers.uscc(prefix: "11", region: d.region, random: &random), region: d.region)
            let m = Authority(principal: "insp-\(d.pinyin)-market", name: "温州市\(d.name)市场监督管理局",
                              uscc: DemoIdentifiers.uscc(prefix: "11", region: d.region, random: &random), region: d.region)
            health[d.region] = h
            market[d.region] = m
            authorities += [h, m]
        }

        var records = [Record]()
        func add(_ label: String? = nil, _ authority: Authority, _ kind: RecordKind, _ body: JSONObject) {
            records.append(Record(label: label, authority: authority) { _ in ["kind": .string(kind.rawValue), "body": .object(body)] })
        }

        // Institutions and their filings.
        struct Institution { let name: String; let uscc: String; let district: District; let representative: JSONValue; let staff: [JSONValue] }
        var institutions = [Institution]()
        var brand = 0
        for d in districts {
            for i in 0..<d.institutions {
                let kinds: [(String, String, String)] = [("91", "for_profit", "托育有限公司"), ("52", "non_profit", "托育中心"), ("12", "public_institution", "公办托育园")]
                let (prefix, type, suffix) = kinds[i % 3 == 2 ? 1 : (i == 3 ? 2 : 0)]
                let name = "温州市\(d.name)\(brandNames[brand % brandNames.count])\(suffix)"
                brand += 1
                let representative = DemoIdentifiers.person(region: d.region, random: &random, today: today)
                let staff = (0..<4).map { _ in DemoIdentifiers.person(region: d.region, random: &random, today: today) }
                let institution = Institution(name: name, uscc: DemoIdentifiers.uscc(prefix: prefix, region: d.region, random: &random),
                                              district: d, representative: representative, staff: staff)
                institutions.append(institution)
                let filed = today.adding(months: -(18 + random.next(24)))
                add(nil, health[d.region]!, .institutionFiling, JSONObject([
                    ("action", "filed"),
                    ("institution", ["name": .string(name), "uscc": .string(institution.uscc), "region": .string(d.region), "type": .string(type),
                                     "address": .string("温州市\(d.name)\(streets[random.next(streets.count)])\(1 + random.next(300))号"),
                                     "capacity": .number(String(30 + 10 * random.next(8))), "legalRepresentative": representative]),
                    ("registrar", market[d.region]!.json),
                    ("filingNo", .string("\(d.short)卫托备〔\(filed.year)〕\(records.count + 1)号")),
                    ("filedAt", .string(filed.description)),
                    ("authority", health[d.region]!.json),
                ]))
            }
        }

        // A few hundred inspections over the last two years.
        let findings: [(String, String, String)] = [
            ("video_retention", "监控录像保存不足90日", "major"), ("staff_ratio", "保育人员与婴幼儿配比不足", "major"),
            ("fire_exit", "消防通道堆放杂物", "critical"), ("food_sample", "食品留样记录不全", "minor"),
            ("health_certificate", "部分保育人员健康证过期", "major"), ("disinfection", "玩具消毒记录缺失", "minor"),
        ]
        var inspectionNumber = [String: Int]()
        for n in 0..<300 {
            let institution = institutions[random.next(institutions.count)]
            let d = institution.district
            let date = today.adding(months: -1 - random.next(23)).adding(days: -random.next(27))
            let roll = random.next(100)
            let result = roll < 75 ? "pass" : roll < 95 ? "rectification_required" : "fail"
            let key = "\(d.short)\(date.year)"
            inspectionNumber[key, default: 0] += 1
            var body = JSONObject([
                ("institution", ["name": .string(institution.name), "uscc": .string(institution.uscc)]),
                ("authority", health[d.region]!.json),
                ("inspectionNo", .string("\(d.short)卫检〔\(date.year)〕\(inspectionNumber[key]!)号")),
                ("inspectedAt", .string(date.description)),
                ("type", .string(["routine", "random", "joint", "complaint", "special"][n % 5])),
                ("areas", ["fire_safety", "food_safety", "hygiene", "security_video", "staffing"]),
                ("result", .string(result)),
                ("inspectors", [.string(DemoIdentifiers.name(&random)), .string(DemoIdentifiers.name(&random))]),
            ])
            if result != "pass" {
                let f = findings[random.next(findings.count)]
                body["findings"] = [["code": .string(f.0), "description": .string(f.1), "severity": .string(f.2)]]
                body["rectifyBy"] = .string(min(date.adding(months: 1), today).description)
            } else {
                body["findings"] = []
            }
            add(nil, health[d.region]!, .inspection, body)
        }

        // Penalties: institutions and staff; one will be revoked, one repaired.
        for n in 0..<20 {
            let institution = institutions[(n * 7) % institutions.count]
            let d = institution.district
            let date = today.adding(months: -(4 + random.next(20)))
            let authority = n % 4 == 3 ? market[d.region]! : health[d.region]!
            let fine = n % 3 != 0
            var body = JSONObject([
                ("party", n % 5 == 4
                    ? .object(JSONObject(DemoIdentifiers.partyPerson(institution.staff[0])))
                    : ["category": "organization", "name": .string(institution.name), "uscc": .string(institution.uscc),
                       "legalRepresentative": institution.representative]),
                ("decisionNo", .string("\(d.short)\(authority === market[d.region]! ? "市监" : "卫")罚〔\(date.year)〕\(n + 1)号")),
                ("violationType", .string(fine ? "未按规定配备安防监控设施" : "未按规定开展晨午检")),
                ("facts", .string(fine ? "经查，当事人监控录像保存不足90日，部分区域无监控覆盖。" : "经查，当事人未落实晨午检制度，记录缺失。")),
                ("basis", "《托育机构管理规范（试行）》及《浙江省托育机构管理办法》相关规定"),
                ("categories", fine ? ["warning", "fine"] : ["warning"]),
                ("content", .string(fine ? "警告，罚款人民币\(2000 * (1 + n % 5))元" : "警告")),
                ("decidedAt", .string(date.description)),
                ("publicUntil", .string(date.adding(years: 1).description)),
                ("authority", authority.json),
                ("dataSource", ["name": .string(authority.name), "uscc": .string(authority.uscc)]),
            ])
            if fine { body["fineAmount"] = .string(Amount.wan(yuan: 2000 * (1 + n % 5))) }
            add("penalty-\(n)", authority, .penalty, body)
        }

        // One institution ordered closed (责令关闭), so the public closure list and an
        // institution page with the status `closed` have something to show.
        do {
            let institution = institutions[institutions.count - 1]
            let d = institution.district
            let date = today.adding(months: -3)
            add("penalty-closure", health[d.region]!, .penalty, JSONObject([
                ("party", ["category": "organization", "name": .string(institution.name), "uscc": .string(institution.uscc),
                           "legalRepresentative": institution.representative]),
                ("decisionNo", .string("\(d.short)卫罚〔\(date.year)〕90号")),
                ("violationType", "未经备案擅自开展托育服务且拒不整改"),
                ("facts", "经查，当事人场所消防不合格，经责令整改后仍拒不整改，继续收托婴幼儿。"),
                ("basis", "《托育机构管理规范（试行）》及《浙江省托育机构管理办法》相关规定"),
                ("categories", ["warning", "closure"]),
                ("content", "警告，责令关闭"),
                ("decidedAt", .string(date.description)),
                ("publicUntil", .string(date.adding(years: 3).description)),
                ("authority", health[d.region]!.json),
                ("dataSource", ["name": .string(health[d.region]!.name), "uscc": .string(health[d.region]!.uscc)]),
            ]))
        }

        // Enforcement: a premises sealed after a failed fire inspection.
        for n in 0..<3 {
            let institution = institutions[(n * 11 + 5) % institutions.count]
            let d = institution.district
            let date = today.adding(months: -(2 + n * 3))
            add(nil, market[d.region]!, .enforcement, JSONObject([
                ("party", ["category": "organization", "name": .string(institution.name), "uscc": .string(institution.uscc),
                           "legalRepresentative": institution.representative]),
                ("decisionNo", .string("\(d.short)市监强〔\(date.year)〕\(n + 1)号")),
                ("measure", "seal"),
                ("facts", "消防通道堵塞且拒不整改，存在重大安全隐患。"),
                ("basis", "《中华人民共和国行政强制法》第九条"),
                ("decidedAt", .string(date.description)),
                ("authority", market[d.region]!.json),
            ]))
        }

        // The abuse case at an Ouhai institution: judgment, then both bans.
        let ouhai = districts.first { $0.pinyin == "ouhai" }!
        let scene = institutions.first { $0.district.region == ouhai.region }!
        let perpetrator = scene.staff[1], manager = scene.staff[2]
        let judged = today.adding(months: -5)
        add(nil, health[ouhai.region]!, .judgment, JSONObject([
            ("person", perpetrator), ("court", ["name": "温州市瓯海区人民法院", "uscc": .string(DemoIdentifiers.uscc(prefix: "11", region: ouhai.region, random: &random))]),
            ("caseNo", .string("（\(judged.year)）浙0304刑初\(100 + random.next(400))号")), ("offence", "虐待被监护、看护人罪"),
            ("sentence", "有期徒刑二年"), ("decidedAt", .string(judged.description)),
            ("practiceBanUntil", .string(judged.adding(years: 5).description)), ("authority", health[ouhai.region]!.json),
        ]))
        let banned = today.adding(months: -4)
        add("ban-perpetrator", health[ouhai.region]!, .ban, JSONObject([
            ("person", perpetrator), ("role", "perpetrator"), ("reason", "child_abuse"), ("scope", "lifetime"), ("until", .null),
            ("institution", ["name": .string(scene.name), "uscc": .string(scene.uscc)]),
            ("decisionNo", .string("瓯卫禁〔\(banned.year)〕1号")), ("decidedAt", .string(banned.description)),
            ("basis", "《温州市关于加快推进3岁以下婴幼儿照护服务发展的实施意见》：对虐童等行为零容忍，对相关个人和直接管理人员实行终身禁入"),
            ("facts", "当事人在看护过程中多次殴打婴幼儿，已被人民法院判处有期徒刑。"), ("authority", health[ouhai.region]!.json),
        ]))
        add("ban-manager", health[ouhai.region]!, .ban, JSONObject([
            ("person", manager), ("role", "responsible_manager"), ("reason", "child_abuse"), ("scope", "lifetime"), ("until", .null),
            ("institution", ["name": .string(scene.name), "uscc": .string(scene.uscc)]),
            ("decisionNo", .string("瓯卫禁〔\(banned.year)〕2号")), ("decidedAt", .string(banned.description)),
            ("basis", "《温州市关于加快推进3岁以下婴幼儿照护服务发展的实施意见》：对相关个人和直接管理人员实行终身禁入"),
            ("facts", "当事人作为直接管理人员，未履行监管职责，对虐童行为负有直接管理责任。"), ("authority", health[ouhai.region]!.json),
        ]))

        // Annual reviews: last year's for everyone; one institution fails two years running.
        let failing = institutions.first { $0.district.pinyin == "lucheng" }!
        for institution in institutions {
            let d = institution.district
            let years = institution.uscc == failing.uscc ? [today.year - 2, today.year - 1] : [today.year - 1]
            for year in years {
                let reviewed = LocalDate(year: year + 1, month: 1, day: 15)!
                guard reviewed <= today else { continue }
                var body = JSONObject([
                    ("institution", ["name": .string(institution.name), "uscc": .string(institution.uscc)]),
                    ("year", .number(String(year))),
                    ("result", .string(institution.uscc == failing.uscc ? "fail" : "pass")),
                    ("reviewedAt", .string(reviewed.description)),
                    ("authority", health[d.region]!.json),
                ])
                if institution.uscc == failing.uscc { body["notes"] = "保育人员配比不足，消防通道堵塞" }
                add(nil, health[d.region]!, .annualReview, body)
            }
        }

        // A penalty withdrawn for a data error, and another repaired early.
        let revoked = records.firstIndex { $0.label == "penalty-1" }!
        let repaired = records.firstIndex { $0.label == "penalty-2" }!
        for (label, kind, index) in [("revocation", RecordKind.revocation, revoked), ("credit-repair", RecordKind.creditRepair, repaired)] {
            let authority = records[index].authority
            let target = records[index].label!
            let decided = today.adding(months: -1)
            records.append(Record(label: label, authority: authority) { seqs in
                var body = JSONObject([
                    ("target", .number(String(seqs[target]!))),
                    ("decisionNo", .string("\(kind == .revocation ? "撤" : "信修")〔\(decided.year)〕\(index)号")),
                    ("decidedAt", .string(decided.description)),
                    ("authority", authority.json),
                ])
                if kind == .revocation {
                    body["reason"] = "data_error"
                    body["notes"] = "处罚决定书文号录入错误，撤销后重新登记"
                } else {
                    body["notes"] = "已完成整改并提交信用承诺书"
                    body["conditions"] = .array(RepairCondition.rawValues.map { .string($0) })
                }
                return ["kind": .string(kind.rawValue), "body": .object(body)]
            })
        }
        return DemoDataSet(authorities: authorities, records: records,
                           sampleInstitution: (scene.name, scene.uscc, scene.district.region))
    }
}

extension DemoDataSet.Authority {
    package static func === (a: Self, b: Self) -> Bool { a.uscc == b.uscc }
}

/// A small deterministic generator: the demo is the same every time.
package struct SplitMix64 {
    package var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    package mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Made-up identifiers with correct check characters.
package enum DemoIdentifiers {
    package static let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    package static func uscc(prefix: String, region: String, random: inout SplitMix64) -> String {
        var body = prefix + region
        for _ in 0..<9 { body.append(usccAlphabet[random.next(usccAlphabet.count)]) }
        return body + String(USCC.checkCharacter(for: body)!)
    }

    package static func name(_ random: inout SplitMix64) -> String {
        String(DemoDataSet.surnames[random.next(DemoDataSet.surnames.count)]) + DemoDataSet.givenNames[random.next(DemoDataSet.givenNames.count)]
    }

    package static func person(region: String, random: inout SplitMix64, today: LocalDate) -> JSONValue {
        let birth = LocalDate(year: today.year - 22 - random.next(30), month: 1 + random.next(12), day: 1 + random.next(28))!
        let digits = birth.description.replacingOccurrences(of: "-", with: "")
        let first17 = region + digits + String(format3(random.next(1000)))
        return ["name": .string(name(&random)), "idType": "resident_id", "idNumber": .string(first17 + String(ResidentID.checkCharacter(for: first17)!))]
    }

    package static func format3(_ n: Int) -> String { String(repeating: "0", count: 3 - String(n).count) + String(n) }

    package static func partyPerson(_ person: JSONValue) -> [(String, JSONValue)] {
        let p = person.objectValue!
        return [("category", "person"), ("name", p["name"]!), ("idType", p["idType"]!), ("idNumber", p["idNumber"]!)]
    }
}

extension LocalDate {
    package func adding(days: Int) -> LocalDate {
        var date = self
        var remaining = days
        while remaining < 0 {
            if date.day > 1 {
                date = LocalDate(year: date.year, month: date.month, day: date.day - 1)!
            } else {
                let previous = date.adding(months: -1)
                date = LocalDate(year: previous.year, month: previous.month, day: LocalDate.days(in: previous.month, of: previous.year))!
            }
            remaining += 1
        }
        return date
    }
}

extension Amount {
    /// 万元 as a decimal string: 2000 元 → "0.2".
    package static func wan(yuan: Int) -> String {
        let whole = yuan / 10_000, rest = yuan % 10_000
        guard rest != 0 else { return String(whole) }
        var fraction = String(repeating: "0", count: 4 - String(rest).count) + String(rest)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }
}
