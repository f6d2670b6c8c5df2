import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// Every mutating I/O operation of a scripted workload, failed in every way a disk fails.
///
/// A run creates a log with 16 entries per segment (so batches roll over into new segments,
/// one batch spans three), opens it through `FaultInjectingIO` with a fault armed at one
/// operation number, and plays 20 rounds of single, concurrent and multi-entry appends,
/// recording every receipt and every failed append. It then keeps appending until the log
/// heals, ends with a clean close or a simulated power loss, and reopens the directory with
/// plain `PosixIO` to check that nothing acknowledged was lost or changed and that every
/// checkpoint handed out is a prefix of the recovered tree.
@Suite(.tags(.slow)) struct FaultInjectionTests {
    struct FaultCase: Sendable, CustomTestStringConvertible {
        let fault: FaultInjectingIO.Fault
        let times: Int
        /// Which ending the first operation number gets; the next one gets the other.
        let firstEnding: Ending
        init(_ fault: FaultInjectingIO.Fault, times: Int = 1, firstEnding: Ending) {
            self.fault = fault
            self.times = times
            self.firstEnding = firstEnding
        }
        var testDescription: String { times == 1 ? "\(fault)" : "\(fault) ×\(times)" }
    }

    /// failBeforeWrite(ENOSPC) is what `enospc` does once, so ENOSPC runs as a disk that
    /// stays full for three operations (the failed batch's rollback too) and then frees up.
    static let cases: [FaultCase] = [
        FaultCase(.failBeforeWrite(EIO), firstEnding: .close),
        FaultCase(.shortWrite, firstEnding: .powerLoss),
        FaultCase(.failAfterWrite(EIO), firstEnding: .powerLoss),
        FaultCase(.fsyncFails(persisted: true), firstEnding: .close),
        FaultCase(.fsyncFails(persisted: false), firstEnding: .powerLoss),
        FaultCase(.enospc, times: 3, firstEnding: .close),
        // The plug pulled just before each operation (the ending is then moot).
        FaultCase(.powerLoss, firstEnding: .powerLoss),
    ]

    enum Ending: String, CaseIterable, Sendable { case close, powerLoss }

    /// Every operation number of the workload (the ones the fault applies to), each run
    /// once; the endings alternate from one operation number to the next, and differ between
    /// kinds, so each operation number ends both ways. CARELEDGER_FAULT_BOTH_ENDINGS=1 runs
    /// both endings for every (operation, fault): twice the time.
    @Test(arguments: cases) func everyOperationFails(_ faultCase: FaultCase) async throws {
        // The run with the fewest operations (the fewest batches) sets the numbers to cover.
        var baseline = try await FaultRun.execute(fault: nil, ending: .close)
        for _ in 0..<2 {
            let another = try await FaultRun.execute(fault: nil, ending: .close)
            if another.history.count < baseline.history.count { baseline = another }
        }
        #expect(baseline.problems.isEmpty, "\(baseline.problems)")
        #expect(baseline.failedEntries.isEmpty)
        let history = baseline.history
        let n = history.count
        #expect(n > 200)
        // Past this number the operations belong to close(), which the power-loss ending skips.
        let closing = baseline.workloadOperations
        let both = ProcessInfo.processInfo.environment["CARELEDGER_FAULT_BOTH_ENDINGS"] == "1"
        var runs = 0, unfired = 0, alternate = false, problems = [String]()
        for number in 1...n where faultCase.fault.applies(to: history[number - 1].operation) {
            // A write only grows a file past its synced length, which a power loss cuts
            // anyway: losing power after it leaves the same disk as losing it before.
            if case .powerLoss = faultCase.fault, number > 1, history[number - 2].operation == .pwrite { continue }
            var endings: [Ending] = both ? Ending.allCases : [alternate == (faultCase.firstEnding == .close) ? .powerLoss : .close]
            if number > closing { endings = [.close] }
            alternate.toggle()
            for ending in endings {
                // Concurrent appenders batch differently from run to run, so a run can do a
                // few operations fewer than the baseline: then it is run again.
                var run = try await FaultRun.execute(fault: (faultCase, number), ending: ending)
                for _ in 0..<2 where run.fired.isEmpty { run = try await FaultRun.execute(fault: (faultCase, number), ending: ending) }
                runs += 1
                if run.fired.isEmpty { unfired += 1 }
                let fault = run.fired.first.map { "\($0.operation) \($0.path.split(separator: "/").suffix(2).joined(separator: "/"))" } ?? "not fired"
                problems += run.problems.map { "\(faultCase.testDescription) at #\(number) (\(fault)), \(ending): \($0)" }
            }
            if problems.count > 20 { break }
        }
        for problem in problems.prefix(20) { Issue.record(Comment(rawValue: problem)) }
        // Under heavy load concurrent appenders batch differently, so a run can end before
        // its operation number; most must still hit it (the summary line reports how many).
        #expect(unfired * 5 <= runs, "\(unfired) of \(runs) runs never reached their operation number")
        print("fault injection \(faultCase.testDescription): \(n) operations, \(runs) runs (\(unfired) never fired), \(problems.count) problems")
    }
}

/// Regressions found by `everyOperationFails`, each pinned to the operation that exposed it.
@Suite struct FaultRegressionTests {
    static func makeLog(entriesPerSegment: UInt64 = 16) throws -> (TemporaryDirectory, NoteVerifier) {
        let dir = TemporaryDirectory()
        let verifier = try TransparencyLog.create(directory: dir.path, origin: "fault.example/log", signingKey: testSigningKey,
                                                  entriesPerSegment: entriesPerSegment)
        return (dir, verifier)
    }

    static func options(_ io: FaultInjectingIO, flushEvery entries: UInt64 = 1 << 17) -> TransparencyLog.Options {
        var options = TransparencyLog.Options()
        options.io = io
        options.cacheFlushEntries = entries
        options.cacheFlushInterval = .seconds(3600)
        return options
    }

    /// Reopens with the real I/O and checks that `entries` are the log, with a checkpoint
    /// that verifies and matches the tree; appends once more.
    static func expectLog(_ dir: TemporaryDirectory, verifier: NoteVerifier, holds entries: [[UInt8]]) async throws {
        let log = try TransparencyLog.open(directory: dir.path)
        #expect(log.size == UInt64(entries.count))
        if log.size == UInt64(entries.count), !entries.isEmpty {
            #expect(try log.entries(from: 0, count: entries.count) == entries)
            for (seq, entry) in entries.enumerated() { #expect(try log.leafHash(at: UInt64(seq)) == MerkleHashing.leafHash(entry)) }
        }
        let latest = try Checkpoint.open(note: log.latestCheckpoint.note, verifier: verifier)
        #expect(latest.size == log.size)
        #expect(try log.rootHash(size: log.size) == latest.rootHash)
        let receipt = try await log.append([1, 2, 3])
        #expect(receipt.seq == UInt64(entries.count))
        try await log.close()
    }

    /// close() threw when its final flush failed and then kept the directory locked for as
    /// long as the object lived: the same process could not reopen the log.
    @Test func failedCloseReleasesTheLock() async throws {
        let (dir, verifier) = try Self.makeLog()
        let io = FaultInjectingIO()
        let log = try TransparencyLog.open(directory: dir.path, options: Self.options(io))
        let entries = (0..<5).map { FaultRun.entry($0) }
        _ = try await log.append(contentsOf: entries)
        io.inject(.fsyncFails(persisted: true), at: FaultInjectingIO.Trigger(operation: .fdatasync))
        await #expect(throws: StorageError.self) { try await log.close() }
        try await Self.expectLog(dir, verifier: verifier, holds: entries)
        withExtendedLifetime(log) {}
    }

    /// The `checkpoint` file is replaced without an fsync; after a power loss it can be
    /// empty, and recovery refused to open the log ("checkpoint does not verify").
    @Test func tornPublishedCheckpointDoesNotBlockRecovery() async throws {
        let (dir, verifier) = try Self.makeLog()
        let io = FaultInjectingIO()
        let log = try TransparencyLog.open(directory: dir.path, options: Self.options(io))
        let entries = (0..<5).map { FaultRun.entry($0) }
        for entry in entries { _ = try await log.append(entry) }
        io.simulatePowerLoss()
        try? await log.close()
        // The file is written past the injectable I/O (it is not the commit point); model
        // the unsynced write a power loss drops by emptying it.
        #expect(truncate(dir.path + "/checkpoint", 0) == 0)
        try await Self.expectLog(dir, verifier: verifier, holds: entries)
        let reopened = try TransparencyLog.openReadOnly(directory: dir.path)
        #expect(reopened.size == 6)
    }

    /// A batch spanning three segments fsync'd only the last new one (and leaked the other's
    /// descriptor): after a power loss the middle segment was empty though acknowledged.
    @Test func batchAcrossThreeSegmentsIsDurable() async throws {
        let (dir, verifier) = try Self.makeLog()
        let io = FaultInjectingIO(recording: true)
        let log = try TransparencyLog.open(directory: dir.path, options: Self.options(io, flushEvery: 32))
        let entries = (0..<45).map { FaultRun.entry($0) }
        _ = try await log.append(contentsOf: Array(entries[0..<5]))
        let receipts = try await log.append(contentsOf: Array(entries[5...]))  // seq 5...44: segments 0, 1, 2
        #expect(receipts.map(\.seq) == Array(5...44))
        for segment in ["000000000001.seg", "000000000002.seg"] {
            #expect(io.history.contains { $0.operation == .fdatasync && $0.path.hasSuffix(segment) }, "\(segment) never fsync'd")
        }
        io.simulatePowerLoss()
        try? await log.close()
        try await Self.expectLog(dir, verifier: verifier, holds: entries)
    }

    /// A failed fsync in a cache flush (the kernel dropped the caches' dirty pages) did not
    /// make the writer re-read the disk: the next flush made the holes durable and the log
    /// no longer opened ("checkpoint ... does not match the entries before it").
    @Test func cacheFlushSyncFailureRebuildsTheCaches() async throws {
        let (dir, verifier) = try Self.makeLog()
        let io = FaultInjectingIO()
        let log = try TransparencyLog.open(directory: dir.path, options: Self.options(io, flushEvery: 8))
        let entries = (0..<40).map { FaultRun.entry($0) }
        for entry in entries[0..<8] { _ = try await log.append(entry) }  // flushed: caches durable to 8
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync, pathContaining: "/tree/00"))
        for entry in entries[8..<40] { _ = try await log.append(entry) }  // the flush at 16 fails, later ones succeed
        #expect(io.firedFaults.count == 1)
        try await log.close()
        try await Self.expectLog(dir, verifier: verifier, holds: entries)
    }

    /// Same for a failed directory fsync when a batch starts a segment: the batch was rolled
    /// back but the writer went on without re-reading the disk.
    @Test func directorySyncFailureIsTreatedLikeAFailedFsync() async throws {
        let (dir, verifier) = try Self.makeLog()
        let io = FaultInjectingIO()
        let log = try TransparencyLog.open(directory: dir.path, options: Self.options(io))
        var entries = [[UInt8]]()  // their cache records are not yet fsync'd when the fault hits
        for i in 0..<16 {
            _ = try await log.append(FaultRun.entry(i))
            entries.append(FaultRun.entry(i))
        }
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fsyncDirectory, pathContaining: "segments"))
        await #expect(throws: StorageError.self) { try await log.append(FaultRun.entry(16)) }  // starts segment 1
        for i in 17..<30 {
            _ = try await log.append(FaultRun.entry(i))
            entries.append(FaultRun.entry(i))
        }
        try await log.close()
        try await Self.expectLog(dir, verifier: verifier, holds: entries)
    }
}

/// One scripted workload against one log directory.
struct FaultRun {
    enum Round { case one, concurrent(Int), batch(Int) }

    /// 91 entries in 20 rounds (and the healing ones); round 7 appends 40 entries at once,
    /// seq 19...58, across segments 1, 2 and 3.
    static let rounds: [Round] = (0..<20).map { i -> Round in
        switch i % 5 {
        case 0, 3: return .one
        case 1: return .concurrent(4)
        case 2: return .batch(i == 7 ? 40 : 5)
        default: return .concurrent(3)
        }
    }

    /// Unique, small, varied entries (one empty one).
    static func entry(_ i: Int) -> [UInt8] {
        if i == 5 { return [] }
        return withUnsafeBytes(of: UInt32(i).littleEndian) { Array($0) } + testEntry(i, size: (i * 13) % 40)
    }

    static let baseDirectory: String = {
        var info = stat()
        if stat("/dev/shm", &info) == 0, access("/dev/shm", W_OK) == 0 { return "/dev/shm" }
        return FileManager.default.temporaryDirectory.path
    }()

    var history: [FaultInjectingIO.Record] = []
    /// Operations done before the ending (close or power loss).
    var workloadOperations = 0
    var fired: [FaultInjectingIO.Record] = []
    var problems: [String] = []
    /// seq → (entry, leaf hash) of every receipt.
    var acked: [UInt64: (entry: [UInt8], leaf: Digest32)] = [:]
    /// Distinct checkpoints handed out in receipts.
    var checkpoints: [String: SignedCheckpoint] = [:]
    var failedEntries: [[UInt8]] = []
    var next = 0

    mutating func record(_ entries: [[UInt8]], _ result: Result<[AppendReceipt], Error>) {
        switch result {
        case .success(let receipts):
            guard receipts.count == entries.count else {
                problems.append("\(entries.count) entries got \(receipts.count) receipts")
                return
            }
            for (entry, receipt) in zip(entries, receipts) {
                if let earlier = acked[receipt.seq], earlier.entry != entry {
                    problems.append("seq \(receipt.seq) acknowledged twice with different entries")
                }
                if receipt.leafHash != MerkleHashing.leafHash(entry) { problems.append("receipt for seq \(receipt.seq) has the wrong leaf hash") }
                acked[receipt.seq] = (entry, receipt.leafHash)
                checkpoints[receipt.checkpoint.note] = receipt.checkpoint
            }
        case .failure:
            failedEntries += entries
        }
    }

    static func execute(fault: (FaultInjectionTests.FaultCase, Int)?, ending: FaultInjectionTests.Ending) async throws -> FaultRun {
        let base = FaultRun.baseDirectory + "/careledger-fault-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let dir = base + "/log"
        let verifier = try TransparencyLog.create(directory: dir, origin: "fault.example/log", signingKey: testSigningKey, entriesPerSegment: 16)
        let io = FaultInjectingIO(recording: fault == nil)
        if let (faultCase, number) = fault { io.inject(faultCase.fault, atOperation: number, times: faultCase.times) }
        var options = TransparencyLog.Options()
        options.io = io
        // One flush mid-workload besides those at open and close; none on a timer, so that
        // operation numbers mean the same thing from run to run.
        options.cacheFlushEntries = 64
        options.cacheFlushInterval = .seconds(3600)

        var run = FaultRun()
        // A fault during open fails the open; the next one must succeed.
        var opened: TransparencyLog?
        for _ in 0..<6 where opened == nil && !io.isPoweredOff { opened = try? TransparencyLog.open(directory: dir, options: options) }
        guard let log = opened else {
            if io.isPoweredOff {
                // The power failed during open (recovery): the next open must still work.
                run.fired = io.firedFaults
                await run.verifyReopened(directory: dir, verifier: verifier)
            } else {
                run.problems.append("open keeps failing")
            }
            return run
        }

        for round in rounds {
            switch round {
            case .one:
                let entry = entry(run.next)
                run.next += 1
                do { run.record([entry], .success([try await log.append(entry)])) } catch { run.record([entry], .failure(error)) }
            case .concurrent(let count):
                let entries = (0..<count).map { entry(run.next + $0) }
                run.next += count
                let results = await withTaskGroup(of: ([UInt8], Result<[AppendReceipt], Error>).self) { group in
                    for entry in entries {
                        group.addTask {
                            do { return (entry, .success([try await log.append(entry)])) } catch { return (entry, .failure(error)) }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                for (entry, result) in results { run.record([entry], result) }
            case .batch(let count):
                let entries = (0..<count).map { entry(run.next + $0) }
                run.next += count
                do { run.record(entries, .success(try await log.append(contentsOf: entries))) } catch { run.record(entries, .failure(error)) }
            }
        }
        // The log heals by itself once the fault clears (the power, once off, stays off).
        var healed = false
        for _ in 0..<6 where !healed && !io.isPoweredOff {
            let entry = entry(run.next)
            run.next += 1
            do {
                run.record([entry], .success([try await log.append(entry)]))
                healed = true
            } catch {
                run.record([entry], .failure(error))
            }
        }
        if !healed && !io.isPoweredOff { run.problems.append("appends still fail after the fault cleared") }

        run.workloadOperations = io.operationCount
        switch ending {
        case .close:
            try? await log.close()
        case .powerLoss:
            io.simulatePowerLoss()
            try? await log.close()
        }
        run.history = io.history
        run.fired = io.firedFaults
        // `log` stays referenced until here: a failed close must still release the lock.
        await run.verifyReopened(directory: dir, verifier: verifier)
        withExtendedLifetime(log) {}
        return run
    }

    /// Reopens with the real I/O and checks everything acknowledged.
    mutating func verifyReopened(directory: String, verifier: NoteVerifier) async {
        let log: TransparencyLog
        do { log = try TransparencyLog.open(directory: directory) } catch {
            problems.append("reopen failed: \(error)")
            return
        }
        checkContents(of: log, verifier: verifier)
        let after = FaultRun.entry(1_000_000)
        do {
            let receipt = try await log.append(after)
            let stored = try log.entry(at: receipt.seq)
            if receipt.seq != log.size - 1 || stored != after { problems.append("append after reopen went wrong") }
        } catch {
            problems.append("append after reopen failed: \(error)")
        }
        do { try await log.close() } catch { problems.append("closing the reopened log failed: \(error)") }
    }

    mutating func checkContents(of log: TransparencyLog, verifier: NoteVerifier) {
        do {
            let size = log.size
            if let highest = acked.keys.max(), size < highest + 1 {
                problems.append("size \(size) after reopen, but seq \(highest) was acknowledged")
                return
            }
            let latest = try Checkpoint.open(note: log.latestCheckpoint.note, verifier: verifier)
            guard latest.size == size, try log.rootHash(size: size) == latest.rootHash else {
                problems.append("latest checkpoint (size \(latest.size)) does not match the recovered tree (size \(size))")
                return
            }
            for (seq, ack) in acked {
                guard try log.entry(at: seq) == ack.entry else {
                    problems.append("acknowledged seq \(seq) changed or lost")
                    continue
                }
                if try log.leafHash(at: seq) != ack.leaf { problems.append("seq \(seq): stored leaf hash differs from the receipt's") }
                let proof = try log.inclusionProof(seq: seq, size: size)
                if !MerkleTree.verifyInclusion(leafHash: ack.leaf, index: seq, size: size, proof: proof, root: latest.rootHash) {
                    problems.append("seq \(seq): inclusion proof does not verify against the recovered checkpoint")
                }
            }
            for signed in checkpoints.values {
                let checkpoint = try Checkpoint.open(note: signed.note, verifier: verifier)
                guard checkpoint.size <= size else {
                    problems.append("a receipt's checkpoint covers \(checkpoint.size) entries, the recovered log \(size)")
                    continue
                }
                let proof = try log.consistencyProof(from: checkpoint.size, to: size)
                if !MerkleTree.verifyConsistency(from: checkpoint.size, to: size, fromRoot: checkpoint.rootHash, toRoot: latest.rootHash, proof: proof) {
                    problems.append("a receipt's checkpoint (size \(checkpoint.size)) is not consistent with the recovered log")
                }
            }
            // Whatever else is in the log is an append that was reported failed (its fate is
            // unknown to the caller), never garbage, and nothing is there twice.
            let failed = Set(failedEntries)
            var seen = Set<[UInt8]>()
            for (i, entry) in try log.entries(from: 0, count: Int(size)).enumerated() {
                if acked[UInt64(i)] == nil, !failed.contains(entry) { problems.append("seq \(i) holds an entry nobody appended") }
                if !entry.isEmpty, !seen.insert(entry).inserted { problems.append("seq \(i) repeats an earlier entry") }
            }
        } catch {
            problems.append("reading the reopened log failed: \(error)")
        }
    }
}
