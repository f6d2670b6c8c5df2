import DurableStorage
import Foundation
import LedgerTestSupport
import Testing
@testable import BackgroundIndex

/// A snapshot write that fails part way (fsync, rename, a full disk, a short write) through
/// the injected `StorageIO`: the caller gets the error, the previous snapshot is byte for byte
/// what it was and still loads, and nothing half-written is left beside it.
@Suite struct SnapshotWriteFaultTests {
    @Test(arguments: ReplaceFault.allCases)
    func aFailedWriteLeavesThePreviousSnapshot(_ fault: ReplaceFault) throws {
        let directory = TemporaryDirectory("index")
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: false)
        let path = directory.path + "/index.snapshot"
        let io = FaultInjectingIO()
        let (older, _) = try build(Array(mixedLog.prefix(6)))
        try older.writeSnapshot(to: path, rootHash: fakeRoot(older.size), io: io)
        let before = try #require(FileManager.default.contents(atPath: path))

        let (newer, _) = try build(mixedLog)
        fault.arm(io, onPathContaining: "index.snapshot")
        #expect(throws: BackgroundIndex.SnapshotError.self) { try newer.writeSnapshot(to: path, rootHash: fakeRoot(newer.size), io: io) }
        #expect(io.firedFaults.count == 1, "\(fault) was not injected")
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["index.snapshot"])
        let (loaded, problem) = BackgroundIndex.loadSnapshot(from: path, rootAt: { fakeRoot($0) })
        #expect(problem == nil)
        #expect(loaded?.size == older.size)

        // The fault has cleared: the same store writes the newer snapshot.
        try newer.writeSnapshot(to: path, rootHash: fakeRoot(newer.size), io: io)
        #expect(BackgroundIndex.loadSnapshot(from: path, rootAt: { fakeRoot($0) }).index?.size == newer.size)
    }
}
