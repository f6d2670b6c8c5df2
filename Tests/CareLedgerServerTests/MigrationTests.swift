import CreditRecords
import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
import TransparencyLog
@testable import LedgerCore
import PersonalVault

/// `careledger migrate` (docs/operations.md "Migrating a data directory"): a data directory
/// of v1 entries becomes one with a new origin whose first record commits to the old log's
/// last checkpoint, every record sealed at its old seq + 1 with its references moved, and the
/// same answers to checks; the old directory is only read and still verifies.
@Suite(.serialized) struct MigrationTests {
    static let authority = JSONObject([("name", .string(Fixtures.ouhaiHealth.name)), ("uscc", .string(Fixtures.ouhaiHealth.uscc)),
                                       ("region", .string(Fixtures.ouhaiHealth.region))])

    /// The people the fixture names, and one it does not.
    static let people: [JSONValue] = [Fixtures.zhangSan, Fixtures.wangLi, Fixtures.linXiaoyan,
                                      ["name": "赵六", "idType": "resident_id", "idNumber": "110105194912310038"]]

    /// A data directory from before sealed entries: v1 envelopes written straight into the
    /// records log, as the service wrote them then (and tools/load-records still does without a
    /// key file). Zhang San's penalty is revoked (seq 4 → 3), Wang Li's repaired (6 → 5),
    /// Lin Xiaoyan banned; `extra` inspections make the log span several migration batches.
    static func makeV1Directory(_ root: String, extra: Int = 0) async throws {
        _ = try ServerDataDirectory(root).bootstrap(origin: "careledger.local/records")
        let log = try TransparencyLog.open(directory: ServerDataDirectory(root).records)
        var documents: [JSONValue] = [
            Fixtures.filing(1), Fixtures.inspection(2), Fixtures.penalty(3),
            Fixtures.personalPenalty(4, person: Fixtures.zhangSan), Fixtures.revocation(target: 3, 5),
            Fixtures.personalPenalty(6, person: Fixtures.wangLi), Fixtures.creditRepair(target: 5, 7),
            Fixtures.ban(8), Fixtures.judgment(9), Fixtures.enforcement(10), Fixtures.annualReview(year: 2025),
        ]
        documents += (0..<extra).map { Fixtures.inspection(1000 + $0) }
        var entries: [[UInt8]] = []
        for document in documents {
            let object = document.objectValue!
            let envelope = Envelope(kind: RecordKind(rawValue: object["kind"]!.stringValue!)!, body: object["body"]!.objectValue!,
                                    submittedAt: "2026-09-02T08:00:00Z", submittedBy: Submitter(principal: "admin", authority: nil),
                                    clientSignature: nil)
            entries.append(try envelope.canonicalBytes())
        }
        _ = try await log.append(contentsOf: entries)
        try await log.close()
        // The service opened its other logs at every start (which writes their caches).
        for other in [ServerDataDirectory(root).access, ServerDataDirectory(root).principalLog] {
            try await TransparencyLog.open(directory: other).close()
        }
    }

    static func keysFile(_ base: String) throws -> VaultKeys {
        try VaultKeyFile.load(.file(base + "/new.vaultkey"), dataDirectory: base + "/new").keys
    }

    static func options(_ base: String) throws -> LogMigration.Options {
        let keys = try keysFile(base)
        return LogMigration.Options(from: base + "/old", to: base + "/new", authority: authority,
                                    openVault: { try FileVault.open(directory: $0 + "/vault", keys: keys) })
    }

    /// Each person's check answer with what differs by log taken out (check id, checkpoint,
    /// proofs, leaf hashes) and each finding's seq moved back by `offset`.
    static func answers(_ root: String, offset: UInt64, vault: VaultKeys?, people: [JSONValue] = people) async throws -> [String] {
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = root
        if let vault { configuration.openVault = { try FileVault.open(directory: $0 + "/vault", keys: vault) } }
        let ledger = try await Ledger.open(configuration: configuration)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        var out: [String] = []
        for person in people {
            let answer = try await ledger.check(try CanonicalJSON.encode(Fixtures.check(person)), principal: admin, logger: ledger.logger)
            var object = try JSONParser.parse(answer.body).objectValue!
            for key in ["asOf", "checkId", "checkpoint", "treeSize"] { object[key] = nil }
            if let findings = object["findings"]?.arrayValue {
                object["findings"] = .array(findings.map { finding in
                    var f = finding.objectValue!
                    f["inclusionProof"] = nil
                    f["leafHash"] = nil
                    f["seq"] = .uint(UInt64(f["seq"]!.integerValue!) - offset)
                    return .object(f)
                })
            }
            out.append(answer.status + " " + String(decoding: try CanonicalJSON.encode(.object(object)), as: UTF8.self))
        }
        try await ledger.close()
        return out
    }

    @Test func aV1DirectoryMigratesWithTheSameAnswersAndNoPersonalDataInTheLeaves() async throws {
        let dir = TemporaryDirectory("old")
        let old = dir.path, new = dir.base + "/new"
        try await Self.makeV1Directory(old)
        let before = try await Self.answers(old, offset: 0, vault: nil)
        // Zhang San's penalty revoked, Wang Li's repaired: both clear; unmoved targets would
        // leave them `records_found` after the migration.
        #expect(before.map { String($0.prefix { $0 != " " }) } == ["clear", "clear", "barred", "clear"])
        let oldCheckpoint = try TransparencyLog.openReadOnly(directory: old + "/records").latestCheckpoint

        let report = try await LogMigration(options: try Self.options(dir.base)).run()
        #expect(report.kinds == ["institution_filing": 1, "inspection": 1, "penalty": 3, "revocation": 1, "credit_repair": 1,
                                 "ban": 1, "judgment": 1, "enforcement": 1, "annual_review": 1])
        #expect(report.seqOffset == 1 && report.to.size == 12 && report.to.origin == "careledger.local/records-2")
        #expect(report.appended.rewrittenReferences == 2)
        #expect(report.copied.contains("access/") && report.copied.contains("principals.json") && report.copied.contains("server-secret"))
        #expect(!DurableFile.exists(new + "/" + LogMigration.marker))
        #expect(try MigrationReport.read(dataDirectory: new) == report)

        // The first record commits to the old log's last checkpoint.
        let newLog = try TransparencyLog.openReadOnly(directory: new + "/records")
        let first = try Envelope.decode(try newLog.entry(at: 0))
        #expect(first.kind == .migration)
        #expect(first.body["fromOrigin"]?.stringValue == "careledger.local/records")
        #expect(first.body["fromSize"]?.integerValue == 11)
        #expect(first.body["fromRootHash"]?.stringValue == oldCheckpoint.checkpoint.rootHash.base64)
        #expect(first.body["fromCheckpointSHA256"]?.stringValue == SHA256.hash(Array(oldCheckpoint.note.utf8)).hex)
        // References moved with their records: the revocation now names the new seq of the penalty.
        let revocation = try Envelope.decode(try newLog.entry(at: 5))
        #expect(revocation.kind == .revocation && revocation.version == 2 && revocation.body["target"]?.integerValue == 4)
        #expect(try Envelope.decode(try newLog.entry(at: 7)).body["target"]?.integerValue == 6)

        // Both directories verify; the old one was not written.
        for directory in [old + "/records", old + "/access", new + "/records", new + "/access", new + "/principal-log"] {
            #expect(LogVerifier.verify(directory: directory).isValid, "\(directory)")
        }
        #expect(try TransparencyLog.openReadOnly(directory: old + "/records").latestCheckpoint == oldCheckpoint)

        // No ID number, and no name of a person a record is about, in any leaf of the new
        // records log (a filing's legal representative is published by name, by design).
        for segment in try FileManager.default.contentsOfDirectory(atPath: new + "/records/segments") {
            let bytes = try #require(try DurableFile.read(new + "/records/segments/" + segment))
            for secret in Fixtures.idNumbers + ["张三", "林晓燕"] {
                #expect(!bytes.contains(Array(secret.utf8)), "\(secret) in \(segment)")
            }
        }

        let after = try await Self.answers(new, offset: 1, vault: try Self.keysFile(dir.base))
        #expect(after == before)
    }

    @Test func refusals() async throws {
        let dir = TemporaryDirectory("old")
        try await Self.makeV1Directory(dir.path)
        func refused(_ options: LogMigration.Options) async -> String? {
            do { _ = try await LogMigration(options: options).run() } catch let refusal as LogMigration.Refused {
                return refusal.description
            } catch { return "not a refusal: \(error)" }
            return nil
        }
        // NEW exists and is not empty.
        try PrivateDirectory.create(dir.base + "/new")
        try DurableFile.replace(dir.base + "/new/something", with: [1])
        #expect(await refused(try Self.options(dir.base))?.contains("is not empty") == true)
        try FileManager.default.removeItem(atPath: dir.base + "/new")

        // NEW inside OLD (a copy of OLD would carry NEW, and the reverse).
        var inside = try Self.options(dir.base)
        inside.to = dir.path + "/migrated"
        #expect(await refused(inside)?.contains("outside the old one") == true)
        #expect(!DurableFile.exists(dir.path + "/migrated"))

        // OLD is in use by a writer (the service holds this lock).
        let running = try TransparencyLog.open(directory: dir.path + "/records")
        #expect(await refused(try Self.options(dir.base))?.contains("the service is running") == true)
        try await running.close()
        #expect(!DurableFile.exists(dir.base + "/new"))

        // A bad authority is refused by pointer before NEW is created.
        var bad = try Self.options(dir.base)
        bad.authority["uscc"] = "113303040025997856"
        let message = await refused(bad)
        #expect(message?.contains("/body/authority/uscc") == true, "\(message ?? "accepted")")
        #expect(!DurableFile.exists(dir.base + "/new"))

        // OLD holds an objection: it names old seqs and lives in OLD's vault.
        let objection = StoredObjection(id: "o1", seq: 3, kind: "penalty", decisionNo: "x", authority: "a", authorityName: "a",
                                        subject: "k1:00", filedAt: "2026-12-06T00:00:00Z", content: "00", state: "open",
                                        reply: nil, repliedAt: nil, repliedBy: nil)
        try DurableFile.replace(dir.path + "/objections.json", with: Array(try JSONEncoder().encode([objection])))
        #expect(await refused(try Self.options(dir.base))?.contains("1 objection(s), 1 still open") == true)
        #expect(!DurableFile.exists(dir.base + "/new"))
        try FileManager.default.removeItem(atPath: dir.path + "/objections.json")

        // OLD fails verify: one flipped byte in a committed entry.
        let segment = dir.path + "/records/segments/000000000000.seg"
        var bytes = try #require(try DurableFile.read(segment))
        bytes[400] ^= 0x01
        try DurableFile.replace(segment, with: bytes)
        #expect(await refused(try Self.options(dir.base))?.contains("does not verify") == true)
        #expect(!DurableFile.exists(dir.base + "/new"))
    }

    /// A directory a service with a vault appended to after the upgrade: v1 entries, then sealed
    /// ones, one of them erased. With OLD's key file it migrates: the sealed records are opened
    /// and sealed again, the erased one goes over public-only, the erasure's seqs move, and the
    /// answers stay the same.
    @Test func aMixedDirectoryMigratesWithItsVault() async throws {
        let dir = TemporaryDirectory("old")
        let old = dir.path, new = dir.base + "/new"
        try await Self.makeV1Directory(old)
        let oldKeys = VaultKeys.generate()
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = old
        configuration.openVault = { try FileVault.open(directory: $0 + "/vault", keys: oldKeys) }
        let ledger = try await Ledger.open(configuration: configuration)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let wrong = try await ledger.appendRecord(Fixtures.bytes(Fixtures.personalPenalty(30, person: SealedEntryTests.person(7))), principal: admin, logger: ledger.logger)
        var revocation = Fixtures.revocation(target: wrong.seq, 31).objectValue!
        var body = revocation["body"]!.objectValue!
        body["decidedAt"] = .string(LocalDate.today().description)  // not before the penalty it withdraws
        revocation["body"] = .object(body)
        _ = try await ledger.appendRecord(Fixtures.bytes(.object(revocation)), principal: admin, logger: ledger.logger)
        _ = try await ledger.appendRecord(Fixtures.bytes(Fixtures.personalPenalty(32, person: SealedEntryTests.person(8))), principal: admin, logger: ledger.logger)
        let erasure: JSONValue = ["seqs": [.number(String(wrong.seq))], "basis": "data_error", "authority": Fixtures.authority(Fixtures.ouhaiHealth)]
        let erased = try await ledger.erase(Fixtures.bytes(erasure), principal: admin, logger: ledger.logger)
        try await ledger.close()
        let people = Self.people + [SealedEntryTests.person(7), SealedEntryTests.person(8)]
        let before = try await Self.answers(old, offset: 0, vault: oldKeys, people: people)
        #expect(before.last?.hasPrefix("records_found") == true)

        var options = try Self.options(dir.base)
        await #expect(throws: LogMigration.Refused.self) { _ = try await LogMigration(options: options).run() }
        #expect(!DurableFile.exists(new))
        options.openOldVault = { try FileVault.open(directory: $0 + "/vault", keys: oldKeys) }
        let report = try await LogMigration(options: options).run()
        #expect(report.kinds["erasure"] == 1 && report.appended.erased == 1)
        let newLog = try TransparencyLog.openReadOnly(directory: new + "/records")
        #expect(try Envelope.decode(try newLog.entry(at: erased.seq + 1)).body["seqs"] == [.number(String(wrong.seq + 1))])
        #expect(LogVerifier.verify(directory: new + "/records").isValid)
        let after = try await Self.answers(new, offset: 1, vault: try Self.keysFile(dir.base), people: people)
        #expect(after == before)
        // What OLD erased is in no byte of NEW.
        let erasedID = Array(SealedEntryTests.idNumber(7).utf8), erasedName = Array(SealedEntryTests.name(7).utf8)
        for file in SealedEntryTests.files(under: new) {
            let bytes = try #require(try DurableFile.read(file))
            #expect(!bytes.contains(erasedID) && !bytes.contains(erasedName), "\(file)")
        }
    }

    /// Through the command line: a refused run (OLD in use) exits 2 naming why, and creates
    /// neither NEW nor the vault key file.
    @Test func theCommandRefusesWithoutCreatingAnything() async throws {
        let careledger = try #require(BuiltExecutable.path("careledger"))
        let dir = TemporaryDirectory("old")
        try await Self.makeV1Directory(dir.path)
        let running = try TransparencyLog.open(directory: dir.path + "/records")
        let run = try await ChildProcess.capture(careledger, ["migrate", "--from", dir.path, "--to", dir.base + "/new",
                                                              "--vault-key-file", dir.base + "/new.vaultkey",
                                                              "--authority-name", Fixtures.ouhaiHealth.name, "--authority-uscc", Fixtures.ouhaiHealth.uscc,
                                                              "--authority-region", Fixtures.ouhaiHealth.region])
        try await running.close()
        #expect(run.outcome == .exited(2))
        #expect(String(decoding: run.stderr, as: UTF8.self).contains("the service is running"))
        #expect(!DurableFile.exists(dir.base + "/new") && !DurableFile.exists(dir.base + "/new.vaultkey"))
    }

    /// Only `careledger migrate` writes a migration record: submitted, it is refused by pointer.
    @Test func aMigrationRecordCannotBeSubmitted() async throws {
        let dir = TemporaryDirectory("data")
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = dir.path
        let ledger = try await Ledger.open(configuration: configuration)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let example = try #require(FileManager.default.contents(atPath: Self.repositoryRoot + "/schemas/examples/valid/migration-v1-log.json"))
        do {
            _ = try await ledger.appendRecord(Array(example), principal: admin, logger: ledger.logger)
            Issue.record("a migration record was appended")
        } catch let refusal as Refusal {
            #expect(refusal.errors.map(\.pointer) == ["/kind"] && refusal.errors.map(\.code) == ["not_submittable"])
        }
        #expect(ledger.log.size == 0)
        try await ledger.close()
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func aMigratedDirectoryIsNotMigratedAgain() async throws {
        let dir = TemporaryDirectory("old")
        try await Self.makeV1Directory(dir.path)
        _ = try await LogMigration(options: try Self.options(dir.base)).run()
        let keys = try Self.keysFile(dir.base)
        let again = LogMigration.Options(from: dir.base + "/new", to: dir.base + "/newer", authority: Self.authority,
                                         openVault: { try FileVault.open(directory: $0 + "/vault", keys: keys) })
        await #expect(throws: LogMigration.Refused.self) { _ = try await LogMigration(options: again).run() }
        #expect(!DurableFile.exists(dir.base + "/newer"))
    }
}

/// SIGKILL at every step of `careledger migrate` (in `migrate-crash-child`): NEW is left
/// marked incomplete, the real command refuses it and says to delete it, and a run after
/// the deletion completes and verifies.
@Suite(.serialized, .tags(.slow)) struct MigrationCrashTests {
    @Test(arguments: ["created", "copied", "first-batch", "appended", "reported"])
    func killedMidMigration(_ step: String) async throws {
        let child = try #require(BuiltExecutable.path("migrate-crash-child"), "migrate-crash-child is not built next to the test binary")
        let careledger = try #require(BuiltExecutable.path("careledger"))
        let dir = TemporaryDirectory("old")
        let old = dir.path, new = dir.base + "/new", keyFile = dir.base + "/new.vaultkey"
        try await MigrationTests.makeV1Directory(old, extra: 1500)
        let arguments = ["--from", old, "--to", new, "--vault-key-file", keyFile]

        let killed = try await ChildProcess.capture(child, arguments + ["--crash-at", step])
        #expect(killed.outcome == .killed(SIGKILL), "\(String(decoding: killed.stderr, as: UTF8.self))")
        #expect(DurableFile.exists(new + "/" + LogMigration.marker))

        let rerun = try await ChildProcess.capture(careledger, ["migrate"] + arguments + [
            "--authority-name", Fixtures.ouhaiHealth.name, "--authority-uscc", Fixtures.ouhaiHealth.uscc,
            "--authority-region", Fixtures.ouhaiHealth.region])
        #expect(rerun.outcome == .exited(2))
        let message = String(decoding: rerun.stderr, as: UTF8.self)
        #expect(message.contains("interrupted migration") && message.contains("rm -rf \(new)"), "\(message)")
        // The old directory was only read: it still verifies, as the service left it.
        let verifyOld = try await ChildProcess.capture(careledger, ["verify", "--data", old])
        #expect(verifyOld.outcome == .exited(0))

        try FileManager.default.removeItem(atPath: new)
        let finished = try await ChildProcess.capture(careledger, ["migrate"] + arguments + [
            "--authority-name", Fixtures.ouhaiHealth.name, "--authority-uscc", Fixtures.ouhaiHealth.uscc,
            "--authority-region", Fixtures.ouhaiHealth.region])
        let out = String(decoding: finished.stdout, as: UTF8.self)
        #expect(finished.outcome == .exited(0), "\(String(decoding: finished.stderr, as: UTF8.self))")
        #expect(out.contains("migrated 1511 records") && out.contains("inspection: 1501") && out.contains("revocation: 1"))
        let verifyNew = try await ChildProcess.capture(careledger, ["verify", "--data", new])
        #expect(verifyNew.outcome == .exited(0), "\(String(decoding: verifyNew.stderr, as: UTF8.self))")
        #expect(!DurableFile.exists(new + "/" + LogMigration.marker))
    }
}
