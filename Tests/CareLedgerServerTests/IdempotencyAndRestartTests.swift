import CreditRecords
import DurableStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

@Suite struct IdempotencyAndRestartTests {
    static func keyed(_ key: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name("Idempotency-Key")!] = key
        return headers
    }

    @Test func aKeyReplaysItsAnswerAndRefusesAnotherBody() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let inspector = roles[.inspector]
            let first = try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.penalty(5), headers: Self.keyed("k-1"))
            #expect(first.status == .created)
            let again = try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.penalty(5), headers: Self.keyed("k-1"))
            #expect(again.status == .created)
            #expect(again.bytes == first.bytes)
            #expect(test.server.log.size == 1)

            let other = try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.penalty(6), headers: Self.keyed("k-1"))
            #expect(other.status == .conflict)
            #expect(other.isProblem)

            // Keys are scoped to the principal: the admin's k-1 is another key.
            let admins = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(7), headers: Self.keyed("k-1"))
            #expect(admins.status == .created)

            // A refused request is not remembered: fixed, it may be retried with the same key.
            let refused = try await client.send(.post, "/v1/records", token: inspector, body: Array("{".utf8), headers: Self.keyed("k-2"))
            #expect(refused.status == .badRequest)
            let retried = try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.penalty(8), headers: Self.keyed("k-2"))
            #expect(retried.status == .created)

            for bad in [String(repeating: "k", count: 129), "", "ключ"] {
                var headers = HTTPFields()
                headers[HTTPField.Name("Idempotency-Key")!] = bad
                let response = try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.penalty(9), headers: headers)
                #expect(response.status == .badRequest, "\(bad.count) characters")
            }
            var twice = HTTPFields()
            twice.append(HTTPField(name: HTTPField.Name("Idempotency-Key")!, value: "a"))
            twice.append(HTTPField(name: HTTPField.Name("Idempotency-Key")!, value: "b"))
            let repeated = try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.penalty(9), headers: twice)
            #expect(repeated.status == .badRequest)
            #expect(test.server.log.size == 3)
        }
        try await test.close()
    }

    @Test func aKeyInFlightIsAConflict() throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try IdempotencyStore.open(path: directory + "/idempotency.jsonl", retention: 86_400)
        #expect(store.begin(principal: "p", key: "k", bodySHA256: "aa") == .proceed)
        #expect(store.begin(principal: "p", key: "k", bodySHA256: "aa") == .inFlight)
        #expect(store.begin(principal: "p", key: "k", bodySHA256: "bb") == .inFlight)
        #expect(store.begin(principal: "q", key: "k", bodySHA256: "aa") == .proceed)
        store.abandon(principal: "p", key: "k")
        #expect(store.begin(principal: "p", key: "k", bodySHA256: "aa") == .proceed)
    }

    @Test func expiredKeysAreDroppedAtStart() throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/idempotency.jsonl"
        let store = try IdempotencyStore.open(path: path, retention: 86_400, now: 1_000_000)
        for (key, at) in [("old", Int64(1_000_000)), ("new", Int64(1_080_000))] {
            #expect(store.begin(principal: "p", key: key, bodySHA256: "aa") == .proceed)
            try store.complete(.init(principal: "p", key: key, bodySHA256: "aa", status: 201, body: "e30=",
                                     contentType: "application/json", createdAt: at), now: at)
        }
        // A torn last line, as a crash mid-write leaves.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"principal":"p","ke"#.utf8))
        try handle.close()

        let reopened = try IdempotencyStore.open(path: path, retention: 86_400, now: 1_000_000 + 86_401)
        #expect(reopened.count == 1)
        #expect(reopened.begin(principal: "p", key: "old", bodySHA256: "aa") == .proceed)
        guard case .replay = reopened.begin(principal: "p", key: "new", bodySHA256: "aa") else {
            Issue.record("the recent key was forgotten")
            return
        }
        #expect(DurableFile.mode(of: path) == 0o600)
    }

    @Test func aRestartKeepsPrincipalsKeysAndTheRegistry() async throws {
        var test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let (roles, receipt) = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let receipt = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.penalty(5),
                                                headers: Self.keyed("restart-key"))
            #expect(receipt.status == .created)
            return (roles, receipt.bytes)
        }
        test = try await test.restart()
        #expect(test.server.ledger.index.summary(of: 0)?.kind == .penalty)
        #expect(test.server.ledger.index.isRecorded(documentNumber: "瓯卫罚〔2026〕5号", authority: Fixtures.ouhaiHealth.uscc))
        try await test.test { client in
            let replay = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.penalty(5),
                                               headers: Self.keyed("restart-key"))
            #expect(replay.status == .created)
            #expect(replay.bytes == receipt)
            let auditor = try await client.send(.get, "/v1/records/0?purpose=audit", token: roles[.auditor])
            #expect(auditor.status == .ok)
            let revoked = try await client.send(.get, "/v1/records/0", token: roles.revoked)
            #expect(revoked.status == .unauthorized)
            if Fixtures.fullValidator {
                let duplicate = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.penalty(5))
                #expect(duplicate.status == .badRequest)
                #expect(try duplicate.problemPointers().contains("/body/decisionNo"))
            }
        }
        #expect(test.server.log.size == 1)
        try await test.close()
    }
}
