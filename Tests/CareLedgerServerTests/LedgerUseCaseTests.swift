import CreditRecords
import Foundation
import Logging
import Testing
@testable import LedgerCore

/// The application core called as the command line and the pages call it, without HTTP:
/// refusals are `Refusal` values that name their kind and field, and nothing is half-written.
@Suite struct LedgerUseCaseTests {
    static func open(quota: Int = 500) async throws -> (Ledger, String) {
        let directory = NSTemporaryDirectory() + "careledger-core-\(UUID().uuidString)"
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory
        configuration.checkQuota = quota
        return (try await Ledger.open(configuration: configuration), directory)
    }

    static func refusal(_ body: () async throws -> Void) async -> Refusal? {
        do {
            try await body()
            return nil
        } catch let refusal as Refusal {
            return refusal
        } catch {
            Issue.record("not a Refusal: \(error)")
            return nil
        }
    }

    @Test func aBadRecordIsRefusedByPointerAndNothingIsAppended() async throws {
        let (ledger, directory) = try await Self.open()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        var penalty = Fixtures.penalty(1).objectValue!
        var body = penalty["body"]!.objectValue!
        body["decidedAt"] = "2026-02-30"
        penalty["body"] = .object(body)

        let malformed = await Self.refusal { _ = try await ledger.appendRecord(Array("{\"kind\":".utf8), principal: admin, logger: ledger.logger) }
        #expect(malformed?.kind == .invalid)
        #expect(malformed?.slug == "malformed-json")
        let invalid = await Self.refusal {
            _ = try await ledger.appendRecord(try CanonicalJSON.encode(.object(penalty)), principal: admin, logger: ledger.logger)
        }
        #expect(invalid?.kind == .invalid)
        #expect(invalid?.errors.contains { $0.pointer == "/body/decidedAt" } == true)
        #expect(ledger.log.size == 0)
        try await ledger.close()
    }

    @Test func aCheckOverTheQuotaIsRefusedWithRetryAfterAndRecorded() async throws {
        try await QuotaDay.awayFromMidnight()
        let (ledger, directory) = try await Self.open(quota: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let request = try CanonicalJSON.encode(Fixtures.check())

        let first = try await ledger.check(request, principal: admin, logger: ledger.logger)
        #expect(first.status == "clear")
        let second = await Self.refusal { _ = try await ledger.check(request, principal: admin, logger: ledger.logger) }
        #expect(second?.kind == .tooManyRequests)
        #expect((second?.retryAfterSeconds ?? 0) > 0)
        // Both attempts are in the access log, the refused one too.
        #expect(ledger.access.log.size == 2)

        let badID = try CanonicalJSON.encode(Fixtures.check(["name": "林晓燕", "idType": "resident_id", "idNumber": "330381199211083440"]))
        let refused = await Self.refusal { _ = try await ledger.check(badID, principal: admin, logger: ledger.logger) }
        #expect(refused?.kind == .invalid)
        #expect(refused?.errors.map(\.pointer) == ["/person/idNumber"])
        // Refused before any work: no access entry for a request that was not a check.
        #expect(ledger.access.log.size == 2)
        try await ledger.close()
    }

    @Test func theLastAdminCannotBeRevoked() async throws {
        let (ledger, directory) = try await Self.open()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let refusal = await Self.refusal { try await ledger.revokePrincipal(id: admin.id, by: admin, logger: ledger.logger) }
        #expect(refusal?.kind == .conflict)
        let unknown = await Self.refusal { try await ledger.revokePrincipal(id: "nobody", by: admin, logger: ledger.logger) }
        #expect(unknown?.kind == .notFound)
        #expect(ledger.principals.authenticate(token: try String(contentsOfFile: ledger.data.adminToken, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)) != nil)
        try await ledger.close()
    }
}
