import CreditRecords
@testable import BackgroundIndex

/// Dates in tests: "2026-11-22".
func day(_ text: String) -> LocalDate { LocalDate(iso: text)! }

/// The default "today" of the tables; `yesterday`/`tomorrow` are relative to it.
let today = day("2026-11-22")
let yesterday = "2026-11-21", todayText = "2026-11-22", tomorrow = "2026-11-23"

let authorityUSCC = "113303040025997855"
let authority: JSONValue = ["name": "温州市瓯海区卫生健康局", "uscc": .string(authorityUSCC), "region": "330304"]
let nurseryUSCC = "91330304MA2HXXXX1B"  // shape only: the index does not check digits
let otherNurseryUSCC = "52330304MJ0000000Y"

/// Two people with the same name, and others.
let alice = Subject(name: "王丽", idType: .residentId, number: "330327198507200714")
let aliceNamesake = Subject(name: "王丽", idType: .residentId, number: "110105194912310021")
let bob = Subject(name: "张伟", idType: .residentId, number: "11010519491231002X")
let foreigner = Subject(name: "John Smith", idType: .passport, number: "E12345678")

struct Subject: Sendable {
    var name: String
    var idType: IdType
    var number: String
    var key: PersonKey { PersonKey(idType: idType, number: number) }
    var json: JSONValue { ["name": .string(name), "idType": .string(idType.rawValue), "idNumber": .string(number)] }
    var party: JSONValue { ["category": "person", "name": .string(name), "idType": .string(idType.rawValue), "idNumber": .string(number)] }
}

/// A record as the tables write it: kind and body.
struct Rec: Sendable {
    var kind: RecordKind
    var body: JSONValue
    var envelope: Envelope {
        Envelope(kind: kind, body: body.objectValue!, submittedAt: "2026-11-22T08:00:00Z",
                 submittedBy: Submitter(principal: "insp-ouhai-01", authority: authorityUSCC), clientSignature: nil)
    }
}

func institution(_ uscc: String, name: String = "温州市瓯海区小星星托育有限公司") -> JSONValue { ["name": .string(name), "uscc": .string(uscc)] }

func organizationParty(_ uscc: String, representative: Subject, category: String = "organization") -> JSONValue {
    ["category": .string(category), "name": "温州市瓯海区小星星托育有限公司", "uscc": .string(uscc), "legalRepresentative": representative.json]
}

enum R {
    static func ban(_ who: Subject, until: String? = nil, role: String = "perpetrator", decided: String = "2026-06-01", at uscc: String = nurseryUSCC) -> Rec {
        Rec(kind: .ban, body: ["person": who.json, "role": .string(role), "reason": "child_abuse", "scope": until == nil ? "lifetime" : "until",
                               "until": until.map { .string($0) } ?? .null, "institution": institution(uscc),
                               "decisionNo": "瓯卫禁〔2026〕1号", "decidedAt": .string(decided), "basis": "…", "facts": "…", "authority": authority])
    }

    static func judgment(_ who: Subject, decided: String = "2026-08-01", practiceBanUntil: String? = nil) -> Rec {
        var o = JSONObject([("person", who.json), ("court", institution("11330304002599785X", name: "温州市瓯海区人民法院")),
                            ("caseNo", "（2026）浙0304刑初123号"), ("offence", "虐待被监护、看护人罪"), ("sentence", "有期徒刑二年"),
                            ("decidedAt", .string(decided)), ("authority", authority)])
        if let practiceBanUntil { o["practiceBanUntil"] = .string(practiceBanUntil) }
        return Rec(kind: .judgment, body: .object(o))
    }

    static func penalty(_ party: JSONValue, decided: String = "2026-05-20", validUntil: String? = nil, publicUntil: String? = nil) -> Rec {
        var o = JSONObject([("party", party), ("decisionNo", "瓯卫罚〔2026〕5号"), ("violationType", "未按规定配备安防监控"),
                            ("facts", "…"), ("basis", "…"), ("categories", ["warning"]), ("content", "警告"),
                            ("decidedAt", .string(decided)), ("authority", authority), ("dataSource", authority)])
        if let validUntil { o["validUntil"] = .string(validUntil) }
        if let publicUntil { o["publicUntil"] = .string(publicUntil) }
        return Rec(kind: .penalty, body: .object(o))
    }

    static func enforcement(_ party: JSONValue, decided: String = "2026-05-20") -> Rec {
        Rec(kind: .enforcement, body: ["party": party, "decisionNo": "瓯卫强〔2026〕2号", "measure": "seal", "facts": "…", "basis": "…",
                                       "decidedAt": .string(decided), "authority": authority])
    }

    static func filing(_ uscc: String, action: String = "filed", representative: Subject = alice, filed: String = "2026-03-01") -> Rec {
        Rec(kind: .institutionFiling, body: [
            "action": .string(action),
            "institution": ["name": "温州市瓯海区小星星托育有限公司", "uscc": .string(uscc), "region": "330304", "type": "for_profit",
                            "address": "瓯海区娄桥街道", "capacity": 60, "legalRepresentative": representative.json],
            "registrar": ["name": "温州市瓯海区市场监督管理局", "uscc": "11330304002599786X", "region": "330304"],
            "filingNo": "瓯卫托备〔2026〕12号", "filedAt": .string(filed), "authority": authority])
    }

    static func inspection(_ uscc: String, result: String = "pass") -> Rec {
        var o = JSONObject([("institution", institution(uscc)), ("authority", authority), ("inspectionNo", "瓯卫检〔2026〕88号"),
                            ("inspectedAt", "2026-05-10"), ("type", "random"), ("areas", ["fire_safety"]), ("result", .string(result)),
                            ("findings", []), ("inspectors", ["李明", "赵强"])])
        if result != "pass" { o["rectifyBy"] = "2026-06-10" }
        return Rec(kind: .inspection, body: .object(o))
    }

    static func review(_ uscc: String, year: Int64, passed: Bool) -> Rec {
        Rec(kind: .annualReview, body: ["institution": institution(uscc), "year": .number(String(year)), "result": passed ? "pass" : "fail",
                                        "reviewedAt": .string("\(year + 1)-01-15"), "authority": authority])
    }

    static func revocation(_ target: UInt64) -> Rec {
        Rec(kind: .revocation, body: ["target": .number(String(target)), "reason": "overturned_on_review", "decisionNo": "瓯卫撤〔2026〕1号",
                                      "decidedAt": "2026-09-01", "authority": authority])
    }

    static func repair(_ target: UInt64) -> Rec {
        Rec(kind: .creditRepair, body: ["target": .number(String(target)), "decisionNo": "瓯卫修〔2026〕1号", "decidedAt": "2026-09-01", "authority": authority])
    }
}

/// The log as the tests see it: envelopes by seq.
struct MemorySource: EnvelopeSource {
    var envelopes: [Envelope]
    func envelope(at seq: UInt64) throws -> Envelope {
        guard seq < UInt64(envelopes.count) else { throw Missing(seq: seq) }
        return envelopes[Int(seq)]
    }
    struct Missing: Error { var seq: UInt64 }
}

/// How a test feeds the index: canonical entry bytes (the fast scan, as at start-up) or
/// decoded envelopes (as the append path may).
enum Feed: String, CaseIterable, Sendable {
    case entryBytes, envelopes
}

func build(_ records: [Rec], feed: Feed = .entryBytes) throws -> (BackgroundIndex, MemorySource) {
    let index = BackgroundIndex()
    let envelopes = records.map(\.envelope)
    for (seq, envelope) in envelopes.enumerated() {
        switch feed {
        case .entryBytes: index.apply(seq: UInt64(seq), entry: try envelope.canonicalBytes())
        case .envelopes: index.apply(seq: UInt64(seq), envelope: envelope)
        }
    }
    return (index, MemorySource(envelopes: envelopes))
}
