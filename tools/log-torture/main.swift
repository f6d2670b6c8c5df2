// log-torture --data DIR --acks FILE [--appenders 8] [--entries-per-segment 256]
//
// Child process of the crash tests: creates the log in DIR if there is none (origin
// "torture.example/log"), opens it and appends forever from several concurrent tasks, until
// it is killed. Each entry is generated from a 64-bit seed (`TortureEntry.bytes(seed:)`);
// after each acknowledged append it writes "seq seed leafhash-hex\n" to FILE with one
// write(2) on an O_APPEND descriptor, so a SIGKILL never loses an acknowledged line and a
// partial last line can only follow an append that was really acknowledged.
#if canImport(Glibc)
import Glibc
#endif
import LedgerCrypto
import TransparencyLog

/// The entry for a seed: mostly 0–2,000 bytes, one in 64 up to 65,535. The crash test
/// carries a copy of this function; the two must stay identical.
enum TortureEntry {
    static func bytes(seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {  // splitmix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let pick = next()
        let count = pick % 64 == 0 ? Int(next() % 65_536) : Int(next() % 2_001)
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            withUnsafeBytes(of: next()) { out += $0.prefix(count - out.count) }
        }
        return out
    }
}

func fail(_ message: String) -> Never {
    let line = Array("log-torture: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

var arguments = [String: String]()
var rest = CommandLine.arguments.dropFirst()
while let flag = rest.popFirst() {
    guard flag.hasPrefix("--"), let value = rest.popFirst() else { fail("usage: log-torture --data DIR --acks FILE [--appenders 8] [--entries-per-segment 256]") }
    arguments[String(flag.dropFirst(2))] = value
}
guard let data = arguments["data"], let acksPath = arguments["acks"] else { fail("--data and --acks are required") }
let appenders = Int(arguments["appenders"] ?? "8") ?? 8
let entriesPerSegment = UInt64(arguments["entries-per-segment"] ?? "256") ?? 256

do {
    if access(data + "/log.json", F_OK) != 0 {
        // A kill during create leaves no log.json, so the next run simply creates again.
        try TransparencyLog.create(directory: data, origin: "torture.example/log", entriesPerSegment: entriesPerSegment)
    }
} catch {
    fail("create \(data): \(error)")
}
let log: TransparencyLog
do { log = try TransparencyLog.open(directory: data) } catch { fail("open \(data): \(error)") }

let acks = open(acksPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
guard acks >= 0 else { fail("open \(acksPath): errno \(errno)") }

// Seeds differ between runs (a fresh random base) and between appenders.
let base = UInt64.random(in: 0...UInt64.max)
let parent = getppid()
await withTaskGroup(of: Void.self) { group in
    for appender in 0..<appenders {
        group.addTask {
            var counter: UInt64 = 0
            // A test runner that crashes never kills its child: reparented, it stops instead
            // of appending on.
            while getppid() == parent {
                let seed = base &+ (UInt64(appender) << 48) &+ counter
                counter += 1
                do {
                    let receipt = try await log.append(TortureEntry.bytes(seed: seed))
                    let line = Array("\(receipt.seq) \(seed) \(receipt.leafHash.hex)\n".utf8)
                    let written = line.withUnsafeBytes { write(acks, $0.baseAddress, $0.count) }
                    if written != line.count { fail("write \(acksPath): \(written) of \(line.count) bytes, errno \(errno)") }
                } catch {
                    fail("append: \(error)")
                }
            }
        }
    }
}
