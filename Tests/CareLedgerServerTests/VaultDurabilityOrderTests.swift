import CreditRecords
import DurableStorage
import Foundation
import LedgerTestSupport
import PersonalVault
import Synchronization
import Testing
import TransparencyLog
@testable import LedgerCore

/// Issue 15's invariant for the vault's sync moving off the log's commit: a checkpoint that
/// covers a sealed entry is never written (so never durable, never published) before the
/// vault frames for it are durable. These fail if the vault sync is skipped, or joined only
/// after the log has written the batch.
@Suite(.serialized) struct VaultDurabilityOrderTests {
    /// Passes everything to the disk; after each fdatasync of the vault's sealed file, notes
    /// how many bytes the records log's segments held at that moment.
    final class SyncObservingIO: StorageIO, @unchecked Sendable {
        let base = PosixIO()
        let segments: String
        private let state = Mutex<(paths: [Int32: String], seen: [Int])>(([:], []))

        init(segments: String) { self.segments = segments }

        func segmentBytes() -> Int {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: segments)) ?? []
            return names.reduce(0) { total, name in
                total + (((try? FileManager.default.attributesOfItem(atPath: segments + "/" + name))?[.size] as? Int) ?? 0)
            }
        }

        /// The segment bytes seen at each sealed-file fdatasync since the last call.
        func takeObserved() -> [Int] { state.withLock { s in defer { s.seen = [] }; return s.seen } }

        func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 {
            let fd = try base.open(path, flags: flags, mode: mode)
            state.withLock { $0.paths[fd] = path }
            return fd
        }
        func pwrite(_ fd: Int32, _ data: UnsafeRawBufferPointer, offset: Int64) throws -> Int { try base.pwrite(fd, data, offset: offset) }
        func fdatasync(_ fd: Int32) throws {
            try base.fdatasync(fd)
            guard state.withLock({ $0.paths[fd]?.hasSuffix("/sealed") ?? false }) else { return }
            let bytes = segmentBytes()
            state.withLock { $0.seen.append(bytes) }
        }
        func ftruncate(_ fd: Int32, length: Int64) throws { try base.ftruncate(fd, length: length) }
        func rename(_ from: String, _ to: String) throws { try base.rename(from, to) }
        func fsyncDirectory(_ path: String) throws { try base.fsyncDirectory(path) }
        func close(_ fd: Int32) { base.close(fd) }
    }

    static func open(_ directory: String, io: any StorageIO) async throws -> Ledger {
        let keys = VaultKeys.generate()
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory
        configuration.openVault = { data in try FileVault.open(directory: data + "/vault", keys: keys, io: io) }
        return try await Ledger.open(configuration: configuration)
    }

    static func directory() -> String { NSTemporaryDirectory() + "careledger-vault-order-\(UUID().uuidString)" }

    /// A ledger on a disk that can fail on demand, holding one ban appended by the admin.
    static func openAfterOneBan(_ directory: String) async throws -> (Ledger, FaultInjectingIO, Principal) {
        let io = FaultInjectingIO()
        let ledger = try await open(directory, io: io)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(1)), principal: admin, logger: ledger.logger)
        return (ledger, io, admin)
    }

    @Test func eachSealIsDurableBeforeTheLogWritesItsLeaf() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let io = SyncObservingIO(segments: directory + "/records/segments")
        let ledger = try await Self.open(directory, io: io)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        for n in 1...4 {
            let before = io.segmentBytes()
            _ = io.takeObserved()
            _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(n)), principal: admin, logger: ledger.logger)
            let seen = io.takeObserved()
            // Skipped: no sync at all. Joined after the commit point: the log had already
            // written the batch (its entries and checkpoint frame) when the sync finished.
            #expect(!seen.isEmpty, "append \(n): the vault was never synced")
            #expect(seen.first == before, "append \(n): the log held \(seen.first ?? -1) segment bytes (\(before) before the append) when the vault sync finished")
            #expect(io.segmentBytes() > before, "append \(n): nothing reached the log")
        }
        try await ledger.close()
    }

    @Test func aFailedVaultSyncRefusesTheAppendAndTheLogTakesNothing() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ledger, io, admin) = try await Self.openAfterOneBan(directory)
        let size = ledger.log.size
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync, pathContaining: "/vault/sealed"))
        do {
            _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(2)), principal: admin, logger: ledger.logger)
            Issue.record("an append whose personal part could not be made durable was acknowledged")
        } catch let refusal as Refusal {
            #expect(refusal.kind == .unavailable)
        }
        #expect(io.firedFaults.count == 1)
        #expect(ledger.log.size == size)
        try await ledger.close()
    }

    /// The disk works again: the next append puts the vault back in place (no restart) and is
    /// taken; the record whose sync failed is not in the vault, the ones before and after are.
    @Test func afterAFailedVaultSyncTheNextAppendRecoversTheVaultWithoutARestart() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let io = FaultInjectingIO()
        let ledger = try await Self.open(directory, io: io)
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let first = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(1)), principal: admin, logger: ledger.logger)
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync, pathContaining: "/vault/sealed"))
        await #expect(throws: Refusal.self) {
            _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(2)), principal: admin, logger: ledger.logger)
        }
        io.clearFaults()
        let third = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(3)), principal: admin, logger: ledger.logger)
        #expect(ledger.vault.recoveries == 1)
        #expect(ledger.log.size == 2)
        for receipt in [first, third] {
            let opened = try ledger.sealed.opened(try ledger.log.entry(at: receipt.seq))
            #expect(opened != nil, "seq \(receipt.seq) lost its personal part")
        }
        try await ledger.close()
    }
}

extension VaultDurabilityOrderTests {
    /// The log's fence is the vault's recoveries: a leaf sealed before a recovery (which cut
    /// every frame not yet synced, its own among them) is refused by the log even though the
    /// vault's sync in the leaf's batch succeeds, and nothing reaches the log.
    @Test func aLeafSealedBeforeAVaultRecoveryIsRefusedByTheLog() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ledger, io, admin) = try await Self.openAfterOneBan(directory)
        let size = ledger.log.size

        let body = try #require(Fixtures.ban(2).objectValue?["body"]?.objectValue)
        let envelope = Envelope(kind: .ban, body: body, submittedAt: "2026-12-07T00:00:00Z",
                                submittedBy: Submitter(principal: admin.id, authority: nil), clientSignature: nil)
        let fence = ledger.vault.recoveries
        let sealed = try ledger.seal(envelope, people: RecordSubjects.people(in: body), logger: ledger.logger)
        #expect(sealed.commitment != nil)
        io.inject(.fsyncFails(persisted: false), at: FaultInjectingIO.Trigger(operation: .fdatasync, pathContaining: "/vault/sealed"))
        #expect(throws: VaultError.self) { try ledger.vault.sync() }
        io.clearFaults()
        try ledger.vault.recoverIfFailed()
        #expect(ledger.vault.recoveries == fence + 1)

        await #expect(throws: LogError.fenced(entry: fence, current: fence + 1)) {
            _ = try await ledger.log.append(sealed.leaf, fence: fence)
        }
        #expect(ledger.log.size == size)
        // The vault works again, and appends go on.
        _ = try await ledger.appendRecord(try CanonicalJSON.encode(Fixtures.ban(3)), principal: admin, logger: ledger.logger)
        #expect(ledger.log.size == size + 1)
        try await ledger.close()
    }
}
