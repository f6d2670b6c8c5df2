import DurableStorage
import Foundation
import LedgerTestSupport
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// principals.json and idempotency.jsonl are replaced through the injected `StorageIO`: a
/// write that fails part way (fsync, rename, a full disk, a short write) reaches the caller,
/// leaves the previous file byte for byte, and leaves nothing half-written beside it.
@Suite struct ServerFileFaultTests {
    static func emptyDirectory() throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("data")
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: false)
        return directory
    }

    @Test(arguments: ReplaceFault.allCases)
    func aFailedPrincipalsWriteLeavesThePreviousFile(_ fault: ReplaceFault) throws {
        let directory = try Self.emptyDirectory()
        let path = directory.path + "/principals.json"
        let io = FaultInjectingIO()
        let store = try PrincipalStore.create(path: path, adminId: "admin", token: BearerToken.generate(), now: "2026-12-04T00:00:00Z", expiresAt: nil, io: io)
        let before = try #require(try DurableFile.read(path))

        fault.arm(io, onPathContaining: "principals.json")
        #expect(throws: StorageError.self) {
            try store.create(id: "admin-2", role: .admin, authority: nil, institution: nil, publicKey: nil, now: "2026-12-04T00:00:01Z", expiresAt: nil)
        }
        #expect(io.firedFaults.count == 1, "\(fault) was not injected")
        #expect(try DurableFile.read(path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["principals.json"])
        #expect(DurableFile.mode(of: path) == 0o600)
        #expect(try PrincipalStore.load(path: path)?.all.map(\.id) == ["admin"])

        _ = try store.create(id: "admin-2", role: .admin, authority: nil, institution: nil, publicKey: nil, now: "2026-12-04T00:00:02Z", expiresAt: nil)
        #expect(try PrincipalStore.load(path: path)?.all.map(\.id) == ["admin", "admin-2"])
    }

    /// Opening the store compacts the file (an expired key is dropped) by replacing it.
    @Test(arguments: ReplaceFault.allCases)
    func aFailedIdempotencyCompactionLeavesThePreviousFile(_ fault: ReplaceFault) throws {
        let directory = try Self.emptyDirectory()
        let path = directory.path + "/idempotency.jsonl"
        let store = try IdempotencyStore.open(path: path, retention: 86_400, now: 1_000_000)
        for (key, at) in [("old", Int64(1_000_000)), ("new", Int64(1_080_000))] {
            #expect(store.begin(principal: "p", key: key, bodySHA256: "aa") == .proceed)
            try store.complete(.init(principal: "p", key: key, bodySHA256: "aa", status: 201, body: "e30=",
                                     contentType: "application/json", createdAt: at), now: at)
        }
        let before = try #require(try DurableFile.read(path))

        let io = FaultInjectingIO()
        fault.arm(io, onPathContaining: "idempotency.jsonl")
        #expect(throws: StorageError.self) { try IdempotencyStore.open(path: path, retention: 86_400, now: 1_000_000 + 86_401, io: io) }
        #expect(io.firedFaults.count == 1, "\(fault) was not injected")
        #expect(try DurableFile.read(path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["idempotency.jsonl"])

        let reopened = try IdempotencyStore.open(path: path, retention: 86_400, now: 1_000_000 + 86_401, io: io)
        #expect(reopened.count == 1)
        #expect(try DurableFile.read(path)?.count ?? 0 < before.count)
    }
}
