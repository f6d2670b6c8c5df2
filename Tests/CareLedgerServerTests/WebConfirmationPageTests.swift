import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// The inspectors' confirmation page (docs/web.md "Confirming bans"): the authority's pending
/// lifetime bans, the confirmation to sign, and a form (with the session's CSRF token) that
/// takes what `careledger sign` printed.
@Suite struct WebConfirmationPageTests {
    @Test func aSecondInspectorConfirmsAPendingBanOnThePage() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let appended = try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(1)))
            let seq = try #require(try appended.json()["seq"]?.integerValue)
            let second = try await client.createInspector(admin: admin, id: "insp-ouhai-02", key: TestKeys.confirmer)
            let session = try await WebPageTests.signIn(client, token: second)

            let page = try await WebPageTests.get(client, "/confirmations", cookie: session)
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"pending-\(seq)\"") && page.text.contains("careledger sign --key"))
            #expect(page.text.contains("--key-id insp-ouhai-02"))
            #expect(!page.text.contains("330381199211083443") && !page.text.contains("林晓燕"), "the page names no one")
            let csrf = try #require(WebPageTests.hidden("csrf", in: page.text))

            let today = LocalDate.today().description
            func signed(_ key: Ed25519PrivateKey, _ id: String) throws -> String {
                String(decoding: try CanonicalJSON.encode(TestKeys.sign(TestKeys.confirmation(of: UInt64(seq), decidedAt: today), key, keyId: id)), as: UTF8.self)
            }
            let size = test.server.log.size
            // Without the session's CSRF token: refused before anything is read.
            let forged = try await WebPageTests.post(client, "/confirmations/\(seq)", cookie: session, [("signed", try signed(TestKeys.confirmer, "insp-ouhai-02"))])
            #expect(forged.status == .forbidden)
            // Signed by a key that is not this inspector's: the rule in Chinese, nothing appended.
            let wrong = try await WebPageTests.post(client, "/confirmations/\(seq)", cookie: session,
                                                    [("csrf", csrf), ("signed", try signed(TestKeys.stranger, "insp-ouhai-02"))])
            #expect(wrong.status == .badRequest && wrong.text.contains("签名缺失或无法用本账号登记的公钥验证"))
            #expect(test.server.log.size == size)

            let done = try await WebPageTests.post(client, "/confirmations/\(seq)", cookie: session,
                                                   [("csrf", csrf), ("signed", try signed(TestKeys.confirmer, "insp-ouhai-02"))])
            #expect(done.status == .created && done.text.contains("id=\"confirmation-seq\""), "\(done.status)")
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).json()["status"] == "barred")
            #expect(try await WebPageTests.get(client, "/confirmations", cookie: session).text.contains("id=\"no-pending\""))
        }
        try await test.close()
    }

    @Test func theSubmitterIsToldItCannotConfirmItsOwnBan() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try #require(try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                         json: TestKeys.sign(Fixtures.ban(1))).json()["seq"]?.integerValue)
            let session = try await WebPageTests.signIn(client, token: roles[.inspector])
            let own = String(decoding: try CanonicalJSON.encode(TestKeys.sign(TestKeys.confirmation(of: UInt64(seq), decidedAt: LocalDate.today().description))),
                             as: UTF8.self)
            let refused = try await WebPageTests.submit(client, "/confirmations", cookie: session, [("signed", own)], to: "/confirmations/\(seq)")
            #expect(refused.status == .forbidden && refused.text.contains("不能自己确认"))
        }
        try await test.close()
    }
}
