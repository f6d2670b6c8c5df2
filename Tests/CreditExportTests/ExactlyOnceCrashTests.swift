import CreditExport
import CreditRecords
import Foundation
import LedgerTestSupport
import Testing

/// SIGKILL at every step of a batch — before and after each file, the manifest, its
/// signature, the rename and the cursor — in an export child process (`export-crash-child
/// --crash-at <step>`, `careledger export` with a step hook that kills it), over three rounds
/// of appends. After each kill the real `careledger export` is simply run again. Then every
/// exportable seq is in exactly one 新增 row, every 撤回 comes after its 新增, and the batches
/// are byte for byte those of a run that never crashed.
@Suite(.tags(.slow)) struct ExactlyOnceCrashTests {
    static var careledger: String? { BuiltExecutable.path("careledger") }
    static var crashChild: String? { BuiltExecutable.path("export-crash-child") }

    /// Every crash-relevant step of a batch of `profile`: each file's open and sync, then the manifest, rename and cursor.
    static func steps(_ profile: ExportProfile) -> [String] {
        profile.dataFileNames(MappingOptions()).flatMap { ["open:\($0)", "synced:\($0)"] }
            + ["before-manifest", "after-manifest", "after-signature", "before-rename", "after-rename", "before-cursor", "after-cursor"]
    }

    /// Three rounds: records; withdrawals of earlier ones plus a record withdrawn in its own
    /// batch; more records and a repair.
    static let rounds: [[[UInt8]]] = [
        ExportFixtures.mixed,                                                        // 0…11
        [ExportFixtures.entry(ExportFixtures.revocation(target: 0, n: 1)),           // 12
         ExportFixtures.entry(ExportFixtures.revocation(target: 4, n: 2)),           // 13
         ExportFixtures.entry(ExportFixtures.example("inspection-pass")),            // 14
         ExportFixtures.entry(ExportFixtures.revocation(target: 14, n: 3))],         // 15
        ExportFixtures.mixed.prefix(9) + [ExportFixtures.entry(ExportFixtures.creditRepair(target: 1, n: 4))], // 16…25
    ]

    /// The real command without `crashAt`, the crash child (killed at that step) with it.
    static func run(_ binary: String, data: String, spool: String, profile: String, crashAt: String?) async throws -> ChildOutcome {
        guard let crashAt else { return try await ChildOutcome.run(binary, ["export", "--data", data, "--out", spool, "--profile", profile]) }
        guard let child = crashChild else { throw TestError("export-crash-child is not built next to the test binary") }
        return try await ChildOutcome.run(child, ["--data", data, "--out", spool, "--profile", profile, "--crash-at", crashAt])
    }

    @Test(arguments: ["csv-2.0", "national-2.0", "national-2.0-split"])
    func killedAtEveryStepExportsEverySeqExactlyOnce(profileName: String) async throws {
        let profile = try #require(ExportProfile.builtin(profileName))
        guard let binary = Self.careledger else {
            Issue.record("careledger is not built next to the test binary; run 'swift build --build-tests' first")
            return
        }
        // The reference: the same rounds, never interrupted. Each round's log is kept as a
        // snapshot (a copy of the closed log directory) for the crashing runs to read.
        let reference = try TestLog()
        var snapshots = [String]()
        for (i, round) in Self.rounds.enumerated() {
            try await reference.append(round)
            let data = reference.root + "/snapshot\(i)"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: reference.logDirectory, toPath: data + "/records")
            snapshots.append(data)
            #expect(try await Self.run(binary, data: data, spool: reference.spool, profile: profileName, crashAt: nil) == .exited(0))
        }
        let referenceBatches = reference.batches()
        #expect(referenceBatches.count == 3)
        try Self.checkExactlyOnce(reference, profile: profile)

        for step in Self.steps(profile) {
            let spool = reference.root + "/spool-" + step.replacingOccurrences(of: ":", with: "-")
            var kills = 0
            for (i, data) in snapshots.enumerated() {
                let crashed = try await Self.run(binary, data: data, spool: spool, profile: profileName, crashAt: step)
                if crashed == .killed(SIGKILL) { kills += 1 } else { #expect(crashed == .exited(0), "\(step), round \(i)") }
                #expect(try await Self.run(binary, data: data, spool: spool, profile: profileName, crashAt: nil) == .exited(0), "\(step), round \(i)")
            }
            #expect(kills == snapshots.count, "the step \(step) was not reached in every round")
            #expect(reference.batches(spool: spool) == referenceBatches, "\(step)")
            for batch in referenceBatches {
                for name in profile.dataFileNames(MappingOptions()) + [Manifest.fileName, Manifest.signatureFileName] {
                    #expect(reference.file(batch, name, spool: spool) == reference.file(batch, name), "\(step): \(batch)/\(name)")
                }
            }
            try Self.checkExactlyOnce(reference, spool: spool, profile: profile)
        }
    }

    /// The rows' bookkeeping in batch order: the families' OPERATION/SOURCE_SEQ columns for
    /// csv-2.0, the sidecar for a target profile (its upload files have no such column).
    static func bookkeeping(_ log: TestLog, _ batch: String, spool: String?, profile: ExportProfile) -> [(added: Bool, seq: UInt64)] {
        if profile.isLegacy {
            return ExportFamily.allCases.flatMap { log.rows(batch, $0, spool: spool) }.map {
                ($0["OPERATION"] == .string("新增"), UInt64($0["SOURCE_SEQ"]!.integerValue!))
            }
        }
        return log.file(batch, ProfileFiles.bookkeeping, spool: spool).split(separator: 0x0A).map {
            let line = try! JSONParser.parse(Array($0)).objectValue!
            return (line["operation"] == .string("新增"), UInt64(line["sourceSeq"]!.integerValue!))
        }
    }

    static func checkExactlyOnce(_ log: TestLog, spool: String? = nil, profile: ExportProfile) throws {
        var added = [UInt64: Int]()
        var withdrawn = Set<UInt64>()
        var position = 0
        var addedAt = [UInt64: Int]()
        for batch in log.batches(spool: spool) {
            try BatchVerifier.verify(directory: (spool ?? log.spool) + "/" + batch, verifier: log.verifier)
            for (isAdd, seq) in bookkeeping(log, batch, spool: spool, profile: profile) {
                position += 1
                if isAdd {
                    added[seq, default: 0] += 1
                    addedAt[seq] = position
                } else {
                    #expect(addedAt[seq] != nil && addedAt[seq]! < position, "撤回 of \(seq) before its 新增")
                    #expect(withdrawn.insert(seq).inserted, "\(seq) withdrawn twice")
                }
            }
        }
        #expect(added.values.allSatisfy { $0 == 1 })
        let exportable: Set<UInt64> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24]
        #expect(Set(added.keys) == exportable)
        #expect(withdrawn == [0, 4, 14, 1])
    }
}

/// The files carry ID numbers (the platform requires them); what the command prints must not.
@Suite struct ExportOutputPrivacyTests {
    @Test func noIdNumberInTheCommandsOutput() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let log = try TestLog()
        var broken = ExportFixtures.example("penalty-person").objectValue!
        var body = broken["body"]!.objectValue!
        body["dataSource"] = nil
        broken["body"] = .object(body)
        try await log.append(ExportFixtures.mixed + [ExportFixtures.entry(.object(broken)), ExportFixtures.entry(ExportFixtures.revocation(target: 12))])
        let run = try await ChildProcess.capture(binary, ["export", "--data", log.root + "/data", "--out", log.spool, "--profile", "csv-2.0"])
        let printed = String(decoding: run.stdout + run.stderr, as: UTF8.self)
        #expect(run.outcome == .exited(0))
        #expect(printed.contains("2 rejects"))
        #expect(ExportFixtures.idNumbers.allSatisfy { !printed.contains($0) })
        let batch = try #require(log.batches().first)
        #expect(String(decoding: log.file(batch, "xzcf.csv"), as: UTF8.self).contains("330303199506302827"))
    }
}
