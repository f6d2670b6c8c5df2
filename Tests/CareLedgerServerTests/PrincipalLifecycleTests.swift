import CreditRecords
import Foundation
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore

/// Issue 17, parts 4 and 5: a record's authority is the inspector's as registered (checked
/// before validation), and principals are found by token hash, expire, rotate, are listed,
/// and every change is in the signed principal log.
@Suite struct PrincipalLifecycleTests {
    // MARK: authority (part 4)

    static func withAuthority(_ record: JSONValue, _ change: (inout JSONObject) -> Void) -> JSONValue {
        var object = record.objectValue!
        var body = object["body"]!.objectValue!
        var authority = body["authority"]!.objectValue!
        change(&authority)
        body["authority"] = .object(authority)
        object["body"] = .object(body)
        return .object(object)
    }

    @Test func anInspectorRecordsOnlyAsItsAuthorityIsRegistered() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let cases: [(JSONValue, String)] = [
                (Self.withAuthority(Fixtures.penalty(1)) { $0["name"] = "国家卫生健康委员会" }, "/body/authority/name"),
                (Fixtures.penalty(2, authority: Fixtures.ouhaiMarket), "/body/authority/uscc"),
                (Self.withAuthority(Fixtures.penalty(3)) { $0["region"] = "330302" }, "/body/authority/region"),
            ]
            for (record, pointer) in cases {
                let response = try await client.send(.post, "/v1/records", token: roles[.inspector], json: record)
                #expect(response.status == .forbidden, "\(pointer): \(response.summary)")
                #expect(try response.problemPointers() == [pointer])
                #expect(!response.text.contains("国家卫生健康委员会"))
            }
            #expect(test.server.log.size == 0)
            // As registered, it is recorded, and answers show that name.
            #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.penalty(4)).status == .created)
        }
        try await test.close()
    }

    @Test func authorisationRunsBeforeValidation() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            // Another authority's record, then the same document number in its name: the
            // inspector learns nothing (403, not "duplicate document number").
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(7, authority: Fixtures.ouhaiMarket)).status == .created)
            let probe = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.penalty(7, authority: Fixtures.ouhaiMarket))
            #expect(probe.status == .forbidden)
            #expect(!probe.text.contains("duplicate"))
            // An invalid record in another's name is refused as not its own, not as invalid.
            let invalid = Self.withAuthority(Fixtures.penalty(8, authority: Fixtures.ouhaiMarket)) { $0["region"] = "33" }
            #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: invalid).status == .forbidden)
            // Withdrawing another authority's record (seq 0) is refused naming the target.
            let revocation = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.revocation(target: 0, 1))
            #expect(revocation.status == .forbidden)
            #expect(try revocation.problemPointers() == ["/body/target"])
            #expect(test.server.log.size == 1)
        }
        try await test.close()
    }

    // MARK: principals (part 5)

    @Test func aTokenWorksUntilItExpires() throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = BearerToken.generate()
        let store = try PrincipalStore.create(path: directory + "/p.json", adminId: "admin", token: token,
                                              now: "2026-01-01T00:00:00Z", expiresAt: "2026-04-01T00:00:00Z")
        #expect(store.authenticate(token: token, now: "2026-03-31T23:59:59Z")?.id == "admin")
        #expect(store.authenticate(token: token, now: "2026-04-01T00:00:00Z") == nil)
        #expect(store.authenticate(token: BearerToken.generate(), now: "2026-02-01T00:00:00Z") == nil)
    }

    @Test func aHundredThousandPrincipalsAreFoundByTokenHash() throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/principals.json"
        let (tokens, bytes) = Self.principalsFile(count: 100_000)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let store = try #require(try PrincipalStore.load(path: path))
        for i in [0, 50_000, 99_999] { #expect(store.authenticate(token: tokens[i])?.id == "p-\(i)") }
        let revoked = Self.principalId(99_998)
        #expect(try store.revoke(id: revoked, now: Timestamp.now()) == .revoked)
        #expect(store.authenticate(token: tokens[99_998]) == nil)
    }

    static func principalId(_ i: Int) -> String { "p-\(i)" }

    /// A principals file of `count` institution principals and their tokens (also used by
    /// tools/principal-bench's figure, which builds the same shape).
    static func principalsFile(count: Int) -> ([String], [UInt8]) {
        var tokens = [String]()
        var principals = [Principal]()
        for i in 0..<count {
            let token = BearerToken.generate()
            tokens.append(token)
            principals.append(Principal(id: principalId(i), role: .institution, authority: nil,
                                        institution: Organization(name: "机构\(i)", uscc: Fixtures.xiaoxingxing.uscc, region: nil),
                                        publicKey: nil, tokenSHA256: BearerToken.hash(token).hex, createdAt: "2026-01-01T00:00:00Z",
                                        expiresAt: "2099-01-01T00:00:00Z"))
        }
        struct File: Encodable { var format = 1; var principals: [Principal] }
        return (tokens, Array(try! JSONEncoder().encode(File(principals: principals))))
    }

    @Test func rotationListingAndThePrincipalLog() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let bootstrap = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: bootstrap)
            // The bootstrap admin rotates its own token: admin.token stops working.
            let rotatedAdmin = try await client.send(.post, "/v1/principals/admin/token", token: bootstrap)
            #expect(rotatedAdmin.status == .ok, "\(rotatedAdmin.summary)")
            let admin = try #require(try rotatedAdmin.json()["token"]?.stringValue)
            #expect(try await client.send(.get, "/v1/principals", token: bootstrap).status == .unauthorized)

            let rotated = try await client.send(.post, "/v1/principals/insp-ouhai-01/token", token: admin)
            let answer = try rotated.json()
            let fresh = try #require(answer["token"]?.stringValue)
            let expires = try #require(answer["expiresAt"]?.stringValue)
            // 90 days from now, give or take the test's own run time.
            let ninety = Timestamp.format(epochSeconds: Timestamp.epochSeconds() + 90 * 86400)
            #expect(expires.prefix(13) == ninety.prefix(13))
            #expect(try await client.send(.get, "/v1/tasks", token: roles[.inspector]).status == .unauthorized)
            #expect(try await client.send(.get, "/v1/tasks", token: fresh).status == .ok)
            #expect(try await client.send(.post, "/v1/principals/admin-revoked/token", token: admin).status == .conflict)
            #expect(try await client.send(.post, "/v1/principals/nobody/token", token: admin).status == .notFound)

            let list = try await client.send(.get, "/v1/principals?limit=3", token: admin)
            #expect(list.status == .ok)
            let page = try list.json()
            #expect(page["principals"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } == ["admin", "insp-ouhai-01", "inst-xiaoxingxing"])
            #expect(page["next"] == "inst-xiaoxingxing")
            let rest = try await client.send(.get, "/v1/principals?after=inst-xiaoxingxing&limit=1000", token: admin).json()
            #expect(rest["principals"]?.arrayValue?.count == 4)
            #expect(rest["next"] == .null)
            for text in [list.text, try await client.send(.get, "/v1/principals?after=inst-xiaoxingxing", token: admin).text] {
                #expect(!text.contains("token") && !text.contains(fresh) && !text.contains(admin))
            }
            #expect(try await client.send(.get, "/v1/principals?after=nobody", token: admin).status == .badRequest)
        }
        // Every change is in the signed principal log, without a token or its hash.
        let log = test.server.ledger.principalLog.log
        var actions = [String]()
        try log.forEachEntry { _, bytes in
            let object = try JSONParser.parse(bytes).objectValue!
            actions.append("\(object["action"]!.stringValue!) \(object["principal"]!.stringValue!)")
            let text = String(decoding: bytes, as: UTF8.self)
            for p in test.server.principals.all { #expect(!text.contains(p.tokenSHA256)) }
        }
        #expect(actions.first == "existing admin")
        #expect(actions.contains("created insp-ouhai-01") && actions.contains("revoked admin-revoked"))
        #expect(actions.suffix(2) == ["rotated admin", "rotated insp-ouhai-01"])
        #expect((try? Checkpoint.open(note: log.latestCheckpoint.note, verifier: log.verifier)) != nil)
        try await test.close()
    }
}
