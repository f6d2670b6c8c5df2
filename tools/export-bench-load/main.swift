// export-bench-load: fills a data directory's records log with N mixed records for the
// export benchmark (BENCHMARKS.md, "Export — issue 5"): penalties of every party category,
// bans, inspections, enforcement, revocations and credit repairs of earlier records, and
// the kinds that are not exported (judgments, filings, annual reviews). Records are made
// from the valid examples in schemas/examples/valid with fresh document numbers and ID
// numbers; a sample is validated. Usage:
//   export-bench-load --data DIR [--records 1000000] [--examples schemas/examples/valid]
import CreditRecords
import Foundation
import TransparencyLog

func argument(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

struct Generator {
    var state: UInt64 = 0xE4_0057
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

let data = argument("data", "/tmp/careledger-export-bench/data")
let total = Int(argument("records", "1000000"))!
let examples = argument("examples", "schemas/examples/valid")
func template(_ name: String) -> JSONObject {
    let bytes = Array(FileManager.default.contents(atPath: "\(examples)/\(name).json")!)
    return try! JSONParser.parse(bytes).objectValue!
}
// Weighted: mostly penalties and inspections, a few bans and enforcement, some not exported.
let mix: [(String, Int)] = [
    ("penalty-organization", 18), ("penalty-person", 14), ("penalty-individual-business", 8), ("penalty-foreign-person", 2),
    ("inspection-pass", 14), ("inspection-rectification", 10), ("enforcement-seal", 6), ("ban-lifetime", 3), ("ban-until-manager", 2),
    ("judgment-practice-ban", 4), ("institution_filing-filed", 4), ("annual_review-fail", 3),
    ("revocation", 8), ("credit_repair", 4),
]
let templates = Dictionary(uniqueKeysWithValues: mix.map { $0.0 }.filter { !["revocation", "credit_repair"].contains($0) }.map { ($0, template($0)) })
let revocation = template("revocation-data-error")
let weights = mix.flatMap { Array(repeating: $0.0, count: $0.1) }

func residentID(_ g: inout Generator) -> String {
    let first17 = "330304" + String(1960 + g.next(45)) + String(format: "%02d%02d", 1 + g.next(12), 1 + g.next(28)) + String(format: "%03d", g.next(1000))
    return first17 + String(ResidentID.checkCharacter(for: first17)!)
}

/// Replaces every resident ID number in `value` with a fresh one and every document number with a unique one.
func vary(_ value: JSONValue, _ k: Int, _ g: inout Generator) -> JSONValue {
    switch value {
    case .object(var o):
        for key in o.keys {
            let v = o[key]!
            if key == "idNumber", o["idType"] == .string("resident_id") { o[key] = .string(residentID(&g)) }
            else if ["decisionNo", "inspectionNo", "filingNo", "caseNo"].contains(key), let text = v.stringValue { o[key] = .string(text.replacingOccurrences(of: "号", with: "-\(k)号")) }
            else { o[key] = vary(v, k, &g) }
        }
        return .object(o)
    case .array(let a): return .array(a.map { vary($0, k, &g) })
    default: return value
    }
}

try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
let logDirectory = data + "/records"
if !FileManager.default.fileExists(atPath: logDirectory + "/log.json") {
    try TransparencyLog.create(directory: logDirectory, origin: "careledger.local/records")
}
let log = try TransparencyLog.open(directory: logDirectory)
guard log.size == 0 else { fatalError("\(logDirectory) already holds records") }

var g = Generator()
var exportable = [UInt64]()   // seqs a revocation or repair may target
var repairable = [UInt64]()   // not bans
let started = Date()
var batch = [[UInt8]]()
var appended = 0
for k in 0..<total {
    var name = weights[g.next(weights.count)]
    if (name == "revocation" || name == "credit_repair") && repairable.isEmpty { name = "inspection-pass" }
    var document: JSONObject
    switch name {
    case "revocation", "credit_repair":
        let pool = name == "revocation" && !exportable.isEmpty ? exportable : repairable
        let target = pool[g.next(pool.count)]
        var body = revocation["body"]!.objectValue!
        body["target"] = .number(String(target))
        body["decisionNo"] = .string("瓯卫撤〔2026〕\(k)号")
        if name == "credit_repair" { body["reason"] = nil; body["notes"] = nil; body["decidedAt"] = "2026-10-01" }
        document = JSONObject([("kind", .string(name)), ("body", .object(body))])
    default:
        document = vary(.object(templates[name]!), k, &g).objectValue!
        if name.hasPrefix("penalty") || name.hasPrefix("inspection") || name.hasPrefix("enforcement") { repairable.append(UInt64(k)) }
        if name.hasPrefix("penalty") || name.hasPrefix("inspection") || name.hasPrefix("enforcement") || name.hasPrefix("ban") { exportable.append(UInt64(k)) }
    }
    if k < 300 && !["revocation", "credit_repair"].contains(name) {
        if case .failure(let failure) = RecordValidator.validate(.object(document), context: ValidationContext(today: LocalDate.today(), lookup: RecordRegistry())) {
            fatalError("generated record \(k) (\(name)) is invalid: \(failure.errors)")
        }
    }
    let envelope = Envelope(kind: RecordKind(rawValue: document["kind"]!.stringValue!)!, body: document["body"]!.objectValue!,
                            submittedAt: "2026-11-23T00:00:00Z", submittedBy: Submitter(principal: "loader", authority: nil), clientSignature: nil)
    batch.append(try envelope.canonicalBytes())
    if batch.count == 4096 || k == total - 1 {
        appended += try await log.append(contentsOf: batch).count
        batch.removeAll(keepingCapacity: true)
    }
}
try await log.close()
print(String(format: "loaded %d mixed records into %@ in %.1f s", appended, logDirectory, Date().timeIntervalSince(started)))
