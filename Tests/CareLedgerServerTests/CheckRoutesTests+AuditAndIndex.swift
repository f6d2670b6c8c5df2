import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore

/// Who-checked-whom, institution disclosure, the access log's read side, and the index across
/// appends and restarts.
extension CheckRoutesTests {
    // MARK: audit

    @Test func auditorsSeeWhoCheckedAPerson() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.inspector],
                                          json: Fixtures.check(purpose: "inspection", consentRef: "insp-2026-7")).status == .ok)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.zhangSan)).status == .ok)

            let response = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor], json: ["idType": "resident_id", "idNumber": "330381199211083443", "purpose": "audit"])
            #expect(response.status == .ok)
            let checks = try #require(try response.json()["checks"]?.arrayValue?.compactMap(\.objectValue))
            #expect(checks.count == 2)
            #expect(checks.map { $0["principal"] } == ["inst-xiaoxingxing", "insp-ouhai-01"])
            #expect(checks[0]["institution"] == .string(Fixtures.xiaoxingxing.uscc) && checks[1]["institution"] == .null)
            #expect(checks[1]["purpose"] == "inspection" && checks[1]["consentRef"] == "insp-2026-7" && checks[1]["status"] == "clear")
            #expect(Set(checks[0].keys) == ["checkId", "principal", "institution", "purpose", "consentRef", "status", "at"])
            for id in Fixtures.idNumbers { #expect(!response.text.contains(id)) }

            let lower = try await client.send(.post, "/v1/audit/checks", token: admin, json: ["idType": "resident_id", "idNumber": "11010519491231002x", "purpose": "audit"])
            #expect(try lower.json()["checks"]?.arrayValue?.count == 1)
            let nobody = try await client.send(.post, "/v1/audit/checks", token: admin, json: ["idType": "resident_id", "idNumber": "330302199003150044", "purpose": "audit"])
            #expect(try nobody.json()["checks"] == .array([]))
            // Another type with the same number is another person.
            let passport = try await client.send(.post, "/v1/audit/checks", token: admin, json: ["idType": "passport", "idNumber": "E12345678", "purpose": "audit"])
            #expect(try passport.json()["checks"] == .array([]))

            let bad: [(JSONValue, [String])] = [
                (["idType": "resident_id", "idNumber": "330381199211083440"], ["/idNumber"]),
                (["idType": "resident_id"], ["/idNumber"]),
                (["idNumber": "330381199211083443"], ["/idType"]),
                (["idType": "nope", "idNumber": "330381199211083443"], ["/idType"]),
                (["idType": "resident_id", "idNumber": 330381199211083443], ["/idNumber"]),
                // An unknown member is refused without its name (the client's text, never echoed).
                (["idType": "resident_id", "idNumber": "330381199211083443", "330381199211083440": "x"], [""]),
            ]
            for (document, pointers) in bad {
                var body = document.objectValue!
                body["purpose"] = "audit"
                let refused = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor], json: .object(body))
                #expect(refused.status == .badRequest, "\(pointers)")
                #expect(try refused.problemPointers() == pointers)
                for id in Fixtures.idNumbers + ["330381199211083440"] { #expect(!refused.text.contains(id)) }
            }
            // The ID number never travels in a URL: the old query form is not a route any more.
            #expect(try await client.send(.get, "/v1/audit/checks?idType=resident_id&idNumber=330381199211083443&purpose=audit",
                                          token: roles[.auditor]).status == .methodNotAllowed)
            #expect(try await client.send(.post, "/v1/audit/checks", token: roles[.institution], json: ["idType": "resident_id", "idNumber": "330381199211083443", "purpose": "audit"]).status == .forbidden)
        }
        for line in test.capture.all {
            for id in Fixtures.idNumbers { #expect(!line.contains(id), "a log line carries an ID number") }
        }
        try await test.close()
    }

    /// Entries written before the access log took the vault's index key (keyed with the server
    /// secret) stay in the audit answer beside the new ones, and the access log holds no
    /// server-secret hash of a person checked since.
    @Test func checksRecordedUnderTheOldSubjectHashAreStillFound() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let legacy = AccessLedger.subject(secret: test.server.ledger.secret, idType: .residentId, idNumber: "330381199211083443")
        try await test.server.access.record(AccessEntry(checkId: AccessLedger.newCheckId(), principal: "inst-old", institution: Fixtures.xiaoxingxing.uscc,
                                                        subject: legacy, purpose: "hiring", consentRef: "consent-2025-9", status: "clear",
                                                        at: "2026-01-05T08:00:00Z"))
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            let response = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor],
                                                 json: ["idType": "resident_id", "idNumber": "330381199211083443", "purpose": "audit"])
            let checks = try #require(try response.json()["checks"]?.arrayValue?.compactMap(\.objectValue))
            #expect(checks.map { $0["principal"] } == ["inst-old", "inst-xiaoxingxing"])
        }
        let log = test.server.access.log
        let bytes = try (0..<log.size).flatMap { try log.entry(at: $0) }
        #expect(String(decoding: bytes, as: UTF8.self).components(separatedBy: legacy).count == 2, "only the old entry carries the old hash")
        try await test.close()
    }

    // MARK: institutions

    @Test func institutionDisclosureRefusesBadCodesAndUnknownOnes() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        try await test.test { client in
            for bad in ["91330304MA2J7K8L11", "9133", "91330304ma2j7k8l10", "913303O4MA2J7K8L10"] {
                let response = try await client.send(.get, "/v1/institutions/" + bad)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.isProblem)
                #expect(try response.problemPointers() == ["uscc"])
            }
            let unknown = try await client.send(.get, "/v1/institutions/\(Fixtures.aixin.uscc)")
            #expect(unknown.status == .notFound && unknown.isProblem)
        }
        try await test.close()
    }

    @Test
    func institutionDisclosureShowsRecordsButNoIDNumbers() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            for record in [Fixtures.filing(1), Fixtures.inspection(1), Fixtures.penalty(1), Fixtures.ban(1)] {
                #expect(try await client.send(.post, "/v1/records", token: admin, json: record).status == .created)
            }
            let response = try await client.send(.get, "/v1/institutions/\(Fixtures.xiaoxingxing.uscc)")
            #expect(response.status == .ok, "\(response.summary)")
            let disclosure = try response.json()
            #expect(disclosure["status"] == "active")
            #expect(disclosure["institution"]?.objectValue?["uscc"] == .string(Fixtures.xiaoxingxing.uscc))
            #expect(disclosure["inspections"]?.arrayValue?.count == 1)
            #expect(disclosure["penalties"]?.arrayValue?.count == 1)
            #expect(disclosure["asOf"]?.objectValue?["treeSize"] == .uint(4))
            for id in Fixtures.idNumbers { #expect(!response.text.contains(id)) }
            #expect(!response.text.contains("林晓燕"), "a staff member's name is personal data")
        }
        try await test.close()
    }

    @Test func disclosureNeverCarriesIDNumbers() {
        let value: JSONValue = ["a": ["idNumber": "x", "name": "王丽", "list": [["idNumber": "y", "k": 1]]]]
        #expect(Self.same(Ledger.withoutIDNumbers(value), ["a": ["name": "王丽", "list": [["k": 1]]]]))
    }

    // MARK: the access log's read side

    @Test func accessLogCheckpointAndTilesArePublicAndBundlesAreNot() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)

            let checkpoint = try await client.send(.get, "/access-log/checkpoint")
            #expect(checkpoint.status == .ok)
            let opened = try Checkpoint.open(note: checkpoint.text, verifier: test.server.access.log.verifier)
            #expect(opened.origin == "careledger.local/access" && opened.size == 1)
            #expect(throws: (any Error).self) { try Checkpoint.open(note: checkpoint.text, verifier: test.server.log.verifier) }

            let tile = try await client.send(.get, "/access-log/tile/0/000.p/1")
            #expect(tile.status == .ok)
            #expect(tile.bytes == (try test.server.access.log.leafHash(at: 0)).bytes)
            #expect(try await client.send(.get, "/access-log/tile/0/000.p/2").status == .notFound)
            #expect(try await client.send(.get, "/access-log/tile/0/0").status == .badRequest)

            #expect(try await client.send(.get, "/access-log/tile/entries/000.p/1").status == .unauthorized)
            for role in [Role.institution, .inspector, .exporter] {
                #expect(try await client.send(.get, "/access-log/tile/entries/000.p/1", token: roles[role]).status == .forbidden)
            }
            let bundle = try await client.send(.get, "/access-log/tile/entries/000.p/1", token: roles[.auditor])
            #expect(bundle.status == .ok)
            #expect(Array(bundle.bytes.dropFirst(2)) == (try test.server.access.log.entry(at: 0)))
        }
        try await test.close()
    }

    @Test func theAccessLogIsBootstrappedBesideTheRecordsLog() async throws {
        #expect(ServerDataDirectory.accessOrigin(recordsOrigin: "careledger.local/records") == "careledger.local/access")
        #expect(ServerDataDirectory.accessOrigin(recordsOrigin: "ledger.example.org/wenzhou/records") == "ledger.example.org/wenzhou/access")
        #expect(ServerDataDirectory.accessOrigin(recordsOrigin: "example.org") == "example.org/access")
        let test = try await TestServer.start(configure: { $0.origin = "ledger.example.org/records" })
        defer { test.remove() }
        #expect(test.server.bootstrapReport.createdAccessLog)
        #expect(test.server.access.log.origin == "ledger.example.org/access")
        #expect(test.server.access.log.verifier.publicKey != test.server.log.verifier.publicKey)
        let restarted = try await test.restart()
        #expect(!restarted.server.bootstrapReport.createdAccessLog)
        try await restarted.close()
    }

    // MARK: the index across appends and restarts

    @Test func concurrentAppendsReachTheIndexInOrderEachOnce() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<24 {
                    group.addTask {
                        let response = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(100 + n))
                        #expect(response.status == .created)
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(test.server.ledger.indexFeeder.applied == 24)
        #expect(test.server.log.size == 24)
        #expect(test.server.ledger.index.size == 24)
        try await test.close()
    }

    @Test func restartReplaysAndRebuildsWhatTheSnapshotCannotGive() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let roles = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.appendConfirmed(Fixtures.ban(1), roles: roles).status == .created)
            return roles
        }
        let expected: JSONValue = "barred"
        let snapshot = test.dataDirectory + "/index.snapshot"

        var server = try await test.restart()
        #expect(FileManager.default.fileExists(atPath: snapshot))
        #expect(server.capture.all.contains { $0.contains("background index loaded from its snapshot") })
        try await server.test { client in
            let answer = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(try answer.json()["status"] == expected)
        }

        // A corrupted snapshot is detected and the index rebuilt from the log.
        if var bytes = FileManager.default.contents(atPath: snapshot).map(Array.init), !bytes.isEmpty {
            bytes[bytes.count / 2] ^= 0xFF
            #expect(FileManager.default.createFile(atPath: snapshot, contents: Data(bytes), attributes: [.posixPermissions: 0o600]))
        }
        let linesBefore = server.capture.all.count
        server = try await server.restart()
        #expect(server.capture.all.dropFirst(linesBefore).contains { $0.contains("background index rebuilt from the log") })
        try await server.test { client in
            let answer = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(try answer.json()["status"] == expected)
        }

        // A snapshot of another log (same size, other root) is foreign: rebuilt too.
        let other = try await TestServer.start()
        defer { other.remove() }
        try await other.test { client in
            let appended = try await client.send(.post, "/v1/records", token: other.adminToken, json: Fixtures.ban(9))
            #expect(appended.status == .created)
        }
        try await other.close()
        // Swapped while the service is stopped (a running one writes its own snapshot at close).
        try await server.close()
        try? FileManager.default.removeItem(atPath: snapshot)
        try FileManager.default.copyItem(atPath: other.dataDirectory + "/index.snapshot", toPath: snapshot)
        let count = server.capture.all.count
        server = try await TestServer.start(directory: server.directory, capture: server.capture, vault: server.vault)
        #expect(server.capture.all.dropFirst(count).contains { $0.contains("background index rebuilt from the log") })
        try await server.test { client in
            let answer = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(try answer.json()["status"] == expected)
        }
        try await server.close()
    }
}
