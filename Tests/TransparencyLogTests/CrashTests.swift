import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// SIGKILL during appends. `log-torture` (tools/log-torture) appends from 8 tasks and logs
/// every acknowledged append; it is killed at a random moment, 60 times on the same data
/// directory, and after each kill the log is opened (recovery) and every acknowledgement so
/// far is checked against it.
@Suite(.tags(.slow)) struct CrashTests {
    static let iterations = 60

    static var tortureBinary: String? { BuiltExecutable.path("log-torture") }

    struct Ack: Equatable {
        let seq: UInt64
        let seed: UInt64
        let leaf: Digest32
    }

    /// The complete lines of the acks file; a partial last line (killed mid-write) is cut
    /// off so the next run's lines start on a line of their own.
    static func readAcks(_ path: String, partials: inout Int) throws -> [Ack] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = Array(data)
        let end = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        if end < bytes.count {
            partials += 1
            #expect(truncate(path, off_t(end)) == 0)
        }
        var acks = [Ack]()
        for line in bytes[..<end].split(separator: 0x0A) {
            let fields = String(decoding: line, as: UTF8.self).split(separator: " ")
            guard fields.count == 3, let seq = UInt64(fields[0]), let seed = UInt64(fields[1]), let leaf = Digest32(hex: String(fields[2])) else {
                Issue.record("malformed ack line: \(String(decoding: line, as: UTF8.self))")
                continue
            }
            acks.append(Ack(seq: seq, seed: seed, leaf: leaf))
        }
        return acks
    }

    @Test func killedWhileAppending() async throws {
        guard let binary = Self.tortureBinary else {
            Issue.record("log-torture is not built next to the test binary; run 'swift build --build-tests' first")
            return
        }
        // tmpfs when there is one: a SIGKILL leaves the page cache intact, so real fsyncs
        // would only slow the child down (fewer appends, fewer segment roll-overs per kill).
        let base = FaultRun.baseDirectory + "/careledger-crash-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let data = base + "/log"
        let acksPath = base + "/acks"
        let stderrPath = base + "/stderr"

        var acked = [UInt64: Ack]()   // every acknowledgement so far, by seq
        var checked = 0               // acknowledgements already checked byte for byte
        var lost = Set<UInt64>()
        var previous: Checkpoint?
        var partials = 0, tornTails = 0, cutEntries: UInt64 = 0, replayed: UInt64 = 0, withoutLog = 0, lastSize: UInt64 = 0

        for iteration in 0..<Self.iterations {
            let process = try ChildProcess.launch(binary, ["--data", data, "--acks", acksPath, "--appenders", "8"],
                                                  output: .inherit, error: .file(stderrPath))
            // Killed on a clock of its own too, in case other suites keep this task waiting
            // for the cooperative pool long past its sleep (it is SIGKILL either way).
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) { if process.isRunning { process.kill(SIGKILL) } }
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...250)))
            process.kill(SIGKILL)
            let outcome = await process.exit()
            guard outcome == .killed(SIGKILL) else {
                let output = String(decoding: FileManager.default.contents(atPath: stderrPath) ?? Data(), as: UTF8.self)
                Issue.record("iteration \(iteration): log-torture exited by itself (\(outcome)): \(output)")
                break
            }

            let acks = try Self.readAcks(acksPath, partials: &partials)
            for ack in acks[checked...] {
                if let earlier = acked[ack.seq], earlier != ack {
                    Issue.record("seq \(ack.seq) acknowledged twice, for seeds \(earlier.seed) and \(ack.seed)")
                    lost.insert(ack.seq)
                }
                acked[ack.seq] = ack
            }
            guard FileManager.default.fileExists(atPath: data + "/log.json") else {
                // Killed before it had created the log: nothing can have been acknowledged.
                #expect(acks.isEmpty)
                withoutLog += 1
                continue
            }

            let log = try TransparencyLog.open(directory: data)
            let report = log.recoveryReport
            if report.cutBytes > 0 { tornTails += 1 }
            cutEntries += report.cutEntries
            replayed += report.replayedEntries
            let size = log.size
            #expect(size >= lastSize, "iteration \(iteration): the log shrank from \(lastSize) to \(size)")
            lastSize = size
            if let highest = acked.keys.max(), size < highest + 1 {
                Issue.record("iteration \(iteration): size \(size) but seq \(highest) was acknowledged")
            }
            // New acknowledgements: byte for byte. Older ones: their leaf hash is still there.
            for ack in acks[checked...] {
                guard ack.seq < size else {
                    lost.insert(ack.seq)
                    continue
                }
                let entry = TortureEntry.bytes(seed: ack.seed)
                if try log.entry(at: ack.seq) != entry || MerkleHashing.leafHash(entry) != ack.leaf {
                    Issue.record("iteration \(iteration): seq \(ack.seq) does not hold the entry of seed \(ack.seed)")
                    lost.insert(ack.seq)
                }
            }
            for ack in acked.values where ack.seq < size {
                if try log.leafHash(at: ack.seq) != ack.leaf {
                    Issue.record("iteration \(iteration): seq \(ack.seq) changed")
                    lost.insert(ack.seq)
                }
            }
            checked = acks.count

            let latest = try Checkpoint.open(note: log.latestCheckpoint.note, verifier: log.verifier)
            #expect(latest.size == size)
            #expect(try log.rootHash(size: size) == latest.rootHash)
            if let previous {
                let proof = try log.consistencyProof(from: previous.size, to: size)
                #expect(MerkleTree.verifyConsistency(from: previous.size, to: size, fromRoot: previous.rootHash, toRoot: latest.rootHash, proof: proof),
                        "iteration \(iteration): checkpoint \(size) is not consistent with \(previous.size)")
            }
            previous = latest
            try await log.close()
        }

        #expect(lost.isEmpty, "lost acknowledged appends: \(lost.sorted().prefix(20))")
        #expect(acked.count > 0, "log-torture never acknowledged an append")
        print("crash test: \(Self.iterations) kills, \(acked.count) acknowledged appends, \(lost.count) lost, log size \(lastSize); "
              + "recovery cut a torn tail \(tornTails) times (\(cutEntries) unacknowledged entries), replayed \(replayed) entries; "
              + "\(partials) partial ack lines, \(withoutLog) kills before the log existed")
    }
}

/// The entries of tools/log-torture (a copy of its `TortureEntry`; keep them identical).
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
