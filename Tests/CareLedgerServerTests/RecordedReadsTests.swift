import CreditRecords
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Issue 17, part 1: reads of personal parts say why (`purpose`, `caseRef`), are recorded in
/// the access log before the answer goes out, stay within a daily read quota answered from
/// memory, and an inspector reads another authority's records only with a case reference,
/// flagged in the audit. The public view stays open and unrecorded.
@Suite struct RecordedReadsTests {
    static let marketInspector = "insp-market-01"

    /// The last access-log entry as a read entry.
    static func lastRead(_ test: TestServer) throws -> ReadEntry {
        let log = test.server.ledger.access.log
        let bytes = try log.entry(at: log.size - 1)
        let text = String(decoding: bytes, as: UTF8.self)
        for secret in Fixtures.idNumbers + Fixtures.personNames { #expect(!text.contains(secret), "the access entry names a person") }
        return try #require(ReadEntry.decode(bytes), "not a read entry: \(text)")
    }

    static func appendBan(_ client: any TestClientProtocol, _ roles: RoleTokens, _ n: Int = 1) async throws -> UInt64 {
        let response = try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(n)))
        guard response.status == .created, let seq = try response.json()["seq"]?.integerValue else { throw TestFailure(response.summary) }
        return UInt64(seq)
    }

    @Test func aReadNeedsAPurposeAndIsRecordedBeforeTheAnswer() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try await Self.appendBan(client, roles)
            let access = test.server.ledger.access.log
            let before = access.size

            let bare = try await client.send(.get, "/v1/records/\(seq)", token: roles[.inspector])
            #expect(bare.status == .badRequest)
            #expect(try bare.problemPointers() == ["purpose"])
            for bad in ["purpose=curiosity", "purpose=inspection&caseRef=a%20b", "purpose=inspection&caseRef=%E5%BC%A0%E4%B8%89",
                        "purpose=case_review", "purpose=inspection&purpose=audit", "view=private"] {
                let response = try await client.send(.get, "/v1/records/\(seq)?\(bad)", token: roles[.inspector])
                #expect(response.status == .badRequest, "\(bad): \(response.summary)")
                #expect(!response.text.contains("张三"))
            }
            let wrongRole = try await client.send(.get, "/v1/records/\(seq)?purpose=export", token: roles[.inspector])
            #expect(wrongRole.status == .forbidden)
            #expect(try wrongRole.problemPointers() == ["purpose"])

            // The public view: the sealed leaf, no person, nothing recorded.
            let publicView = try await client.send(.get, "/v1/records/\(seq)?view=public", token: roles[.inspector])
            #expect(publicView.status == .ok)
            let publicObject = try publicView.json()
            #expect(publicObject["opened"] == nil)
            #expect(publicObject["entry"]?.objectValue?["body"]?.objectValue?["person"] == nil)
            #expect(publicObject["inclusionProof"] != nil)
            #expect(access.size == before)

            let read = try await client.send(.get, "/v1/records/\(seq)?purpose=inspection", token: roles[.inspector])
            #expect(read.status == .ok)
            #expect(read.headers[.cacheControl] == "no-store")
            #expect(try read.json()["opened"]?.objectValue?["body"]?.objectValue?["person"] != nil)
            #expect(access.size == before + 1)
            let entry = try Self.lastRead(test)
            #expect(entry.kind == .read && entry.status == .read)
            #expect(entry.principal == roles.inspectorId)
            #expect(entry.seqs == [seq])
            #expect(entry.purpose == "inspection")
            #expect(entry.caseRef == nil && !entry.crossAuthority)
        }
        #expect(!test.capture.all.contains { line in Fixtures.idNumbers.contains { line.contains($0) } })
        try await test.close()
    }

    @Test func anotherAuthoritysRecordNeedsACaseRefAndIsFlaggedInTheAudit() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let market = try await client.createPrincipal(admin: admin, [
                "id": .string(Self.marketInspector), "role": "inspector", "authority": Fixtures.authority(Fixtures.ouhaiMarket),
            ])
            let seq = try await Self.appendBan(client, roles)
            let access = test.server.ledger.access.log
            let before = access.size

            let refused = try await client.send(.get, "/v1/records/\(seq)?purpose=inspection", token: market)
            #expect(refused.status == .forbidden)
            #expect(try refused.problemPointers() == ["caseRef"])
            #expect(access.size == before)
            // Its public view is still there, unrecorded.
            #expect(try await client.send(.get, "/v1/records/\(seq)?view=public", token: market).status == .ok)
            #expect(access.size == before)

            let read = try await client.send(.get, "/v1/records/\(seq)?purpose=inspection&caseRef=SC-2026/17", token: market)
            #expect(read.status == .ok)
            #expect(try read.json()["opened"] != nil)
            let entry = try Self.lastRead(test)
            #expect(entry.crossAuthority)
            #expect(entry.caseRef == "SC-2026/17")
            #expect(entry.principal == Self.marketInspector)

            // The auditor sees it, and that answer is a recorded read too.
            let missing = try await client.send(.get, "/v1/audit/reads?principal=\(Self.marketInspector)", token: roles[.auditor])
            #expect(missing.status == .badRequest)
            #expect(try missing.problemPointers() == ["purpose"])
            let audit = try await client.send(.get, "/v1/audit/reads?principal=\(Self.marketInspector)&purpose=audit", token: roles[.auditor])
            #expect(audit.status == .ok, "\(audit.summary)")
            let reads = try #require(try audit.json()["reads"]?.arrayValue?.compactMap(\.objectValue))
            #expect(reads.count == 1)
            #expect(reads.first?["crossAuthority"] == .bool(true))
            #expect(reads.first?["caseRef"]?.stringValue == "SC-2026/17")
            #expect(reads.first?["seqs"] == .array([.uint(seq)]))
            let auditEntry = try Self.lastRead(test)
            #expect(auditEntry.kind == .auditReads && auditEntry.reader == Self.marketInspector && auditEntry.principal == "auditor-1")

            // Who checked whom is recorded the same way, with the subject's keyed hash only.
            let size = access.size
            let checks = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor], json: ["idType": "resident_id", "idNumber": .string(Fixtures.idNumbers[1])])
            #expect(checks.status == .badRequest)
            #expect(try checks.problemPointers() == ["/purpose"])
            let answered = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor],
                                                 json: ["idType": "resident_id", "idNumber": .string(Fixtures.idNumbers[1]), "purpose": "audit", "caseRef": "AUD-9"])
            #expect(answered.status == .ok)
            #expect(access.size == size + 1)
            let checksEntry = try Self.lastRead(test)
            #expect(checksEntry.kind == .auditChecks && checksEntry.subject != nil && checksEntry.caseRef == "AUD-9")
        }
        try await test.close()
    }

    @Test func theReadQuotaIsAnsweredFromMemoryAndItsRefusalRecordedOnceADay() async throws {
        try await QuotaDay.awayFromMidnight()
        let test = try await TestServer.start(configure: { $0.readQuota = 2; $0.bulkReadQuota = 100 })
        defer { test.remove() }
        let admin = test.adminToken
        let roles = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for n in 1...3 { _ = try await Self.appendBan(client, roles, n) }
            for _ in 0..<2 {
                #expect(try await client.send(.get, "/v1/records/0?purpose=inspection", token: roles[.inspector]).status == .ok)
            }
            let access = test.server.ledger.access.log
            let before = access.size
            for i in 0..<200 {
                let refused = try await client.send(.get, "/v1/records/1?purpose=inspection", token: roles[.inspector])
                #expect(refused.status == .tooManyRequests)
                if i == 0 {
                    #expect(try refused.json()["type"]?.stringValue?.hasSuffix("read-quota-exceeded") == true)
                    #expect((refused.headers[.retryAfter].flatMap { Int($0) } ?? 0) >= 1)
                }
            }
            // 200 refused reads, one entry saying the quota was reached.
            #expect(access.size == before + 1)
            #expect(try Self.lastRead(test).status == .refusedQuota)
            // The public view is not counted.
            #expect(try await client.send(.get, "/v1/records/1?view=public", token: roles[.inspector]).status == .ok)

            // Bulk readers have their own limit: a page of three is one entry naming the three.
            let page = try await client.send(.get, "/v1/records?from=0&limit=3&purpose=export", token: roles[.exporter])
            #expect(page.status == .ok)
            #expect(try page.json()["records"]?.arrayValue?.allSatisfy { $0.objectValue?["opened"] != nil } == true)
            let entry = try Self.lastRead(test)
            #expect(entry.seqs == [0, 1, 2] && entry.principal == "exporter-1" && entry.purpose == "export")
            return roles
        }
        // A restart the same day reads the counts back from the access log.
        let again = try await test.restart(configure: { $0.readQuota = 2; $0.bulkReadQuota = 100 })
        try await again.test { client -> Void in
            let size = again.server.ledger.access.log.size
            let refused = try await client.send(.get, "/v1/records/0?purpose=inspection", token: roles[.inspector])
            #expect(refused.status == .tooManyRequests)
            #expect(again.server.ledger.access.log.size == size)
            #expect(again.server.ledger.access.reads.used("exporter-1") == 3)
        }
        try await again.close()
    }

    @Test func aReadThatCannotBeRecordedIsNotAnswered() async throws {
        let (ledger, directory) = try await LedgerUseCaseTests.open()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        _ = try await ledger.appendRecord(Fixtures.bytes(Fixtures.ban(1)), principal: admin, logger: ledger.logger)
        try await ledger.access.log.close()
        let refusal = await LedgerUseCaseTests.refusal {
            _ = try await ledger.readRecord(seq: 0, principal: admin, reason: ReadReason(purpose: .audit), logger: ledger.logger)
        }
        #expect(refusal?.kind == .unavailable)
        #expect(ledger.access.reads.used(admin.id) == 0)
        // The public view needs no record.
        #expect(try ledger.publicRecord(seq: 0).objectValue?["opened"] == nil)
        try? await ledger.close()
    }
}
