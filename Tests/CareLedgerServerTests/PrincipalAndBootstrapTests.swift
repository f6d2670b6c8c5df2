import CreditRecords
import DurableStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

@Suite struct PrincipalAndBootstrapTests {
    @Test func firstStartCreatesTheDataDirectory() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let data = test.dataDirectory
        let report = test.server.bootstrapReport
        #expect(report.createdLog && report.createdSecret && report.createdAdmin)
        #expect(FileManager.default.fileExists(atPath: data + "/records/log.json"))
        #expect(DurableFile.mode(of: data) == 0o700)
        #expect(DurableFile.mode(of: data + "/server-secret") == 0o600)
        #expect(DurableFile.mode(of: data + "/admin.token") == 0o600)
        #expect(DurableFile.mode(of: data + "/principals.json") == 0o600)
        #expect(try DurableFile.read(data + "/server-secret")?.count == 32)
        #expect(test.server.log.origin == "careledger.local/records")

        let token = test.adminToken
        #expect(token.count == 43)
        #expect(report.messages.contains { $0.contains("admin.token") })
        #expect(!report.messages.contains { $0.contains(token) })
        // Only the token's hash is stored.
        let stored = String(decoding: try #require(try DurableFile.read(data + "/principals.json")), as: UTF8.self)
        #expect(!stored.contains(token))
        #expect(stored.contains(BearerToken.hash(token).hex))

        // A second start creates nothing and keeps the token.
        let secret = try DurableFile.read(data + "/server-secret")
        let again = try await test.restart()
        #expect(again.server.bootstrapReport.messages.isEmpty)
        #expect(again.adminToken == token)
        #expect(try DurableFile.read(data + "/server-secret") == secret)
        try await again.close()
    }

    @Test func theOriginOptionNamesANewLog() async throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory + "/d"
        configuration.origin = "example.org/careledger"
        let server = try await LedgerServer.open(configuration: configuration, logger: LogCapture().logger())
        #expect(server.log.origin == "example.org/careledger")
        #expect(server.log.latestCheckpoint.note.hasPrefix("example.org/careledger\n"))
        try await server.close()
    }

    @Test func principalsTakeEffectAtOnce() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let auditor = try await client.createPrincipal(admin: admin, ["id": "auditor-9", "role": "auditor"])
            #expect(try await client.send(.get, "/v1/records?purpose=audit", token: auditor).status == .ok)
            #expect(try await client.send(.delete, "/v1/principals/auditor-9", token: admin).status == .noContent)
            #expect(try await client.send(.get, "/v1/records?purpose=audit", token: auditor).status == .unauthorized)
            // Revoking again is harmless; an unknown id is 404; a revoked id is not reused.
            #expect(try await client.send(.delete, "/v1/principals/auditor-9", token: admin).status == .noContent)
            #expect(try await client.send(.delete, "/v1/principals/nobody", token: admin).status == .notFound)
            let reuse = try await client.send(.post, "/v1/principals", token: admin, json: ["id": "auditor-9", "role": "auditor"])
            #expect(reuse.status == .conflict)
            #expect(try reuse.problemPointers() == ["/id"])
            // The last admin cannot be revoked.
            #expect(try await client.send(.delete, "/v1/principals/admin", token: admin).status == .conflict)

            // The response shape, and the token is the only way in.
            let created = try await client.send(.post, "/v1/principals", token: admin, json: ["id": "exporter-7", "role": "exporter"])
            #expect(created.status == .created)
            #expect(created.headers[.cacheControl] == "no-store")
            let object = try created.json()
            #expect(object["id"]?.stringValue == "exporter-7" && object["role"]?.stringValue == "exporter")
            #expect(object["token"]?.stringValue?.count == 43)
            // One character changed (not always to "x": a token may start with one) is refused.
            let token = object["token"]!.stringValue!
            let altered = (token.first == "x" ? "y" : "x") + token.dropFirst()
            #expect(try await client.send(.get, "/v1/records", token: altered).status == .unauthorized)
        }
        // Persisted: a fresh store from the file agrees.
        let reloaded = try #require(try PrincipalStore.load(path: test.dataDirectory + "/principals.json"))
        #expect(reloaded.principal(id: "auditor-9")?.isActive == false)
        #expect(reloaded.principal(id: "exporter-7")?.role == .exporter)
        try await test.close()
    }

    @Test func badPrincipalsNameTheirFields() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let cases: [(JSONValue, Set<String>)] = [
            ([:], ["/id", "/role"]),
            (["id": "Upper", "role": "auditor"], ["/id"]),
            (["id": "-dash", "role": "auditor"], ["/id"]),
            (["id": .string(String(repeating: "a", count: 65)), "role": "auditor"], ["/id"]),
            (["id": 5, "role": "boss"], ["/id", "/role"]),
            (["id": "insp-1", "role": "inspector"], ["/authority"]),
            (["id": "inst-1", "role": "institution"], ["/institution"]),
            (["id": "aud-1", "role": "auditor", "authority": Fixtures.authority(Fixtures.ouhaiHealth)], ["/authority"]),
            (["id": "insp-2", "role": "inspector", "authority": ["name": "局", "uscc": "113303040025997856", "region": "330304"]],
             ["/authority/uscc"]),
            (["id": "insp-3", "role": "inspector", "authority": ["name": "", "uscc": "113303040025997855"]],
             ["/authority/name", "/authority/region"]),
            (["id": "insp-4", "role": "inspector", "authority": ["name": "局", "uscc": "113303040025997855", "region": "33030"]],
             ["/authority/region"]),
            (["id": "aud-2", "role": "auditor", "publicKey": "not base64"], ["/publicKey"]),
            (["id": "aud-3", "role": "auditor", "publicKey": .string(Base64.encode([UInt8](repeating: 1, count: 31)))], ["/publicKey"]),
            (["id": "aud-4", "role": "auditor", "token": "mine"], [""]),
            ("auditor", [""]),
        ]
        try await test.test { client in
            for (body, pointers) in cases {
                let response = try await client.send(.post, "/v1/principals", token: admin, json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.isProblem)
                #expect(Set(try response.problemPointers()) == pointers, "\(body): \(response.summary)")
            }
            let malformed = try await client.send(.post, "/v1/principals", token: admin, body: Array(#"{"id":"#.utf8))
            #expect(malformed.status == .badRequest)
            let ok = try await client.send(.post, "/v1/principals", token: admin, json: [
                "id": "inst.ok_1", "role": "institution",
                "institution": ["name": .string(Fixtures.aixin.name), "uscc": .string(Fixtures.aixin.uscc)],
                "publicKey": .string(Base64.encode(Ed25519PrivateKey().publicKey.rawRepresentation)),
            ])
            #expect(ok.status == .created, "\(ok.summary)")
        }
        #expect(test.server.principals.all.count == 2)
        try await test.close()
    }

    @Test func bearerTokensAreParsedStrictly() {
        let token = BearerToken.generate()
        #expect(token.count == 43)
        #expect(BearerToken.parse(authorization: "Bearer \(token)") == Substring(token))
        #expect(BearerToken.parse(authorization: "bearer  \(token) ") == Substring(token))
        #expect(BearerToken.parse(authorization: "Basic \(token)") == nil)
        #expect(BearerToken.parse(authorization: "Bearer \(token)x") == nil)
        #expect(BearerToken.parse(authorization: "Bearer") == nil)
        #expect(BearerToken.parse(authorization: "Bearer " + String(token.dropLast()) + "=") == nil)
    }

    @Test func listenAddressesParse() {
        #expect(ServerConfiguration.parseListen("127.0.0.1:8080")! == ("127.0.0.1", 8080))
        #expect(ServerConfiguration.parseListen("[::1]:9000")! == ("::1", 9000))
        #expect(ServerConfiguration.parseListen("localhost") == nil)
        #expect(ServerConfiguration.parseListen(":80") == nil)
        #expect(ServerConfiguration.parseListen("host:70000") == nil)
        #expect(ServerConfiguration.parseListen("host:-1") == nil)
    }

    @Test func usccCheckCharacters() {
        for valid in ["91350100M000100Y43", "91440300708461136T", "11230500001755309F", "113303040025997855"] {
            #expect(PrincipalIdentifiers.isValidUSCC(valid), "\(valid)")
        }
        for invalid in ["91350100M000100Y44", "9135010", "91350100M000100Y4I", "00000000000000000X"] {
            #expect(!PrincipalIdentifiers.isValidUSCC(invalid), "\(invalid)")
        }
    }
}
