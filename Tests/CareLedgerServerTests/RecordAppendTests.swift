import CreditRecords
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore

@Suite struct RecordAppendTests {
    /// Checks a 201 receipt: the checkpoint verifies with the log's key, the inclusion proof
    /// leads from the stored entry's leaf hash to its root.
    static func verifyReceipt(_ response: TestResponse, server: LedgerServer) throws -> UInt64 {
        let receipt = try response.json()
        let seq = try #require(receipt["seq"]?.integerValue.map(UInt64.init))
        let note = try #require(receipt["checkpoint"]?.stringValue)
        let checkpoint = try Checkpoint.open(note: note, verifier: server.log.verifier)
        let leafHash = try #require(receipt["leafHash"]?.stringValue.flatMap(Digest32.init(base64:)))
        let proof = try #require(receipt["inclusionProof"]?.arrayValue).map { try #require($0.stringValue.flatMap(Digest32.init(base64:))) }
        #expect(leafHash == MerkleHashing.leafHash(try server.log.entry(at: seq)))
        #expect(MerkleTree.verifyInclusion(leafHash: leafHash, index: seq, size: checkpoint.size, proof: proof, root: checkpoint.rootHash))
        #expect(response.headers[.location] == "/v1/records/\(seq)")
        return seq
    }

    @Test func everyKindIsAppendedWithAVerifiableReceipt() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let inspector = roles[.inspector]
            var seqs = [String: UInt64]()
            let documents: [(String, JSONValue, String)] = [
                ("institution_filing", Fixtures.filing(12), inspector),
                ("inspection", Fixtures.inspection(88), inspector),
                ("penalty", Fixtures.penalty(5), inspector),
                ("penalty-2", Fixtures.penalty(6), inspector),
                ("enforcement", Fixtures.enforcement(3), admin),
                ("judgment", Fixtures.judgment(123), inspector),
                ("ban", TestKeys.sign(Fixtures.ban(1)), inspector),
                ("annual_review", Fixtures.annualReview(year: 2025), inspector),
            ]
            for (name, document, token) in documents {
                let response = try await client.send(.post, "/v1/records", token: token, json: document)
                #expect(response.status == .created, "\(name): \(response.summary)")
                seqs[name] = try Self.verifyReceipt(response, server: test.server)
            }
            let revocation = try await client.send(.post, "/v1/records", token: inspector,
                                                   json: Fixtures.revocation(target: seqs["penalty"]!, 2))
            #expect(revocation.status == .created, "\(revocation.summary)")
            _ = try Self.verifyReceipt(revocation, server: test.server)
            let repair = try await client.send(.post, "/v1/records", token: inspector,
                                               json: Fixtures.creditRepair(target: seqs["penalty-2"]!, 7))
            #expect(repair.status == .created, "\(repair.summary)")
            _ = try Self.verifyReceipt(repair, server: test.server)

            #expect(test.server.ledger.index.summary(of: seqs["penalty"]!)?.isRevoked == true)
            #expect(test.server.ledger.index.summary(of: seqs["penalty-2"]!)?.isRepaired == true)

            // The stored envelope names the submitter and its authority.
            let stored = try await client.send(.get, "/v1/records/\(seqs["ban"]!)?purpose=audit", token: roles[.auditor])
            #expect(stored.status == .ok)
            let object = try stored.json()
            let entry = try #require(object["entry"]?.objectValue)
            // Sealed: the leaf keeps the public view; the person is in `opened`, committed to.
            #expect(entry["v"]?.integerValue == 2)
            #expect(entry["body"]?.objectValue?["person"] == nil)
            #expect(try object["opened"]?.objectValue?["body"]?.objectValue?["person"].map(CanonicalJSON.encode) == CanonicalJSON.encode(Fixtures.linXiaoyan))
            #expect(entry["kind"]?.stringValue == "ban")
            #expect(entry["submittedBy"]?.objectValue?["principal"]?.stringValue == "insp-ouhai-01")
            #expect(entry["submittedBy"]?.objectValue?["authority"]?.stringValue == Fixtures.ouhaiHealth.uscc)
            let submittedAt = try #require(entry["submittedAt"]?.stringValue)
            #expect(submittedAt.count == 20 && submittedAt.hasSuffix("Z"))
            let admins = try await client.send(.get, "/v1/records/\(seqs["enforcement"]!)?purpose=audit", token: roles[.auditor])
            #expect(try admins.json()["entry"]?.objectValue?["submittedBy"]?.objectValue?["authority"] == nil)
            // The proof in GET verifies against the checkpoint it carries.
            let checkpoint = try Checkpoint.open(note: try #require(object["checkpoint"]?.stringValue), verifier: test.server.log.verifier)
            let proof = try #require(object["inclusionProof"]?.arrayValue).compactMap { $0.stringValue.flatMap(Digest32.init(base64:)) }
            let leaf = try #require(object["leafHash"]?.stringValue.flatMap(Digest32.init(base64:)))
            #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: seqs["ban"]!, size: checkpoint.size, proof: proof, root: checkpoint.rootHash))

            // Pages.
            let page = try await client.send(.get, "/v1/records?from=2&limit=3&purpose=export", token: roles[.exporter])
            let pageObject = try page.json()
            #expect(pageObject["records"]?.arrayValue?.compactMap { $0.objectValue?["seq"]?.integerValue } == [2, 3, 4])
            #expect(pageObject["next"]?.integerValue == 5)
            let last = try await client.send(.get, "/v1/records?from=9&purpose=export", token: roles[.exporter])
            #expect(try last.json()["records"]?.arrayValue?.count == 1)
            #expect(try last.json()["next"] == .null)
            let beyond = try await client.send(.get, "/v1/records?from=1000&purpose=export", token: roles[.exporter])
            #expect(try beyond.json()["records"]?.arrayValue?.isEmpty == true)
            for bad in ["limit=0", "limit=1001", "from=-1", "from=x", "limit=1&limit=2", "size=3"] {
                let response = try await client.send(.get, "/v1/records?\(bad)&purpose=export", token: roles[.exporter])
                #expect(response.status == .badRequest, "\(bad)")
            }
            let missing = try await client.send(.get, "/v1/records/10?purpose=audit", token: roles[.auditor])
            #expect(missing.status == .notFound)
            // A resident ID number without an X is a valid seq; the 404 must not repeat it
            // (found by tools/fire/authz-privacy).
            let idAsSeq = try await client.send(.get, "/v1/records/\(Fixtures.idNumbers[1])?purpose=audit", token: roles[.auditor])
            #expect(idAsSeq.status == .notFound)
            #expect(!idAsSeq.text.contains(Fixtures.idNumbers[1]))
            for bad in ["-1", "abc", "99999999999999999999999", "1.0", "007", "00"] {
                let response = try await client.send(.get, "/v1/records/\(bad)", token: roles[.auditor])
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
        try await test.close()
    }

    /// Issue 16: provincial intakes refuse a 92… credit code on anything but a 个体工商户, so
    /// the service refuses it at append, naming the field (and never echoing the code).
    @Test func aNinetyTwoCreditCodeOnAnOrganisationIsA400NamingTheField() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            var penalty = Fixtures.penalty(60).objectValue!
            var body = penalty["body"]!.objectValue!
            var party = body["party"]!.objectValue!
            party["uscc"] = "92330304MA2H6PQ3XF"
            body["party"] = .object(party)
            penalty["body"] = .object(body)
            let refused = try await client.send(.post, "/v1/records", token: roles[.inspector], json: .object(penalty))
            #expect(refused.status == .badRequest, "\(refused.summary)")
            #expect(refused.isProblem)
            #expect(try refused.problemPointers() == ["/body/party/uscc"])
            #expect(refused.text.contains("uscc_category") && !refused.text.contains("92330304MA2H6PQ3XF"))
            #expect(test.server.log.size == 0)
        }
        try await test.close()
    }

    @Test func inspectorsActOnlyForTheirOwnAuthority() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let market = try await client.createMarketInspector(admin: admin)
            // A penalty in another authority's name.
            let foreign = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                json: Fixtures.penalty(40, authority: Fixtures.ouhaiMarket))
            #expect(foreign.status == .forbidden)
            #expect(foreign.isProblem)
            // The market authority's own penalty, then the health inspector tries to withdraw it
            // in its own name.
            let own = try await client.send(.post, "/v1/records", token: market, json: Fixtures.penalty(41, authority: Fixtures.ouhaiMarket))
            #expect(own.status == .created, "\(own.summary)")
            let seq = try #require(try own.json()["seq"]?.integerValue.map(UInt64.init))
            let revoke = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.revocation(target: seq, 9))
            #expect(revoke.status == .forbidden, "\(revoke.summary)")
            // An admin may.
            let byAdmin = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.revocation(target: seq, 10))
            #expect(byAdmin.status == .created, "\(byAdmin.summary)")
            // A target that does not exist is a validation error, not a 403 or a 500.
            let nowhere = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.revocation(target: 999, 11))
            #expect(nowhere.status == .badRequest)
            #expect(try nowhere.problemPointers().contains("/body/target"))
            #expect(test.server.log.size == 2)
        }
        try await test.close()
    }

    @Test func clientSignaturesAreVerified() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let key = Ed25519PrivateKey()
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let signer = try await client.createPrincipal(admin: admin, [
                "id": "insp-signing", "role": "inspector", "authority": Fixtures.authority(Fixtures.ouhaiHealth),
                "publicKey": .string(Base64.encode(key.publicKey.rawRepresentation)),
            ])
            func signed(_ document: JSONValue, with key: Ed25519PrivateKey) throws -> JSONValue {
                var object = document.objectValue!
                let kind = RecordKind(rawValue: object["kind"]!.stringValue!)!
                let sig = try key.signature(for: Envelope.signedBytes(kind: kind, body: object["body"]!.objectValue!))
                object["clientSignature"] = ["keyId": "insp-signing/2026", "sig": .string(Base64.encode(sig))]
                return .object(object)
            }
            let good = try await client.send(.post, "/v1/records", token: signer, json: try signed(Fixtures.penalty(60), with: key))
            #expect(good.status == .created, "\(good.summary)")
            let seq = try #require(try good.json()["seq"]?.integerValue.map(UInt64.init))
            let stored = try Envelope.decode(test.server.log.entry(at: seq))
            #expect(stored.clientSignature?.keyId == "insp-signing/2026")

            let forged = try await client.send(.post, "/v1/records", token: signer, json: try signed(Fixtures.penalty(61), with: Ed25519PrivateKey()))
            #expect(forged.status == .badRequest)
            #expect(try forged.problemPointers() == ["/clientSignature/sig"])

            // A principal without a registered key cannot sign.
            let unkeyed = try await client.send(.post, "/v1/records", token: roles[.inspector], json: try signed(Fixtures.penalty(62), with: key))
            #expect(unkeyed.status == .badRequest)
            #expect(try unkeyed.problemPointers() == ["/clientSignature/sig"])
            #expect(test.server.log.size == 1)
        }
        try await test.close()
    }

    @Test func concurrentAppendsOfOneDocumentNumberAreRefusedButOne() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let statuses = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let inspector = roles[.inspector]
            return try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await client.send(.post, "/v1/records", token: inspector, json: Fixtures.penalty(77)).status }
                }
                var statuses = [HTTPResponse.Status]()
                for try await status in group { statuses.append(status) }
                return statuses
            }
        }
        #expect(statuses.allSatisfy { $0.code < 500 })
        if Fixtures.fullValidator {
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(test.server.log.size == 1)
        }
        #expect(test.server.ledger.reservations.count == 0)
        try await test.close()
    }

    @Test func reservationsAreAllOrNothing() {
        let reservations = KeyReservations()
        #expect(reservations.reserve(["a", "b"]))
        #expect(!reservations.reserve(["b", "c"]))
        #expect(reservations.reserve(["c"]))
        reservations.release(["a", "b"])
        #expect(reservations.reserve(["a", "b"]))
        reservations.release(["a", "b", "c"])
        #expect(reservations.count == 0)
    }
}
