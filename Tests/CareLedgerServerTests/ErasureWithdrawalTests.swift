import CreditRecords
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// A record revoked as a data error that the service's export put on the national platform
/// is erased only once its 撤回 has been exported (docs/operations.md "Erasure"): erased
/// first, its withdrawal could not name the person, and the wrong row would stay published.
@Suite struct ErasureWithdrawalTests {
    typealias E = ErasureRouteTests

    /// A penalty naming 张三 and its revocation as a data error: the penalty's seq.
    static func wrongRecord(_ client: any TestClientProtocol, inspector: String) async throws -> UInt64 {
        let wrong = try E.seq(try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.personalPenalty(1)))
        _ = try E.seq(try await client.send(.post, "/v1/records", token: inspector, json: E.revocation(target: wrong, 2)))
        return wrong
    }

    @Test func aDataErrorRecordOnThePlatformWaitsForItsWithdrawal() async throws {
        let onPlatform = Mutex<Set<UInt64>>([])
        let asked = Mutex<[[UInt64]]>([])
        let test = try await TestServer.start(configure: { configuration in
            configuration.platformExport = PlatformExport { seqs in
                asked.withLock { $0.append(seqs) }
                return onPlatform.withLock { exported in Set(seqs.filter { exported.contains($0) }) }
            }
        })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let wrong = try await Self.wrongRecord(client, inspector: roles[.inspector])
            onPlatform.withLock { $0 = [wrong] }

            let refused = try await client.send(.post, "/v1/erasures", token: admin, json: E.erasure(seqs: [wrong], basis: "data_error"))
            #expect(refused.status == .conflict, "\(refused.summary)")
            #expect(refused.text.contains("erasure-withdrawal-not-exported") && refused.text.contains("withdrawal_not_exported"), "\(refused.text)")
            #expect(refused.text.contains("\"/seqs\""))
            #expect(!refused.text.contains(E.zhang.0) && !refused.text.contains(E.zhang.1))
            // Nothing was erased or recorded: the record still opens, and no erasure was appended.
            let record = try await client.send(.get, "/v1/records/\(wrong)?purpose=audit", token: roles[.auditor])
            #expect(record.text.contains(E.zhang.1))
            #expect(try await client.send(.get, "/v1/records/2?purpose=audit", token: roles[.auditor]).status == .notFound)
            // The same for the person as a whole.
            let bySubject = try await client.send(.post, "/v1/erasures", token: admin, json: E.erasure(subject: E.zhang, basis: "data_error"))
            #expect(bySubject.status == .conflict && bySubject.text.contains("\"/subject\""), "\(bySubject.summary)")

            // Once the export has sent the withdrawal, the erasure goes through.
            onPlatform.withLock { $0 = [] }
            let erased = try await client.send(.post, "/v1/erasures", token: admin, json: E.erasure(seqs: [wrong], basis: "data_error"))
            #expect(erased.status == .created, "\(erased.summary)")
            #expect(!(try await client.send(.get, "/v1/records/\(wrong)?purpose=audit", token: roles[.auditor]).text.contains(E.zhang.1)))
            // Only data-error targets are asked about: the revocation itself is never exported as a row.
            #expect(asked.withLock { $0 }.allSatisfy { $0 == [wrong] }, "\(asked.withLock { $0 })")
        }
        try await test.close()
    }

    /// An export run under way may have opened a record its cursor does not show yet: an
    /// erasure meanwhile is refused (503, nothing recorded), and a run waits for an erasure.
    @Test func anErasureAndAnExportRunExcludeEachOther() async throws {
        let export = PlatformExport { _ in [] }
        let test = try await TestServer.start(configure: { $0.platformExport = export })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let wrong = try await Self.wrongRecord(client, inspector: roles[.inspector])
            await export.beginRun()
            let busy = try await client.send(.post, "/v1/erasures", token: admin, json: E.erasure(seqs: [wrong], basis: "data_error"))
            #expect(busy.status == .serviceUnavailable && busy.headers[.retryAfter] != nil, "\(busy.summary)")
            #expect(try await client.send(.get, "/v1/records/2?purpose=audit", token: roles[.auditor]).status == .notFound, "no erasure recorded")
            export.endRun()
            #expect(export.beginErasure())
            let waiting = Task { await export.beginRun(); return ContinuousClock.now }
            try await Task.sleep(for: .milliseconds(100))
            let released = ContinuousClock.now
            export.endErasure()
            #expect(await waiting.value >= released, "the run began only after the erasure ended")
            export.endRun()
            let erased = try await client.send(.post, "/v1/erasures", token: admin, json: E.erasure(seqs: [wrong], basis: "data_error"))
            #expect(erased.status == .created, "\(erased.summary)")
        }
        try await test.close()
    }

    @Test func anUnreadableExportStateErasesNothing() async throws {
        struct Unreadable: Error {}
        let test = try await TestServer.start(configure: { $0.platformExport = PlatformExport { _ in throw Unreadable() } })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let wrong = try await Self.wrongRecord(client, inspector: roles[.inspector])
            let refused = try await client.send(.post, "/v1/erasures", token: admin, json: E.erasure(seqs: [wrong], basis: "data_error"))
            #expect(refused.status == .serviceUnavailable, "\(refused.summary)")
            #expect(try await client.send(.get, "/v1/records/\(wrong)?purpose=audit", token: roles[.auditor]).text.contains(E.zhang.1))
        }
        try await test.close()
    }
}
