// log-bench: the TransparencyLog figures of BENCHMARKS.md, measured in-process in a release
// build. See tools/bench-log.sh for the full run and BENCHMARKS.md for results.
import Foundation
import LedgerCrypto
import LedgerTestSupport
import TransparencyLog

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func argument(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

func entry(_ n: UInt64, size: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: size)
    var x = n &* 0x9E37_79B9_7F4A_7C15 | 1
    for i in stride(from: 0, to: size, by: 8) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        withUnsafeBytes(of: x) { b in for j in 0..<min(8, size - i) { out[i + j] = b[j] } }
    }
    return out
}

func openOrCreate(_ dir: String) throws -> TransparencyLog {
    if !FileManager.default.fileExists(atPath: dir + "/log.json") {
        try TransparencyLog.create(directory: dir, origin: "bench.example/log")
    }
    return try TransparencyLog.open(directory: dir)
}

func directoryBytes(_ dir: String) -> Int64 {
    var total: Int64 = 0
    let e = FileManager.default.enumerator(atPath: dir)
    while let name = e?.nextObject() as? String {
        var info = stat()
        if stat(dir + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { total += Int64(info.st_size) }
    }
    return total
}

/// Durable appends from N concurrent appenders for a fixed time: rate and latency.
func benchAppend() async throws {
    let dir = argument("dir", "/tmp/log-bench-append")
    let appenders = Int(argument("appenders", "16"))!
    let duration = Double(argument("seconds", "10"))!
    let size = Int(argument("entry-size", "1024"))!
    let log = try openOrCreate(dir)
    let startSize = log.size
    let startCheckpoints = log.checkpointCount
    let startBytes = directoryBytes(dir)
    let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for a in 0..<appenders {
            group.addTask {
                var mine = [Double]()
                var n = UInt64(a) << 40
                while ContinuousClock.now < deadline {
                    let e = entry(n, size: size)
                    n += 1
                    let t0 = ContinuousClock.now
                    _ = try await log.append(e)
                    mine.append(seconds(ContinuousClock.now - t0))
                }
                return mine
            }
        }
        return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
    }
    let elapsed = seconds(ContinuousClock.now - started)
    let appended = log.size - startSize
    let batches = log.checkpointCount - startCheckpoints
    try await log.close()
    let bytes = directoryBytes(dir) - startBytes
    func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000 }
    print(String(format: "append appenders=%d entry=%dB: %llu appends in %.2fs = %.0f/s; latency p50 %.2f ms p99 %.2f ms max %.2f ms; %llu batches (avg %.1f entries); disk %.1f bytes/entry overhead",
                 appenders, size, appended, elapsed, Double(appended) / elapsed, pct(0.5), pct(0.99), pct(1.0) - 0.0000001,
                 batches, Double(appended) / Double(max(1, batches)), Double(bytes - Int64(appended) * Int64(size)) / Double(max(1, appended))))
}

/// Bulk load: large batches through append(contentsOf:), several in flight.
func benchFill() async throws {
    let dir = argument("dir", "/tmp/log-bench-fill")
    let count = UInt64(argument("count", "1000000"))!
    let size = Int(argument("entry-size", "64"))!
    let log = try openOrCreate(dir)
    let start = log.size
    let startBytes = directoryBytes(dir)
    let started = ContinuousClock.now
    let chunk: UInt64 = 4096
    try await withThrowingTaskGroup(of: Void.self) { group in
        for lane in 0..<4 as Range<UInt64> {
            group.addTask {
                var n = start + lane * chunk
                while n < start + count {
                    let k = min(chunk, start + count - n)
                    _ = try await log.append(contentsOf: (n..<(n + k)).map { entry($0, size: size) })
                    n += 4 * chunk
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(ContinuousClock.now - started)
    let added = log.size - start
    try await log.close()
    let bytes = directoryBytes(dir) - startBytes
    print(String(format: "fill: %llu entries of %dB in %.1fs = %.0f/s; size now %llu; overhead %.1f bytes/entry (log dir %.1f MB)",
                 added, size, elapsed, Double(added) / elapsed, start + added,
                 Double(bytes - Int64(added) * Int64(size)) / Double(max(1, added)), Double(directoryBytes(dir)) / 1e6))
}

/// Random inclusion proofs against the latest size, on T threads.
func benchProofs() async throws {
    let dir = argument("dir", "/tmp/log-bench-fill")
    let duration = Double(argument("seconds", "5"))!
    let threads = Int(argument("threads", "1"))!
    let log = try TransparencyLog.openReadOnly(directory: dir)
    let size = log.size
    let root = log.latestCheckpoint.checkpoint.rootHash
    // Check a sample first: a fast wrong proof is worth nothing.
    for i in 0..<1000 as Range<UInt64> {
        let seq = (i &* 2_654_435_761) % size
        let proof = try log.inclusionProof(seq: seq, size: size)
        let leaf = try log.leafHash(at: seq)
        precondition(MerkleTree.verifyInclusion(leafHash: leaf, index: seq, size: size, proof: proof, root: root))
    }
    let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
    let started = ContinuousClock.now
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for t in 0..<threads {
            group.addTask {
                var n = 0
                var x = UInt64(t + 1) &* 0x9E37_79B9_7F4A_7C15
                while ContinuousClock.now < deadline {
                    for _ in 0..<256 {
                        x ^= x << 13; x ^= x >> 7; x ^= x << 17
                        let proof = try log.inclusionProof(seq: x % size, size: size)
                        n += proof.count > 0 ? 1 : 0
                    }
                }
                return n
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = seconds(ContinuousClock.now - started)
    print(String(format: "proofs size=%llu threads=%d: %.0f inclusion proofs/s (%.0f per thread)", size, threads, Double(total) / elapsed, Double(total) / elapsed / Double(threads)))
}

/// Time to open for writing (recovery included) and to close.
func benchReopen() async throws {
    let dir = argument("dir", "/tmp/log-bench-fill")
    let started = ContinuousClock.now
    let log = try TransparencyLog.open(directory: dir)
    let opened = seconds(ContinuousClock.now - started)
    let report = log.recoveryReport
    try await log.close()
    print(String(format: "reopen size=%llu: open %.3f s (replayed %llu entries, cut %lld bytes / %llu entries)%@",
                 log.size, opened, report.replayedEntries, report.cutBytes, report.cutEntries,
                 report.notes.isEmpty ? "" : "; " + report.notes.joined(separator: "; ")))
}

/// Appends until killed (for the kill -9 reopen figure).
func loadForever() async throws {
    let dir = argument("dir", "/tmp/log-bench-fill")
    let size = Int(argument("entry-size", "64"))!
    let log = try TransparencyLog.open(directory: dir)
    let base = log.size
    FileHandle.standardOutput.write(Data("loading from \(base)\n".utf8))
    try await withThrowingTaskGroup(of: Void.self) { group in
        for lane in 0..<4 as Range<UInt64> {
            group.addTask {
                var n = base + lane << 36
                while true {
                    _ = try await log.append(contentsOf: (n..<(n + 1024)).map { entry($0, size: size) })
                    n += 1024
                }
            }
        }
        try await group.waitForAll()
    }
}

/// The log's CPU cost with the disk taken out (fdatasync skipped): `count` appends from
/// `appenders` concurrent appenders in chunks of `chunk` (1: the small batches a server
/// makes), then `reads` inclusion proofs and single-entry reads. Prints process CPU time
/// (user + sys, getrusage) per operation: on a shared machine it moves far less than wall
/// time, and alternating runs of two builds compare the code, not the disk.
func benchCPU() async throws {
    func cpu() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    let dir = argument("dir", "/tmp/log-bench-cpu")
    let count = Int(argument("count", "200000"))!
    let appenders = Int(argument("appenders", "16"))!
    let chunk = Int(argument("chunk", "1"))!
    let size = Int(argument("entry-size", "256"))!
    let reads = Int(argument("reads", "200000"))!
    try? FileManager.default.removeItem(atPath: dir)
    try TransparencyLog.create(directory: dir, origin: "bench.example/log")
    var options = TransparencyLog.Options()
    options.io = NoSyncIO()
    let log = try TransparencyLog.open(directory: dir, options: options)
    let perAppender = count / appenders
    let c0 = cpu()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for a in 0..<appenders {
            group.addTask {
                var n = a * perAppender
                while n < (a + 1) * perAppender {
                    let k = min(chunk, (a + 1) * perAppender - n)
                    _ = try await log.append(contentsOf: (n..<(n + k)).map { entry(UInt64($0), size: size) })
                    n += k
                }
            }
        }
        try await group.waitForAll()
    }
    let c1 = cpu()
    let size0 = log.size
    var x: UInt64 = 0x9E37_79B9_7F4A_7C15, sink = 0
    for _ in 0..<reads {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        sink &+= try log.inclusionProof(seq: x % size0, size: size0).count
    }
    let c2 = cpu()
    for _ in 0..<reads {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        sink &+= try log.entry(at: x % size0).count
    }
    let c3 = cpu()
    let batches = log.checkpointCount - 1
    try await log.close()
    print(String(format: "cpu appenders=%d chunk=%d entry=%dB: append %.2f us/entry (%llu entries, %llu batches); proof %.2f us; entry read %.2f us",
                 appenders, chunk, size, (c1 - c0) / Double(size0) * 1e6, size0, batches,
                 (c2 - c1) / Double(reads) * 1e6, (c3 - c2) / Double(reads) * 1e6), sink == 0 ? "" : "")
}

let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "help"
switch mode {
case "append": try await benchAppend()
case "fill": try await benchFill()
case "proofs": try await benchProofs()
case "reopen": try await benchReopen()
case "cpu": try await benchCPU()
case "load-forever": try await loadForever()
case "hash":
    var h = Digest32.zero
    let t0 = ContinuousClock.now
    for _ in 0..<2_000_000 { h = MerkleHashing.nodeHash(h, h) }
    let t1 = ContinuousClock.now
    let hasher = SHA256Hasher()
    for _ in 0..<2_000_000 { hasher.update(byte: 1); hasher.update(h); hasher.update(h); h = hasher.finalize() }
    let t2 = ContinuousClock.now
    print(String(format: "nodeHash one-shot %.0f ns, reused context %.0f ns", seconds(t1 - t0) / 2e6 * 1e9, seconds(t2 - t1) / 2e6 * 1e9), h.hex.prefix(4))
default:
    print("usage: log-bench append|fill|proofs|reopen|cpu|load-forever [--dir D] [--appenders N] [--seconds S] [--entry-size B] [--count N] [--threads T] [--chunk C] [--reads R]")
}
