import CreditRecords
import Hummingbird
import HummingbirdTesting
import PersonalVault
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Bad bodies are 4xx problems naming what is wrong, never a 500.
@Suite struct HostileInputTests {
    @Test func everyCutOfAValidBodyIsA400() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let body = Fixtures.bytes(Fixtures.penalty(5))
        try await test.test { client in
            for cut in 0..<body.count {
                let response = try await client.send(.post, "/v1/records", token: admin, body: Array(body[0..<cut]))
                #expect(response.status == .badRequest, "cut at \(cut): \(response.status)")
                #expect(response.isProblem)
                let errors = try response.json()["errors"]?.arrayValue ?? []
                #expect(errors.first?.objectValue?["pointer"]?.stringValue == "", "cut at \(cut)")
                #expect(errors.first?.objectValue?["message"]?.stringValue?.contains("byte") == true)
            }
        }
        #expect(test.server.log.size == 0)
        try await test.close()
    }

    @Test func invalidUTF8DeepNestingAndHugeBodiesAreRefused() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            // A lone continuation byte and an overlong encoding inside a string.
            for bad: [UInt8] in [[0x7B, 0x22, 0x6B, 0x22, 0x3A, 0x22, 0x80, 0x22, 0x7D], [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D]] {
                let response = try await client.send(.post, "/v1/records", token: admin, body: bad)
                #expect(response.status == .badRequest)
                #expect(response.isProblem)
            }
            let deep = Array(String(repeating: "[", count: 10_000).utf8) + Array(String(repeating: "]", count: 10_000).utf8)
            let nested = try await client.send(.post, "/v1/records", token: admin, body: deep)
            #expect(nested.status == .badRequest)
            #expect(try nested.problemPointers() == [""])

            var big = Array(#"{"kind":"penalty","body":{"facts":""#.utf8)
            big += [UInt8](repeating: 0x61, count: 300 * 1024)
            big += Array(#""}}"#.utf8)
            let large = try await client.send(.post, "/v1/records", token: admin, body: big)
            #expect(large.status == .contentTooLarge)
            #expect(large.isProblem)
            let principal = try await client.send(.post, "/v1/principals", token: admin, body: big)
            #expect(principal.status == .contentTooLarge)

            let empty = try await client.send(.post, "/v1/records", token: admin, body: [])
            #expect(empty.status == .badRequest)
            for notRecord: JSONValue in [[], "text", 5, nil, ["kind": "penalty"], ["kind": "nothing", "body": [:]]] {
                let response = try await client.send(.post, "/v1/records", token: admin, json: notRecord)
                #expect(response.status == .badRequest)
                #expect(response.isProblem)
            }
            let huge = try await client.send(.post, "/v1/records", token: admin,
                                             body: Array(#"{"kind":"penalty","body":{"authority":{"uscc":"113303040025997855"},"x":1e400}}"#.utf8))
            #expect(huge.status.code == 400)
        }
        #expect(test.server.log.size == 0)
        try await test.close()
    }

    /// The entry limit holds for the record as submitted, not only for its leaf: findings are
    /// restricted, so a record of 1,000 of them has a small public view but a full envelope
    /// over 65,535 bytes, which must not reach the vault either.
    @Test func aRecordOverTheEntryLimitIsRefusedEvenWhenItsLeafWouldFit() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        @Sendable func inspection(findings: Int) -> JSONValue {
            var document = Fixtures.inspection(findings).objectValue!
            var body = document["body"]!.objectValue!
            body["findings"] = .array((0..<findings).map { i in
                ["code": "video_retention", "description": .string("监控录像保存不足90日（第\(i)处）"), "severity": "major"]
            })
            document["body"] = .object(body)
            return .object(document)
        }
        let institution = SubjectIdentifier.organization(uscc: Fixtures.xiaoxingxing.uscc)
        try await test.test { client in
            let large = try await client.send(.post, "/v1/records", token: admin, json: inspection(findings: 1_000))
            #expect(large.status == .contentTooLarge, "\(large.summary)")
            #expect(large.isProblem)
            #expect(test.vault.commitments(of: institution).isEmpty)
            // The same record with ten findings is taken: the refusal was the size.
            let small = try await client.send(.post, "/v1/records", token: admin, json: inspection(findings: 10))
            #expect(small.status == .created, "\(small.summary)")
        }
        #expect(test.server.log.size == 1)
        #expect(test.vault.commitments(of: institution).count == 1)
        try await test.close()
    }

    @Test func aLogThatCannotWriteIsA503WithRetryAfter() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.server.log.close()
        try await test.test { client in
            let response = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(5))
            #expect(response.status == .serviceUnavailable)
            #expect(response.isProblem)
            #expect(response.headers[.retryAfter] != nil)
            // Reads still work.
            #expect(try await client.send(.get, "/log/checkpoint").status == .ok)
        }
        #expect(test.server.ledger.index.stats.records == 0)
    }

    @Test(.enabled(if: Fixtures.fullValidator)) func unknownFieldsArePointedAtButNotNamed() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            var document = Fixtures.penalty(5).objectValue!
            var body = document["body"]!.objectValue!
            body["surprise"] = "x"
            document["body"] = .object(body)
            document["extra"] = 1
            let response = try await client.send(.post, "/v1/records", token: admin, json: .object(document))
            #expect(response.status == .badRequest)
            let pointers = try response.problemPointers()
            // Where they are, never what they are called (the names are the client's text).
            #expect(pointers.contains("/body") && pointers.contains(""), "\(pointers)")
            #expect(!response.text.contains("surprise") && !response.text.contains("extra"))
        }
        try await test.close()
    }

    @Test func problemsAndLogLinesNeverCarryIDNumbersOrTokens() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let (problems, tokens) = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            var problems = [String]()
            var document = Fixtures.ban(3).objectValue!
            var body = document["body"]!.objectValue!
            body["person"] = ["name": "李四", "idType": "resident_id", "idNumber": "11010519491231002Y"]
            document["body"] = .object(body)
            for (token, json) in [(roles[.inspector], JSONValue.object(document)), (roles[.auditor], Fixtures.ban(4)),
                                  (roles[.inspector], Fixtures.penalty(8, authority: Fixtures.ouhaiMarket))] {
                let response = try await client.send(.post, "/v1/records", token: token, json: json)
                if response.status.code >= 400 { problems.append(response.text) }
            }
            // Successful appends log too.
            _ = try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(5)))
            _ = try await client.send(.get, "/v1/institutions/11010519491231002X", token: admin)
            return (problems, Array(roles.tokens.values) + [roles.revoked])
        }
        #expect(problems.count == (Fixtures.fullValidator ? 3 : 2))
        let lines = test.capture.all
        #expect(lines.contains { $0.contains("http.route=/v1/records") })
        for id in Fixtures.idNumbers + ["11010519491231002Y"] {
            #expect(!problems.contains { $0.contains(id) }, "a problem carries an ID number")
            #expect(!lines.contains { $0.contains(id) }, "a log line carries an ID number")
        }
        for token in tokens {
            #expect(!lines.contains { $0.contains(token) }, "a log line carries a token")
        }
        try await test.close()
    }
}
