// index-bench: the BackgroundIndex figures of the issue, on generated data.
//
//   swift build -c release --product index-bench && .build/release/index-bench [records] [people]
//
// Generates `records` (default 1,000,000) realistic canonical envelopes naming `people`
// (default 300,000) people and 20,000 institutions — penalties, enforcement, judgments, bans,
// filings, inspections, annual reviews, revocations and credit repairs — then measures a full
// rebuild from in-memory entry bytes, snapshot write, snapshot load + replay of a 1% tail,
// lookups, and the resident memory the index adds per record. One line per figure.

import BackgroundIndex
import CreditRecords
import LedgerCrypto
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let recordCount = arguments.count > 1 ? Int(arguments[1])! : 1_000_000
let peopleCount = arguments.count > 2 ? Int(arguments[2])! : 300_000
let institutionCount = 20_000

/// A small deterministic generator (SplitMix64).
struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

let regions = ["330304", "330302", "330303", "120110", "610802", "350102"]
let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"]
let givens = ["丽", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "军"]
let idTypes: [(String, Int)] = [("resident_id", 94), ("passport", 3), ("hk_macau_permit", 1), ("taiwan_permit", 1), ("foreign_permanent_resident_id", 1)]

func personNumber(_ i: Int) -> (type: String, number: String) {
    let r = i % 100
    let region = regions[i % regions.count]
    if r < 94 {
        let check = i % 11 == 10 ? "X" : String(i % 11)
        return ("resident_id", region + pad(i, 11) + check)  // unique per person; the shape, not the date or check digit, is real
    }
    if r < 97 { return ("passport", "E" + pad(i, 8)) }
    if r < 98 { return ("hk_macau_permit", "H" + pad(i, 8)) }
    if r < 99 { return ("taiwan_permit", pad(i, 8)) }
    return ("foreign_permanent_resident_id", "9" + region + pad(i, 11))
}

func personJSON(_ i: Int) -> String {
    let (type, number) = personNumber(i)
    return #"{"idNumber":"\#(number)","idType":"\#(type)","name":"\#(surnames[i % 10])\#(givens[(i / 10) % 12])"}"#
}

func uscc(_ i: Int) -> String { "9133" + pad(i % 10000, 4) + "MA" + pad(i, 7) + "A" }

func authority(_ i: Int) -> String {
    let region = regions[i % regions.count]
    return #"{"name":"温州市瓯海区卫生健康局","region":"\#(region)","uscc":"11\#(region)00259978\#(pad(i % 100, 2))"}"#
}

func date(_ rng: inout Rng, from year: Int = 2019) -> String {
    "\(year + rng.below(2026 - year))-\(pad(1 + rng.below(12), 2))-\(pad(1 + rng.below(28), 2))"
}

let envelopeTail = #","submittedAt":"2026-11-22T08:00:00Z","submittedBy":{"authority":"113303040025997855","principal":"insp-ouhai-01"},"v":1}"#

func envelope(_ kind: String, _ body: String) -> [UInt8] {
    Array(#"{"body":\#(body),"kind":"\#(kind)""#.utf8) + Array(envelopeTail.utf8)
}

func org(_ i: Int, category: String = "organization") -> String {
    #"{"category":"\#(category)","legalRepresentative":\#(personJSON(peopleCount + i)),"name":"温州市瓯海区小星星托育有限公司\#(i)","uscc":"\#(uscc(i))"}"#
}

func party(_ p: Int) -> String {
    let (type, number) = personNumber(p)
    return #"{"category":"person","idNumber":"\#(number)","idType":"\#(type)","name":"\#(surnames[p % 10])\#(givens[(p / 10) % 12])"}"#
}

func generate() -> [[UInt8]] {
    var rng = Rng(state: 42)
    var out: [[UInt8]] = []
    out.reserveCapacity(recordCount)
    var revocable: [Int] = []
    var repairable: [Int] = []
    while out.count < recordCount {
        let seq = out.count
        let roll = rng.below(100)
        let p = rng.below(peopleCount)
        let inst = rng.below(institutionCount)
        let a = authority(rng.below(1000))
        let decided = date(&rng)
        switch roll {
        case 0..<30:
            let publicUntil = rng.below(2) == 0 ? #","publicUntil":"\#(decided.prefix(4).description == "2019" ? "2021" : "2027")-06-30""# : ""
            out.append(envelope("penalty", #"{"authority":\#(a),"basis":"《托育机构管理规范（试行）》第二十一条","categories":["warning","fine"],"content":"警告，罚款人民币2000元","dataSource":\#(a),"decidedAt":"\#(decided)","decisionNo":"瓯卫罚〔2026〕\#(seq)号","facts":"当事人未取得保健人员培训合格证明，在托育机构从事保健工作。","fineAmount":"0.2","party":\#(party(p))\#(publicUntil),"validUntil":"\#(decided)","violationType":"未取得相应资格从事婴幼儿保健工作"}"#))
            repairable.append(seq); revocable.append(seq)
        case 30..<40:
            out.append(envelope("penalty", #"{"authority":\#(a),"basis":"《托育机构管理规范（试行）》第三十条","categories":["warning"],"content":"警告","dataSource":\#(a),"decidedAt":"\#(decided)","decisionNo":"瓯卫罚〔2026〕\#(seq)号","facts":"未按规定配备安防监控，监控录像保存不足90日。","party":\#(org(inst, category: rng.below(5) == 0 ? "individual_business" : "organization")),"violationType":"未按规定配备安防监控"}"#))
            revocable.append(seq)
        case 40..<45:
            out.append(envelope("enforcement", #"{"authority":\#(a),"basis":"《中华人民共和国行政强制法》第二十二条","decidedAt":"\#(decided)","decisionNo":"瓯卫强〔2026〕\#(seq)号","facts":"涉嫌使用过期食品原料。","measure":"seal","party":\#(party(p))}"#))
            repairable.append(seq)
        case 45..<50:
            let ban = rng.below(2) == 0 ? #","practiceBanUntil":"2031-08-01""# : ""
            out.append(envelope("judgment", #"{"authority":\#(a),"caseNo":"（2026）浙0304刑初\#(seq)号","court":{"name":"温州市瓯海区人民法院","uscc":"11330304002599785X"},"decidedAt":"\#(decided)","offence":"虐待被监护、看护人罪","person":\#(personJSON(p))\#(ban),"sentence":"有期徒刑二年"}"#))
        case 50..<55:
            let scope = rng.below(3) == 0 ? #""scope":"until","until":"2030-06-01""# : #""scope":"lifetime","until":null"#
            out.append(envelope("ban", #"{"authority":\#(a),"basis":"《托育机构管理规范（试行）》第四十条","decidedAt":"\#(decided)","decisionNo":"瓯卫禁〔2026〕\#(seq)号","facts":"在托育服务中殴打婴幼儿，情节恶劣。","institution":{"name":"温州市瓯海区小星星托育有限公司","uscc":"\#(uscc(inst))"},"person":\#(personJSON(p)),"reason":"child_abuse","role":"\#(rng.below(4) == 0 ? "responsible_manager" : "perpetrator")",\#(scope)}"#))
            revocable.append(seq)
        case 55..<62:
            out.append(envelope("institution_filing", #"{"action":"\#(rng.below(20) == 0 ? "deregistered" : "filed")","authority":\#(a),"filedAt":"\#(decided)","filingNo":"瓯卫托备〔2026〕\#(seq)号","institution":{"address":"温州市瓯海区娄桥街道古岸头村","capacity":60,"legalRepresentative":\#(personJSON(peopleCount + inst)),"name":"温州市瓯海区小星星托育有限公司\#(inst)","region":"330304","type":"for_profit","uscc":"\#(uscc(inst))"},"registrar":{"name":"温州市瓯海区市场监督管理局","region":"330304","uscc":"11330304002599786X"}}"#))
        case 62..<85:
            let pass = rng.below(3) != 0
            let rest = pass ? #""findings":[],"# : #""findings":[{"code":"video_retention","description":"监控录像保存不足90日","severity":"major"}],"rectifyBy":"2026-12-31","#
            out.append(envelope("inspection", #"{"areas":["fire_safety","food_safety","security_video"],"authority":\#(a),\#(rest)"inspectedAt":"\#(decided)","inspectionNo":"瓯卫检〔2026〕\#(seq)号","inspectors":["李明","赵强"],"institution":{"name":"温州市瓯海区小星星托育有限公司\#(inst)","uscc":"\#(uscc(inst))"},"result":"\#(pass ? "pass" : "rectification_required")","type":"random"}"#))
        case 85..<95:
            out.append(envelope("annual_review", #"{"authority":\#(a),"institution":{"name":"温州市瓯海区小星星托育有限公司\#(inst)","uscc":"\#(uscc(inst))"},"notes":"","result":"\#(rng.below(5) == 0 ? "fail" : "pass")","reviewedAt":"\#(decided)","year":\#(decided.prefix(4))}"#))
        case 95..<98:
            guard !revocable.isEmpty else { continue }
            let target = revocable.remove(at: rng.below(revocable.count))
            out.append(envelope("revocation", #"{"authority":\#(a),"decidedAt":"2026-09-01","decisionNo":"瓯卫撤〔2026〕\#(seq)号","notes":"","reason":"overturned_on_review","target":\#(target)}"#))
        default:
            guard !repairable.isEmpty else { continue }
            let target = repairable.remove(at: rng.below(repairable.count))
            out.append(envelope("credit_repair", #"{"authority":\#(a),"decidedAt":"2026-09-01","decisionNo":"瓯卫修〔2026〕\#(seq)号","target":\#(target)}"#))
        }
    }
    return out
}

/// Resident set size from /proc/self/statm (its second field, in pages).
func residentBytes() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = read(fd, &buffer, buffer.count)
    guard n > 0 else { return 0 }
    let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ")
    guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

struct BytesSource: EnvelopeSource {
    let entries: [[UInt8]]
    func envelope(at seq: UInt64) throws -> Envelope { try Envelope.decode(entries[Int(seq)]) }
}

let clock = ContinuousClock()
var start = clock.now
let entries = generate()
let totalBytes = entries.reduce(0) { $0 + $1.count }
print("generated: \(entries.count) records, \(totalBytes / entries.count) bytes/record average, \(format3(seconds(clock.now - start))) s")

func format3(_ x: Double) -> String {
    let scaled = (x * 1000).rounded() / 1000
    return String(scaled)
}

func chunks(_ s: UInt64, _ n: Int) -> [[UInt8]] { Array(entries[Int(s)..<min(entries.count, Int(s) + n)]) }

// `index-bench N P rebuild`: rebuilds only, five times (for a profiler).
if arguments.count > 3 && arguments[3] == "rebuild" {
    for _ in 0..<5 {
        start = clock.now
        let i = try BackgroundIndex.rebuild(size: UInt64(entries.count), entries: chunks, progress: nil)
        print("rebuild: \(Int(Double(entries.count) / seconds(clock.now - start))) records/s, \(i.stats.records) records")
    }
    exit(0)
}

// Memory: resident set before and after building one index (the entries stay resident throughout).
let rssBefore = residentBytes()
start = clock.now
let index = try BackgroundIndex.rebuild(size: UInt64(entries.count), entries: chunks, progress: nil)
let rebuildTime = seconds(clock.now - start)
let rssAfter = residentBytes()
let stats = index.stats
print("rebuild: \(Int(Double(entries.count) / rebuildTime)) records/s (\(format3(rebuildTime)) s for \(entries.count))")
print("index: \(stats.people) people, \(stats.institutions) institutions, \(stats.records) records")
print("memory: \(Int(Double(rssAfter - rssBefore) / Double(entries.count))) bytes/record RSS (\((rssAfter - rssBefore) / 1_048_576) MiB for \(entries.count))")

// Snapshot of all but the last 1%, then start-up = load + replay of that tail.
let tail = max(1, entries.count / 100)
let head = try BackgroundIndex.rebuild(size: UInt64(entries.count - tail), entries: chunks, progress: nil)
let path = "/tmp/index-bench-\(getpid()).snapshot"
defer { unlink(path) }
let root = SHA256.hash("bench root")
start = clock.now
try head.writeSnapshot(to: path, rootHash: root)
print("snapshot write: \(format3(seconds(clock.now - start))) s")
start = clock.now
let (restored, problem) = try BackgroundIndex.restore(snapshotAt: path, logSize: UInt64(entries.count), rootAt: { _ in root }, entries: chunks)
let startup = seconds(clock.now - start)
precondition(problem == nil, problem ?? "")
precondition(restored.stats == stats)
print("start-up (snapshot load + \(tail)-entry tail replay): \(format3(startup)) s")

// Lookups: full checks (status + findings read back from the entries) and status only.
let source = BytesSource(entries: entries)
let today = LocalDate(year: 2026, month: 11, day: 22)!
var rng = Rng(state: 7)
var counts: [PersonStatus: Int] = [:]
let lookups = 200_000
start = clock.now
for _ in 0..<lookups {
    let (type, number) = personNumber(rng.below(peopleCount))
    let answer = try index.person(PersonKey(idType: IdType(rawValue: type)!, number: number), today: today, source: source)
    counts[answer.status, default: 0] += 1
}
let lookupTime = seconds(clock.now - start)
print("lookups (with findings): \(Int(Double(lookups) / lookupTime))/s — barred \(counts[.barred] ?? 0), records_found \(counts[.recordsFound] ?? 0), clear \(counts[.clear] ?? 0)")
start = clock.now
var barred = 0
for _ in 0..<lookups {
    let (type, number) = personNumber(rng.below(peopleCount))
    if index.status(of: PersonKey(idType: IdType(rawValue: type)!, number: number), today: today) == .barred { barred += 1 }
}
print("lookups (status only): \(Int(Double(lookups) / seconds(clock.now - start)))/s")
start = clock.now
var disclosed = 0
for _ in 0..<20_000 {
    if let d = try index.institution(uscc: uscc(rng.below(institutionCount)), today: today, source: source) { disclosed += d.inspections.count }
}
print("institution disclosures: \(Int(20_000 / seconds(clock.now - start)))/s")
