import CreditRecords
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore

/// ID numbers as clerks type them (spaces, full-width digits, a lower-case `x`) over HTTP:
/// a record stores, a check answers and the audit search finds the normalised number
/// (docs/http.md, "ID numbers as typed").
@Suite struct TypedIDNumberTests {
    static let stored = "11010519491231002X"
    static let spaced = "110105 19491231 002x"
    static let fullWidth = "１１０１０５\u{3000}１９４９１２３１\u{3000}００２Ｘ"

    static func person(_ number: String) -> JSONValue { ["name": "张三", "idType": "resident_id", "idNumber": .string(number)] }

    @Test func aRecordWithATypedNumberStoresTheNormalisedOne() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for (n, typed) in [(1, Self.spaced), (2, Self.fullWidth)] {
                let response = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                     json: Fixtures.personalPenalty(n, person: Self.person(typed)))
                #expect(response.status == .created, "\(response.summary)")
                let seq = try #require(try response.json()["seq"]?.integerValue.map(UInt64.init))
                // The leaf is sealed (no party); the opened record holds the normalised number.
                let leaf = try test.server.log.entry(at: seq)
                #expect(try Envelope.decode(leaf).body["party"] == nil)
                let entry = try Envelope.decode(test.server.ledger.openEntry(leaf))
                #expect(entry.body["party"]?.objectValue?["idNumber"] == .string(Self.stored))
                let read = try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: roles[.auditor])
                #expect(read.text.contains(Self.stored) && !read.text.contains("110105 ") && !read.text.contains("１"))
            }
            // Still invalid once normalised: the same 400 on the same pointer as before.
            let wrong = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                              json: Fixtures.personalPenalty(3, person: Self.person("110105 19491231 0021")))
            #expect(wrong.status == .badRequest)
            #expect(try wrong.problemPointers() == ["/body/party/idNumber"])
            #expect(test.server.log.size == 2)
        }
        try await test.close()
    }

    @Test func aClientSignatureCoversTheNormalisedBody() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let key = Ed25519PrivateKey()
        try await test.test { client in
            let signer = try await client.createPrincipal(admin: admin, [
                "id": "insp-signing", "role": "inspector", "authority": Fixtures.authority(Fixtures.ouhaiHealth),
                "publicKey": .string(Base64.encode(key.publicKey.rawRepresentation)),
            ])
            // What `careledger sign` sends: the body normalised, then signed.
            let signed = try ClientSigning.sign(Fixtures.personalPenalty(10, person: Self.person(Self.fullWidth)), with: key, keyId: "k1")
            let good = try await client.send(.post, "/v1/records", token: signer, json: signed)
            #expect(good.status == .created, "\(good.summary)")

            // A signature over the body as typed is refused with the hint.
            var object = Fixtures.personalPenalty(11, person: Self.person(Self.spaced)).objectValue!
            let sig = try key.signature(for: Envelope.signedBytes(kind: .penalty, body: object["body"]!.objectValue!))
            object["clientSignature"] = ["keyId": "k1", "sig": .string(Base64.encode(sig))]
            let asTyped = try await client.send(.post, "/v1/records", token: signer, json: .object(object))
            #expect(asTyped.status == .badRequest)
            #expect(asTyped.text.contains("signature_not_normalised"))
        }
        try await test.close()
    }

    @Test func aCheckAndTheAuditSearchAcceptTypedNumbers() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for typed in [Self.spaced, Self.fullWidth] {
                let response = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Self.person(typed)))
                #expect(response.status == .ok, "\(response.summary)")
                #expect(try response.json()["subject"]?.objectValue?["idNumber"] == "110105********002X")
            }
            // Both checks are logged under the normalised number's subject.
            let subject = test.server.ledger.accessSubject(idType: .residentId, idNumber: Self.stored)
            let log = test.server.access.log
            let subjects = try (0..<log.size).map { try JSONParser.parse(log.entry(at: $0)).objectValue!["subject"] }
            #expect(subjects.suffix(2) == [.string(subject), .string(subject)])

            // The audit search, typed with spaces, a tab or full-width digits.
            for query in ["110105 19491231 002x", "110105\t19491231002X", "１１０１０５\u{3000}19491231002X"] {
                let audit = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor],
                                                  json: ["idType": "resident_id", "idNumber": .string(query), "purpose": "audit"])
                #expect(audit.status == .ok, "\(audit.summary)")
                #expect(try audit.json()["checks"]?.arrayValue?.count == 2, "\(query)")
            }

            // Still invalid once normalised: 400 naming the field, and nothing logged.
            let before = log.size
            let wrong = try await client.send(.post, "/v1/checks", token: roles[.institution],
                                              json: Fixtures.check(Self.person("１１０１０５ 19491231 0021")))
            #expect(wrong.status == .badRequest)
            #expect(try wrong.problemPointers() == ["/person/idNumber"])
            #expect(wrong.text.contains("id_checksum"))
            let junk = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor], json: ["idType": "resident_id", "idNumber": "110105-19491231-002X", "purpose": "audit"])
            #expect(junk.status == .badRequest)
            #expect(try junk.problemPointers() == ["/idNumber"])
            #expect(log.size == before)
        }
        try await test.close()
    }
}
