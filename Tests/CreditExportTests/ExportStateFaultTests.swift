import CreditExport
import DurableStorage
import Foundation
import LedgerTestSupport
import Testing

/// The export's cursor and batch rename go through the injected `StorageIO`: a write that
/// fails part way (fsync, rename, a full disk, a short write) leaves the previous cursor
/// whole, nothing half-written beside it, and the next run exports every seq exactly once.
@Suite struct ExportStateFaultTests {
    @Test(arguments: ReplaceFault.allCases)
    func aFailedCursorWriteLeavesThePreviousCursor(_ fault: ReplaceFault) throws {
        let directory = TemporaryDirectory("spool")
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: false)
        let io = FaultInjectingIO()
        var older = ExportState(origin: "careledger.test/records", vkey: "careledger.test/records+0+key")
        older.pushedThrough = 0
        try older.save(directory: directory.path, io: io)
        let before = try #require(FileManager.default.contents(atPath: directory.path + "/" + ExportState.fileName))

        var newer = older
        newer.checkpoint = "a checkpoint note"
        fault.arm(io, onPathContaining: ExportState.fileName)
        #expect(throws: ExportError.self) { try newer.save(directory: directory.path, io: io) }
        #expect(io.firedFaults.count == 1, "\(fault) was not injected")
        #expect(FileManager.default.contents(atPath: directory.path + "/" + ExportState.fileName) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [ExportState.fileName])
        #expect(try ExportState.load(directory: directory.path) == older)

        try newer.save(directory: directory.path, io: io)
        #expect(try ExportState.load(directory: directory.path) == newer)
    }

    /// A run whose cursor write fails after the batch was renamed into place: the cursor
    /// still says where the previous run ended, and the next run adopts the batch instead
    /// of building another over the same seqs.
    @Test(arguments: ReplaceFault.allCases)
    func aRunWhoseCursorWriteFailsIsCompletedByTheNext(_ fault: ReplaceFault) async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        _ = try await log.export()
        let cursor = try #require(try ExportState.load(directory: log.spool))
        try await log.append([ExportFixtures.entry(ExportFixtures.revocation(target: 0))])

        let io = FaultInjectingIO()
        fault.arm(io, onPathContaining: ExportState.fileName)
        await #expect(throws: ExportError.self) { try await log.exporter(io: io).run() }
        #expect(io.firedFaults.count == 1, "\(fault) was not injected")
        #expect(try ExportState.load(directory: log.spool) == cursor)
        let names = try FileManager.default.contentsOfDirectory(atPath: log.spool)
        #expect(!names.contains { $0.contains(".tmp") }, "\(names)")

        let report = try await log.exporter(io: io).run()
        #expect(report.built == log.batches().last)
        #expect(log.batches().count == 2)
        #expect(try ExportState.load(directory: log.spool)?.next == cursor.next + 1)
    }

    /// The batch directory's rename fails: no batch appears, the cursor is unchanged, and the
    /// next run builds the same batch.
    @Test func aFailedBatchRenameLeavesNoBatch() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let io = FaultInjectingIO()
        io.inject(.failBeforeWrite(EIO), at: .init(operation: .rename))
        await #expect(throws: ExportError.self) { try await log.exporter(io: io).run() }
        #expect(log.batches().isEmpty)
        #expect(try ExportState.load(directory: log.spool) == nil)

        let report = try await log.exporter(io: io).run()
        #expect(log.batches() == [try #require(report.built)])
        #expect(try ExportState.load(directory: log.spool)?.next == UInt64(ExportFixtures.mixed.count))
    }
}
