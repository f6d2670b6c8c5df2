import Foundation
import Testing
@testable import CareLedgerServer
@testable import LedgerCore
import PersonalVault

/// A start re-applies erasures to a vault restored from before them: those the index
/// snapshot's prefix of the log names, and those in the log's tail after it.
@Suite(.serialized) struct ErasureRestartTests {
    /// Appends a record about 张三, revokes it for a data error and erases it; answers its seq
    /// and the vault as it was before the erasure.
    static func eraseOne(_ test: TestServer) async throws -> (seq: UInt64, backup: MemoryVault, auditor: String) {
        let admin = test.adminToken
        return try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try ErasureRouteTests.seq(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.personalPenalty(1)))
            _ = try ErasureRouteTests.seq(try await client.send(.post, "/v1/records", token: roles[.inspector], json: ErasureRouteTests.revocation(target: seq, 2)))
            let backup = test.vault.copy()
            let erased = try await client.send(.post, "/v1/erasures", token: admin, json: ErasureRouteTests.erasure(seqs: [seq], basis: "data_error"))
            #expect(erased.status == .created, "\(erased.summary)")
            return (seq, backup, roles[.auditor])
        }
    }

    static func expectErased(_ test: TestServer, seq: UInt64, auditor: String) async throws {
        #expect(test.capture.all.contains { $0.contains("erasures re-applied") })
        try await test.test { client in
            let record = try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: auditor).json()
            #expect(record["erased"] == .bool(true) && record["opened"] == nil)
        }
    }

    @Test func anErasureTheIndexSnapshotCoversIsReappliedFromTheSnapshot() async throws {
        let first = try await TestServer.start()
        defer { first.remove() }
        let (seq, backup, auditor) = try await Self.eraseOne(first)
        // The clean close writes a snapshot that covers the erasure: the start finds it there.
        let second = try await first.restart(vault: backup)
        let data = ServerDataDirectory(second.dataDirectory)
        #expect(FileManager.default.fileExists(atPath: data.indexSnapshot))
        try await Self.expectErased(second, seq: seq, auditor: auditor)
        try await second.close()
    }

    @Test func anErasureAfterTheIndexSnapshotIsFoundInTheLogsTail() async throws {
        let first = try await TestServer.start()
        defer { first.remove() }
        // A snapshot of the log before the erasure, put back before the restart.
        let warmed = try await first.restart()
        let data = ServerDataDirectory(warmed.dataDirectory)
        let before = try #require(FileManager.default.contents(atPath: data.indexSnapshot))
        let (seq, backup, auditor) = try await Self.eraseOne(warmed)
        try await warmed.close()
        try before.write(to: URL(fileURLWithPath: data.indexSnapshot))
        let restored = try await TestServer.start(directory: warmed.directory, capture: warmed.capture, vault: backup)
        try await Self.expectErased(restored, seq: seq, auditor: auditor)
        try await restored.close()
    }
}
