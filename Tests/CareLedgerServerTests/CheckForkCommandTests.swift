import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerTestSupport
import Synchronization
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Issue 17 part 7 as an HR clerk's machine sees it: `careledger check` with the log's key
/// remembers the checkpoint it verified, accepts a log that grew from it, and exits 2 with a
/// message naming the fork when a restored copy of the service has appended something else
/// at the same size.
@Suite struct CheckForkCommandTests {
    @Test func checkExitsTwoWhenTheServiceForked() async throws {
        let binary = try #require(BuiltExecutable.path("careledger"))
        let root = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var test = try await TestServer.start(directory: root + "/live")
        let admin = test.adminToken
        let roles = try await test.test { client in try await client.makeRoles(admin: admin) }
        try roles[.institution].write(toFile: root + "/token", atomically: true, encoding: .utf8)
        try test.server.log.verifier.vkey.write(toFile: root + "/vkey", atomically: true, encoding: .utf8)

        /// One check through the command against `server`, remembering checkpoints in root/memory.
        func check(_ server: TestServer) async throws -> (status: Int32?, stderr: String) {
            let result = Mutex<(Int32?, String)>((nil, ""))
            try await server.live { port in
                let run = try await ChildProcess.capture(binary, [
                    "check", "--server", "http://127.0.0.1:\(port)", "--token-file", root + "/token",
                    "--id-type", "resident_id", "--id", "330381199211083443", "--name", "林晓燕", "--purpose", "hiring",
                    "--consent-ref", "SQ-2026-7", "--vkey-file", root + "/vkey", "--checkpoints", root + "/memory",
                ])
                guard case .exited(let status) = run.outcome else { return }
                result.withLock { $0 = (status, String(decoding: run.stderr, as: UTF8.self)) }
            }
            return result.withLock { $0 }
        }
        func append(_ server: TestServer, _ record: JSONValue) async throws {
            let status = try await server.test { client in try await client.send(.post, "/v1/records", token: admin, json: record).status }
            #expect(status == .created)
        }

        try await append(test, Fixtures.filing(1))
        #expect(try await check(test).status == 0, "the first check verifies and remembers the checkpoint")
        // A backup of the service as it is now.
        try await test.close()
        try FileManager.default.copyItem(atPath: root + "/live", toPath: root + "/backup")
        test = try await test.restart()
        try await append(test, Fixtures.penalty(1))
        #expect(try await check(test).status == 0, "a log that grew from the remembered checkpoint is accepted")
        try await test.close()

        // The backup restored and written to: the same size as the log the client saw, another root.
        let restored = try await TestServer.start(directory: root + "/backup", vault: test.vault)
        try await append(restored, Fixtures.penalty(2))
        let forked = try await check(restored)
        #expect(forked.status == 2)
        #expect(forked.stderr.contains("not consistent") || forked.stderr.lowercased().contains("fork"), "\(forked.stderr)")
        try await restored.close()
    }
}
