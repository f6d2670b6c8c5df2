import CreditRecords
import Foundation
import HTTPTypes
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Issue 17, parts 2 and 3: rate limits and the quota answer from memory, a flood of refused
/// attempts leaves at most one access entry, the quota is the institution's, purposes are the
/// role's, and a wrong name opens no records.
@Suite struct AbuseBoundsTests {
    @Test func tenThousandOverQuotaChecksAddAtMostOneAccessEntry() async throws {
        let (ledger, directory) = try await LedgerUseCaseTests.open(quota: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let request = try CanonicalJSON.encode(Fixtures.check())
        _ = try await ledger.check(request, principal: admin, logger: ledger.logger)
        #expect(ledger.access.log.size == 1)
        var refused = 0
        for _ in 0..<10_000 {
            let refusal = await LedgerUseCaseTests.refusal { _ = try await ledger.check(request, principal: admin, logger: ledger.logger) }
            if refusal?.kind == .tooManyRequests && refusal?.retryAfterSeconds != nil { refused += 1 }
        }
        #expect(refused == 10_000)
        // One answered check and one "quota reached" entry: not 10,001.
        #expect(ledger.access.log.size == 2)
        try await ledger.close()

        // Nor after a restart the same day: the recorded refusal is read back.
        let (again, _) = try await Self.reopen(directory, quota: 1)
        let refusal = await LedgerUseCaseTests.refusal { _ = try await again.check(request, principal: admin, logger: again.logger) }
        #expect(refusal?.kind == .tooManyRequests)
        #expect(again.access.log.size == 2)
        try await again.close()
    }

    static func reopen(_ directory: String, quota: Int) async throws -> (Ledger, String) {
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory
        configuration.checkQuota = quota
        return (try await Ledger.open(configuration: configuration), directory)
    }

    @Test func theQuotaBelongsToTheInstitutionAcrossItsPrincipals() async throws {
        try await QuotaDay.awayFromMidnight()
        let test = try await TestServer.start(configure: { $0.checkQuota = 2 })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let second = try await client.createPrincipal(admin: admin, [
                "id": "inst-xiaoxingxing-2", "role": "institution",
                "institution": ["name": .string(Fixtures.xiaoxingxing.name), "uscc": .string(Fixtures.xiaoxingxing.uscc)],
            ])
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            #expect(try await client.send(.post, "/v1/checks", token: second, json: Fixtures.check()).status == .ok)
            // A second principal of the same institution does not get a fresh quota.
            let refused = try await client.send(.post, "/v1/checks", token: second, json: Fixtures.check())
            #expect(refused.status == .tooManyRequests)
            #expect(refused.isProblem)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .tooManyRequests)
        }
        try await test.close()
    }

    @Test func purposesAreBoundToRoles() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let before = test.server.access.log.size
            for (role, purpose) in [(Role.institution, "inspection"), (.inspector, "hiring"), (.inspector, "annual_recheck")] {
                let response = try await client.send(.post, "/v1/checks", token: roles[role], json: Fixtures.check(purpose: purpose))
                #expect(response.status == .forbidden, "\(role) \(purpose): \(response.summary)")
                #expect(try response.problemPointers() == ["/purpose"])
            }
            #expect(test.server.access.log.size == before)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(purpose: "annual_recheck")).status == .ok)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.inspector], json: Fixtures.check(purpose: "inspection")).status == .ok)
        }
        try await test.close()
    }

    @Test func aWrongNameAnswersIdentityMismatchWithNoFindings() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.personalPenalty(1)).status == .created)
            var person = Fixtures.zhangSan.objectValue!
            person["name"] = "李四"
            let response = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(.object(person)))
            #expect(response.status == .ok)
            let answer = try response.json()
            #expect(answer["status"] == "identity_mismatch")
            #expect(answer["nameMatches"] == .bool(false))
            #expect(answer["findings"] == .array([]))
            #expect(!response.text.contains("瓯卫罚"))
            // Recorded as what it answered.
            let audit = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor], json: ["idType": "resident_id", "idNumber": "11010519491231002X", "purpose": "audit"])
            #expect(try audit.json()["checks"]?.arrayValue?.last?.objectValue?["status"] == "identity_mismatch")
            // The right name still sees the record.
            let right = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.zhangSan))
            #expect(try right.json()["status"] == "records_found")
        }
        try await test.close()
    }

    @Test func aClosedInstitutionsPrincipalCannotCheck() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: InstitutionStatusRouteTests.closure(2)).status == .created)
            let before = test.server.access.log.size
            let refused = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(refused.status == .forbidden, "\(refused.summary)")
            #expect(try refused.json()["type"] == "https://careledger.example/problems/institution-not-open")
            #expect(test.server.access.log.size == before)
        }
        try await test.close()
    }

    @Test func aDeregisteredInstitutionsPrincipalCannotCheck() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            var deregistration = Fixtures.filing(2).objectValue!
            var body = deregistration["body"]!.objectValue!
            body["action"] = "deregistered"
            deregistration["body"] = .object(body)
            let filed = try await client.send(.post, "/v1/records", token: admin, json: .object(deregistration))
            #expect(filed.status == .created, "\(filed.summary)")
            let before = test.server.access.log.size
            let refused = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(refused.status == .forbidden, "\(refused.summary)")
            #expect(try refused.json()["type"] == "https://careledger.example/problems/institution-not-open")
            #expect(test.server.access.log.size == before)
        }
        try await test.close()
    }

    // MARK: rate limits

    @Test func aPrincipalOverItsRateIsRefused429WithRetryAfter() async throws {
        let test = try await TestServer.start(configure: { $0.principalRate = RateLimit(burst: 3, perSecond: 0.0001) })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            for _ in 0..<3 { #expect(try await client.send(.get, "/v1/tasks", token: admin).status == .ok) }
            let limited = try await client.send(.get, "/v1/tasks", token: admin)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.isProblem)
            #expect(try limited.json()["type"] == "https://careledger.example/problems/rate-limited")
            #expect((try #require(limited.headers[.retryAfter].flatMap { Int($0) })) >= 1)
            // Public routes are not limited by a principal's rate.
            #expect(try await client.send(.get, "/log/checkpoint").status == .ok)
        }
        try await test.close()
    }

    @Test func failedAuthenticationsAreLimitedPerAddress() async throws {
        let test = try await TestServer.start(configure: { $0.failedAuthenticationRate = RateLimit(burst: 2, perSecond: 0.0001) })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let wrong = String(repeating: "A", count: BearerToken.textLength)
            for _ in 0..<2 { #expect(try await client.send(.get, "/v1/tasks", token: wrong).status == .unauthorized) }
            let limited = try await client.send(.get, "/v1/tasks", token: wrong)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            // The address is refused before any token is looked at, a valid one too.
            #expect(try await client.send(.get, "/v1/tasks", token: admin).status == .tooManyRequests)
        }
        try await test.close()
    }

    /// One client address, two principals: the address's bucket is shared, whoever calls.
    @Test func anAddressOverItsRateIsRefused429AcrossPrincipals() async throws {
        let test = try await TestServer.start(configure: { $0.addressRate = RateLimit(burst: 3, perSecond: 0.0001) })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let inspector = try await client.createPrincipal(admin: admin, [
                "id": "insp-ouhai-01", "role": "inspector", "authority": Fixtures.authority(Fixtures.ouhaiHealth),
            ])
            #expect(try await client.send(.get, "/v1/tasks", token: admin).status == .ok)
            #expect(try await client.send(.get, "/v1/tasks", token: inspector).status == .ok)
            let limited = try await client.send(.get, "/v1/tasks", token: inspector)
            #expect(limited.status == .tooManyRequests)
            #expect(try limited.json()["type"] == "https://careledger.example/problems/rate-limited")
            #expect((try #require(limited.headers[.retryAfter].flatMap { Int($0) })) >= 1)
            #expect(try await client.send(.get, "/v1/tasks", token: admin).status == .tooManyRequests)
            // Public routes are not limited by it.
            #expect(try await client.send(.get, "/log/checkpoint").status == .ok)
        }
        try await test.close()
    }

    /// Entry bundles are admitted like every authenticated route: failed authentications
    /// count there, and an address refused there is refused on the access log's too.
    @Test func entryBundlesCountFailedAuthentications() async throws {
        let test = try await TestServer.start(configure: { $0.failedAuthenticationRate = RateLimit(burst: 2, perSecond: 0.0001) })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            #expect(try await client.send(.get, "/log/tile/entries/000.p/1", token: admin).status == .ok)
            let wrong = String(repeating: "A", count: BearerToken.textLength)
            for _ in 0..<2 { #expect(try await client.send(.get, "/log/tile/entries/000.p/1", token: wrong).status == .unauthorized) }
            let limited = try await client.send(.get, "/log/tile/entries/000.p/1", token: wrong)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(try await client.send(.get, "/log/tile/entries/000.p/1", token: admin).status == .tooManyRequests)
            #expect(try await client.send(.get, "/access-log/tile/entries/000.p/1", token: admin).status == .tooManyRequests)
            // Hash tiles stay public.
            #expect(try await client.send(.get, "/log/tile/0/000.p/1").status == .ok)
        }
        try await test.close()
    }

    @Test func entryBundlesCountAgainstThePrincipalsRate() async throws {
        let test = try await TestServer.start(configure: { $0.principalRate = RateLimit(burst: 3, perSecond: 0.0001) })
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            for _ in 0..<2 { #expect(try await client.send(.get, "/log/tile/entries/000.p/1", token: admin).status == .ok) }
            let limited = try await client.send(.get, "/log/tile/entries/000.p/1", token: admin)
            #expect(limited.status == .tooManyRequests)
            #expect(try limited.json()["type"] == "https://careledger.example/problems/rate-limited")
            #expect(try await client.send(.get, "/access-log/tile/entries/000.p/1", token: admin).status == .tooManyRequests)
        }
        try await test.close()
    }

    @Test func aTokenBucketRefillsAtItsRate() {
        let limiter = RateLimiter(RateLimit(burst: 2, perSecond: 0.5))
        #expect(limiter.take("a", now: 0) == nil)
        #expect(limiter.take("a", now: 0) == nil)
        #expect(limiter.take("a", now: 0) == 2)
        #expect(limiter.take("b", now: 0) == nil)
        #expect(limiter.take("a", now: 1) == 1)
        #expect(limiter.take("a", now: 2.1) == nil)
        #expect(limiter.peek("a", now: 2.1) == 2)
    }
}
