import CareLedgerServer
import CreditRecords
import Foundation
import LedgerCore

// Issue 17 part 5's figure: request latency with 100,000 principals against 10, over HTTP
// (RELIABILITY.md "Least privilege", BENCHMARKS.md). `serve N PORT TOKENS` opens a service
// on a fresh data directory, bulk-loads N inspectors through the core
// (`Ledger.createPrincipals`: one file write, one principal-log batch), restarts it (timing
// the start with N principals), writes their tokens one a line and serves until killed.
// tools/principals-bench/side-by-side.sh runs two (10 and 100,000) and alternates wrk
// rounds against them. Run in release:
//   swift build -c release --product principals-bench
//   .build/release/principals-bench serve 100000 18502 /tmp/t100k.txt

let arguments = CommandLine.arguments
guard arguments.count == 5, arguments[1] == "serve", let count = Int(arguments[2]), count > 0, let port = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: principals-bench serve N PORT TOKENS-FILE\n".utf8))
    exit(2)
}
let tokensPath = arguments[4]
let directory = NSTemporaryDirectory() + "principals-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

var configuration = ServerConfiguration()
configuration.dataDirectory = directory + "/data"
configuration.host = "127.0.0.1"
configuration.port = port
// Out of the way: this measures the principal table, not the limits.
configuration.principalRate = RateLimit(burst: 1e9, perSecond: 1e9)
configuration.addressRate = RateLimit(burst: 1e9, perSecond: 1e9)

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

var server = try await LedgerServer.open(configuration: configuration)
let admin = server.ledger.principals.principal(id: ServerDataDirectory.adminId)!
let authority = Organization(name: "温州市瓯海区卫生健康局", uscc: "113303040025997855", region: "330304")
let specs = (0..<count).map { PrincipalStore.NewPrincipal(id: "bench-insp-\($0)", role: .inspector, authority: authority) }
var started = ContinuousClock.now
let created = try await server.ledger.createPrincipals(specs, by: admin)
let loaded = ContinuousClock.now - started
try await server.close()
started = ContinuousClock.now
server = try await LedgerServer.open(configuration: configuration)
let reopened = ContinuousClock.now - started
try (created.map(\.token).joined(separator: "\n") + "\n").write(toFile: tokensPath, atomically: true, encoding: .utf8)
// Written at once (not print's buffer): the script waits for this line in a file.
let line = String(format: "%d principals: bulk load %.2f s, start-up %.2f s, serving on 127.0.0.1:%d", count, seconds(loaded), seconds(reopened), port)
FileHandle.standardOutput.write(Data((line + " (data \(directory))\n").utf8))
try await server.run()
