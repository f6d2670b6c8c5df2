// load-records: fills a service data directory with N realistic record envelopes over P
// people, straight into the records log (no HTTP, no validation per record — a sample is
// validated), for the background-check benchmarks. Writes people.txt (idType idNumber name)
// beside it for the load generator. Usage:
//   load-records --data DIR [--records 1000000] [--people 300000] [--vault-key-file PATH]
import LedgerCore
import PersonalVault
import CreditRecords
import Foundation
import TransparencyLog

func argument(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

struct Generator {
    var state: UInt64 = 0x5EED
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

let regions = ["330302", "330303", "330304", "330305", "330324", "330326", "330327", "330328", "330329", "330381", "330382", "330383"]
let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许邓冯韩曹曾彭")
let given = ["丽", "敏", "静", "芳", "娜", "晓燕", "海燕", "建国", "伟", "强", "磊", "秀英", "佳怡", "子涵", "雨婷", "文博"]
let today = LocalDate.today()

func residentID(_ i: Int, _ g: inout Generator) -> String {
    let region = regions[i % regions.count]
    let birth = LocalDate(year: 1960 + g.next(45), month: 1 + g.next(12), day: 1 + g.next(28))!
    let digits = birth.description.filter { $0 != "-" }
    let sequence = String(format: "%03d", i % 1000)
    let first17 = region + digits + sequence
    return first17 + String(ResidentID.checkCharacter(for: first17)!)
}

func authority(_ region: String) -> JSONValue {
    let body = "11" + region + "MB1C24789"
    return ["name": .string("温州市\(region)卫生健康局"), "uscc": .string(body + String(USCC.checkCharacter(for: body)!)), "region": .string(region)]
}

func institution(_ n: Int) -> JSONValue {
    let body = "91" + regions[n % regions.count] + "MA" + String(format: "%07d", n)
    return ["name": .string("温州市示例托育有限公司\(n)"), "uscc": .string(body + String(USCC.checkCharacter(for: body)!))]
}

func record(_ k: Int, person: JSONValue, region: String, _ g: inout Generator) -> JSONValue {
    let decided = today.adding(months: -(1 + g.next(40)))
    let auth = authority(region)
    let roll = g.next(100)
    if roll < 2 {
        return ["kind": "ban", "body": ["person": person, "role": roll == 0 ? "perpetrator" : "responsible_manager", "reason": "child_abuse",
                                       "scope": "lifetime", "until": nil, "institution": institution(k % 5000),
                                       "decisionNo": .string("温卫禁〔\(decided.year)〕\(k)号"), "decidedAt": .string(decided.description),
                                       "basis": "对虐童等行为零容忍，对相关个人和直接管理人员实行终身禁入", "facts": "当事人在看护过程中殴打婴幼儿。", "authority": auth]]
    }
    if roll < 6 {
        return ["kind": "judgment", "body": ["person": person, "court": ["name": "温州市人民法院", "uscc": auth.objectValue!["uscc"]!],
                                            "caseNo": .string("（\(decided.year)）浙03刑初\(k)号"), "offence": "虐待被监护、看护人罪",
                                            "sentence": "有期徒刑一年", "decidedAt": .string(decided.description), "authority": auth]]
    }
    if roll < 20 {
        return ["kind": "inspection", "body": ["institution": institution(k % 5000), "authority": auth,
                                              "inspectionNo": .string("温卫检〔\(decided.year)〕\(k)号"), "inspectedAt": .string(decided.description),
                                              "type": "random", "areas": ["fire_safety", "hygiene"], "result": "pass", "findings": [], "inspectors": ["李明", "赵强"]]]
    }
    let p = person.objectValue!
    return ["kind": "penalty", "body": ["party": ["category": "person", "name": p["name"]!, "idType": p["idType"]!, "idNumber": p["idNumber"]!],
                                       "decisionNo": .string("温卫罚〔\(decided.year)〕\(k)号"), "violationType": "未按规定进行健康检查上岗",
                                       "facts": "当事人未取得健康合格证明即从事婴幼儿照护工作，经责令改正后仍未改正。",
                                       "basis": "《托育机构管理规范（试行）》第十九条", "categories": ["warning", "fine"], "content": "警告，罚款人民币2000元",
                                       "fineAmount": "0.2", "decidedAt": .string(decided.description), "authority": auth,
                                       "dataSource": ["name": auth.objectValue!["name"]!, "uscc": auth.objectValue!["uscc"]!]]]
}

let data = argument("data", "/tmp/careledger-checks/data")
let total = Int(argument("records", "1000000"))!
let peopleCount = Int(argument("people", "300000"))!
try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
_ = try ServerDataDirectory(data).bootstrap(origin: "careledger.local/records")
// With --vault-key-file the records are sealed as the service seals them (personal parts in
// the file vault, leaves holding the public view and a commitment), so the checks benchmark
// measures the service as it runs; without it, legacy v1 entries (the figures before issue 15).
let vaultKeyFile = CommandLine.arguments.contains("--vault-key-file") ? argument("vault-key-file", "") : nil
let sealer: SealedEntries? = try vaultKeyFile.map { path in
    let keys = try VaultKeyFile.load(.file(path), dataDirectory: data).keys
    return SealedEntries(vault: try FileVault.open(directory: data + "/vault", keys: keys))
}
var options = TransparencyLog.Options()
if let sealer { options.beforeCommit = { try sealer.vault.sync() } }
let log = try TransparencyLog.open(directory: ServerDataDirectory(data).records, options: options)
guard log.size == 0 else { fatalError("\(data) already holds records") }

var g = Generator()
var people = [(JSONValue, String)]()
var lines = [String]()
for i in 0..<peopleCount {
    let name = String(surnames[g.next(surnames.count)]) + given[g.next(given.count)]
    let id = residentID(i, &g)
    people.append((["name": .string(name), "idType": "resident_id", "idNumber": .string(id)], regions[i % regions.count]))
    lines.append("resident_id \(id) \(name)")
}
// It lists ID numbers, so it is as private as the rest of the data directory (serve refuses a
// directory holding anything group or others can read).
try (lines.joined(separator: "\n") + "\n").write(toFile: data + "/people.txt", atomically: true, encoding: .utf8)
try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: data + "/people.txt")

let registry = RecordRegistry()
let started = Date()
var batch = [[UInt8]]()
var appended = 0
for k in 0..<total {
    let (person, region) = people[g.next(peopleCount)]
    let document = record(k, person: person, region: region, &g)
    let object = document.objectValue!
    if k < 500 {
        // Spot-check that the generator makes records the service would accept.
        if case .failure(let failure) = RecordValidator.validate(document, context: ValidationContext(today: today, lookup: registry)) {
            fatalError("generated record \(k) is invalid: \(failure.errors)")
        }
    }
    let envelope = Envelope(kind: RecordKind(rawValue: object["kind"]!.stringValue!)!, body: object["body"]!.objectValue!,
                            submittedAt: "2026-11-23T00:00:00Z", submittedBy: Submitter(principal: "loader", authority: nil), clientSignature: nil)
    if let sealer {
        let owner = RecordSubjects.owner(kind: envelope.kind, body: envelope.body) ?? .organization(uscc: "loader")
        batch.append(try sealer.seal(envelope, owner: owner, mentions: RecordSubjects.people(in: envelope.body)).leaf)
    } else {
        batch.append(try envelope.canonicalBytes())
    }
    if batch.count == 4096 || k == total - 1 {
        appended += try await log.append(contentsOf: batch).count
        batch.removeAll(keepingCapacity: true)
    }
}
try await log.close()
// As the service leaves it at a clean stop: the vault's open index (FileVault+Index.swift).
try (sealer?.vault as? FileVault)?.writeOpenIndex()
print(String(format: "loaded %d records over %d people into %@ in %.1f s", appended, peopleCount, data, Date().timeIntervalSince(started)))
