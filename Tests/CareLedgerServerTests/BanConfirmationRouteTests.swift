import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Bans need two people and a key (issue 17 part 6; docs/records.md "Bans need two people"):
/// an inspector's lifetime ban and the revocation of one are signed by the inspector's
/// registered key and take effect once a second inspector of the same authority confirms.
@Suite struct BanConfirmationRouteTests {
    static func status(_ client: some TestClientProtocol, _ roles: RoleTokens) async throws -> JSONObject {
        try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).json()
    }

    @Test func aLifetimeBanNeedsTheInspectorsSignature() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let size = test.server.log.size
            let missing = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.ban(1))
            #expect(missing.status == .badRequest, "\(missing.summary)")
            #expect(try missing.problemPointers() == ["/clientSignature"])
            #expect(missing.text.contains("signature_required") && !missing.text.contains("330381199211083443"))
            // Signed with a key that is not the inspector's.
            let wrongKey = try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(1), TestKeys.stranger))
            #expect(wrongKey.status == .badRequest)
            #expect(try wrongKey.problemPointers() == ["/clientSignature/sig"])
            #expect(wrongKey.text.contains("signature_invalid"))
            // Signed, then the body changed: the signature no longer covers it.
            var tampered = TestKeys.sign(Fixtures.ban(1)).objectValue!
            var body = tampered["body"]!.objectValue!
            body["decidedAt"] = "2026-08-21"
            tampered["body"] = .object(body)
            let bad = try await client.send(.post, "/v1/records", token: roles[.inspector], json: .object(tampered))
            #expect(bad.status == .badRequest && bad.text.contains("signature_invalid"))
            // An inspector with no registered key cannot sign at all.
            let keyless = try await client.createPrincipal(admin: admin, ["id": "insp-ouhai-nokey", "role": "inspector",
                                                                          "authority": Fixtures.authority(Fixtures.ouhaiHealth)])
            let noKey = try await client.send(.post, "/v1/records", token: keyless, json: TestKeys.sign(Fixtures.ban(1), keyId: "insp-ouhai-nokey"))
            #expect(noKey.status == .badRequest && noKey.text.contains("no_public_key"))
            #expect(test.server.log.size == size, "nothing was appended")
            // A ban until a date is not a lifetime ban: no signature needed, in force at once.
            var until = Fixtures.ban(2).objectValue!
            var untilBody = until["body"]!.objectValue!
            (untilBody["scope"], untilBody["until"]) = ("until", "2030-01-01")
            until["body"] = .object(untilBody)
            #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: .object(until)).status == .created)
            #expect(try await Self.status(client, roles)["status"] == "barred")
        }
        try await test.close()
    }

    @Test func aSignedBanIsPendingUntilASecondInspectorConfirms() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let appended = try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(1)))
            #expect(appended.status == .created, "\(appended.summary)")
            let seq = try #require(try appended.json()["seq"]?.integerValue)
            // The leaf keeps the signature (not personal data), never the person.
            let stored = try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: roles[.auditor]).json()
            let entry = try #require(stored["entry"]?.objectValue)
            #expect(entry["clientSignature"]?.objectValue?["keyId"] == "insp-ouhai-01" && entry["body"]?.objectValue?["person"] == nil)

            let pending = try await Self.status(client, roles)
            #expect(pending["status"] == "records_found", "never clear, not yet barred")
            let finding = try #require(pending["findings"]?.arrayValue?.first?.objectValue)
            #expect(finding["pending"] == .bool(true) && finding["kind"] == "ban" && finding["rule"] == .null)

            // The submitter cannot confirm its own ban.
            let own = try await client.send(.post, "/v1/records/\(seq)/confirmations", token: roles[.inspector],
                                            json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq))))
            #expect(own.status == .forbidden && own.text.contains("self_confirmation"), "\(own.summary)")
            // Another authority's inspector cannot either.
            let market = try await client.createInspector(admin: admin, id: "insp-market-01", key: TestKeys.confirmer, authority: Fixtures.ouhaiMarket)
            let other = try await client.send(.post, "/v1/records/\(seq)/confirmations", token: market,
                                              json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq), authority: Fixtures.ouhaiMarket),
                                                                  TestKeys.confirmer, keyId: "insp-market-01"))
            #expect(other.status == .forbidden && other.text.contains("other_authority"), "\(other.summary)")
            // A second inspector of the same authority: unsigned or signed by another key is refused.
            let second = try await client.createInspector(admin: admin, id: "insp-ouhai-02", key: TestKeys.confirmer)
            let unsigned = try await client.send(.post, "/v1/records/\(seq)/confirmations", token: second, json: TestKeys.confirmation(of: UInt64(seq)))
            #expect(unsigned.status == .badRequest)
            #expect(try unsigned.problemPointers() == ["/clientSignature"])
            let wrong = try await client.send(.post, "/v1/records/\(seq)/confirmations", token: second,
                                              json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq)), TestKeys.inspector, keyId: "insp-ouhai-02"))
            #expect(wrong.status == .badRequest && wrong.text.contains("signature_invalid"))
            let elsewhere = try await client.send(.post, "/v1/records/\(seq + 1)/confirmations", token: second,
                                                  json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq)), TestKeys.confirmer, keyId: "insp-ouhai-02"))
            #expect(elsewhere.status == .badRequest)
            #expect(try elsewhere.problemPointers() == ["/body/target"])
            #expect(try await Self.status(client, roles)["status"] == "records_found")

            let confirmed = try await client.send(.post, "/v1/records/\(seq)/confirmations", token: second,
                                                  json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq)), TestKeys.confirmer, keyId: "insp-ouhai-02"))
            #expect(confirmed.status == .created, "\(confirmed.summary)")
            let confirmationSeq = try #require(try confirmed.json()["seq"]?.integerValue)
            let confirmation = try await client.send(.get, "/v1/records/\(confirmationSeq)?purpose=audit", token: roles[.auditor]).json()
            let confirmationEntry = try #require(confirmation["entry"]?.objectValue)
            #expect(confirmationEntry["kind"] == "ban_confirmation" && confirmationEntry["personal"] == nil, "it names no one")
            #expect(confirmationEntry["submittedBy"]?.objectValue?["principal"] == "insp-ouhai-02")
            // A confirmation is not withdrawn by itself: the ban is revoked (and that confirmed) instead.
            let revokeConfirmation = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                           json: Fixtures.revocation(target: UInt64(confirmationSeq), 5))
            #expect(revokeConfirmation.status == .badRequest && revokeConfirmation.text.contains("target_kind"))

            let barred = try await Self.status(client, roles)
            #expect(barred["status"] == "barred")
            #expect(barred["findings"]?.arrayValue?.first?.objectValue?["pending"] == nil)
            // Confirmed once: nothing is left to confirm, and the kind is not for POST /v1/records.
            let again = try await client.send(.post, "/v1/records/\(seq)/confirmations", token: second,
                                              json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq)), TestKeys.confirmer, keyId: "insp-ouhai-02"))
            #expect(again.status == .badRequest && again.text.contains("not_pending"))
            let direct = try await client.send(.post, "/v1/records", token: second,
                                               json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq)), TestKeys.confirmer, keyId: "insp-ouhai-02"))
            #expect(direct.status == .badRequest)
            #expect(try direct.problemPointers() == ["/kind"])
        }
        try await test.close()
    }

    @Test func aRevokedBanStaysInForceUntilTheRevocationIsConfirmed() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let ban = try #require(try await client.appendConfirmed(Fixtures.ban(1), roles: roles).json()["seq"]?.integerValue)
            #expect(try await Self.status(client, roles)["status"] == "barred")
            let unsigned = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.revocation(target: UInt64(ban), 3))
            #expect(unsigned.status == .badRequest)
            #expect(try unsigned.problemPointers() == ["/clientSignature"])
            let revoked = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                json: TestKeys.sign(Fixtures.revocation(target: UInt64(ban), 3)))
            #expect(revoked.status == .created, "\(revoked.summary)")
            let revocation = try #require(try revoked.json()["seq"]?.integerValue)
            #expect(try await Self.status(client, roles)["status"] == "barred", "the ban stays in force while the revocation waits")
            try await client.confirm(revocation, roles: roles)
            #expect(try await Self.status(client, roles)["status"] == "clear")
        }
        try await test.close()
    }

    /// A restart rebuilds the pending state from the log (or its snapshot): the same answers.
    @Test func theStateSurvivesARestart() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let roles = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(1))).status == .created)
            return roles
        }
        let restarted = try await test.restart()
        try await restarted.test { client in
            #expect(try await Self.status(client, roles)["status"] == "records_found")
            try await client.confirm(0, roles: roles)
            #expect(try await Self.status(client, roles)["status"] == "barred")
        }
        try await restarted.close()
    }
}
