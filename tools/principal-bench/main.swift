import CreditRecords
import Foundation
import LedgerCore
import LedgerCrypto

// Issue 17's figure: what authenticating a request costs with 10 and with 100,000 principals
// (RELIABILITY.md "Least privilege"). Per request the service hashes the token, finds the
// principal by that hash, compares in constant time and takes a rate-limit token; this times
// exactly that path through `PrincipalStore.authenticate` and `RateLimiter.take`, loaded from
// a real principals file. Run in release:
//   swift run -c release principal-bench [requests]
// `principal-bench add-inspectors DATA N TOKENS` adds N inspectors to a stopped service's
// principals.json and writes their tokens, one a line, for the HTTP figure (wrk with
// tools/principal-bench/random-token.lua; RELIABILITY.md "Least privilege").

struct File: Codable {
    var format = 1
    var principals: [Principal]
}

if CommandLine.arguments.count == 5, CommandLine.arguments[1] == "add-inspectors", let count = Int(CommandLine.arguments[3]) {
    let path = CommandLine.arguments[2] + "/principals.json"
    var file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    var tokens = [String]()
    for i in 0..<count {
        let token = BearerToken.generate()
        tokens.append(token)
        file.principals.append(Principal(id: "bench-insp-\(i)", role: .inspector,
                                         authority: Organization(name: "温州市瓯海区卫生健康局", uscc: "113303040025997855", region: "330304"),
                                         institution: nil, publicKey: nil, tokenSHA256: BearerToken.hash(token).hex,
                                         createdAt: "2026-01-01T00:00:00Z", expiresAt: "2099-01-01T00:00:00Z"))
    }
    try JSONEncoder().encode(file).write(to: URL(fileURLWithPath: path))
    try (tokens.joined(separator: "\n") + "\n").write(toFile: CommandLine.arguments[4], atomically: true, encoding: .utf8)
    exit(0)
}

let requests = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
let directory = NSTemporaryDirectory() + "principal-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

func store(count: Int) throws -> (PrincipalStore, [String]) {
    var tokens = [String]()
    var principals = [Principal]()
    for i in 0..<count {
        let token = BearerToken.generate()
        tokens.append(token)
        principals.append(Principal(id: "inst-\(i)", role: .institution, authority: nil,
                                    institution: Organization(name: "托育机构\(i)", uscc: "91330304MA2J7K8L10", region: nil),
                                    publicKey: nil, tokenSHA256: BearerToken.hash(token).hex, createdAt: "2026-01-01T00:00:00Z",
                                    expiresAt: "2099-01-01T00:00:00Z"))
    }
    let path = directory + "/principals-\(count).json"
    try JSONEncoder().encode(File(principals: principals)).write(to: URL(fileURLWithPath: path))
    return (try PrincipalStore.load(path: path)!, tokens)
}

func measure(count: Int) throws -> [Double] {
    let (principals, tokens) = try store(count: count)
    let limiter = RateLimiter(RateLimit(burst: 1e12, perSecond: 1e12))
    let now = "2026-12-06T00:00:00Z"
    var rng = SystemRandomNumberGenerator()
    var samples = [Double]()
    samples.reserveCapacity(requests)
    for _ in 0..<requests {
        let token = tokens[Int.random(in: 0..<tokens.count, using: &rng)]
        let started = ContinuousClock.now
        guard let principal = principals.authenticate(token: token, now: now), limiter.take(principal.id) == nil else {
            fatalError("a valid token was refused")
        }
        let elapsed = ContinuousClock.now - started
        samples.append(Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9)
    }
    return samples.sorted()
}

func report(_ count: Int, _ s: [Double]) -> Double {
    let mean = s.reduce(0, +) / Double(s.count)
    func q(_ p: Double) -> Double { s[min(s.count - 1, Int(Double(s.count) * p))] }
    print(String(format: "%7d principals: mean %6.0f ns  p50 %6.0f ns  p99 %6.0f ns  (%d requests)", count, mean, q(0.5), q(0.99), s.count))
    return q(0.5)
}

// Warm up once, then the two sizes, twice each in alternation so drift shows.
_ = try measure(count: 10)
var small = [Double]()
var large = [Double]()
for _ in 0..<2 {
    small.append(report(10, try measure(count: 10)))
    large.append(report(100_000, try measure(count: 100_000)))
}
let ratio = (large.reduce(0, +) / 2) / (small.reduce(0, +) / 2)
print(String(format: "p50 with 100,000 principals / p50 with 10: %.3f", ratio))
