import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Subject codes (PIPL arts. 44–45; docs/http.md "Subject codes"): an inspector issues one for
/// a person seen in person; the code opens /me for that person only, a limited number of
/// times within 7 days; nothing on disk names the person or holds the code.
@Suite struct SubjectCodeTests {
    /// `XXXX-XXXX-XXXX-XXXX` of the code alphabet.
    static func isCode(_ code: String) -> Bool {
        code.wholeMatch(of: /[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/) != nil
    }

    static func issue(_ client: any TestClientProtocol, token: String, person: JSONValue = Fixtures.zhangSan,
                      caseRef: String = "OH-2026-114") async throws -> String {
        let response = try await client.send(.post, "/v1/subject-codes", token: token, json: ["person": person, "caseRef": .string(caseRef)])
        guard response.status == .created, let code = try response.json()["code"]?.stringValue else {
            throw TestFailure("issuing a code answered \(response.summary)")
        }
        return code
    }

    /// What the person's pages are tried on: a filing, a personal penalty against 张三 (its seq
    /// answered) and an institution's check on 张三.
    static func recordZhangSan(_ client: any TestClientProtocol, admin: String, roles: RoleTokens) async throws -> Int64 {
        #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
        let penalty = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.personalPenalty(1))
        let seq = try #require(try penalty.json()["seq"]?.integerValue)
        #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.zhangSan)).status == .ok)
        return seq
    }

    @Test func anInspectorIssuesACodeThatOpensThePersonOnly() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let response = try await client.send(.post, "/v1/subject-codes", token: roles[.inspector],
                                                 json: ["person": Fixtures.zhangSan, "caseRef": "OH-2026-114"])
            #expect(response.status == .created)
            #expect(response.headers[.cacheControl] == "no-store")
            let answer = try response.json()
            let code = try #require(answer["code"]?.stringValue)
            #expect(Self.isCode(code), "code format")
            #expect(answer["maxSessions"] == .uint(UInt64(SubjectCode.maxSessions)))
            // 16 characters of a 32-letter alphabet: 80 bits.
            #expect(SubjectCode.alphabet.count == 32 && SubjectCode.length * 5 >= 80)
            // Typed in lower case with spaces, it still opens the person it was issued for.
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
            let who = try #require(try test.server.ledger.redeemSubjectCode(typed))
            #expect(who == SubjectIdentity(idType: .residentId, idNumber: "11010519491231002X"))
            #expect(try test.server.ledger.redeemSubjectCode("2222-2222-2222-2222") == nil)
            #expect(try test.server.ledger.redeemSubjectCode("not a code") == nil)
            // The store records the issue, and holds no ID number, name, case-free code or text.
            let file = try String(contentsOfFile: test.dataDirectory + "/subject-codes.json", encoding: .utf8)
            #expect(file.contains("insp-ouhai-01") && file.contains("OH-2026-114"))
            for secret in ["11010519491231002X", "张三", code, String(code.filter { $0 != "-" })] {
                #expect(!file.contains(secret), "the store holds a secret")
            }
            // Every code differs.
            let second = try await Self.issue(client, token: roles[.inspector])
            #expect(second != code)
        }
        try await test.close()
    }

    @Test func aCodeExpiresAndIsUsedUp() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let (usedUp, fresh) = try await test.test { client -> (String, String) in
            let roles = try await client.makeRoles(admin: admin)
            let ledger = test.server.ledger
            // The code's clock starts somewhere between these two readings (a loaded CI once
            // took over a second to issue it): past the later one's lifetime it has expired,
            // before the earlier one's it has not.
            let before = Timestamp.epochSeconds()
            let expiring = try await Self.issue(client, token: roles[.inspector])
            let after = Timestamp.epochSeconds()
            #expect(try ledger.redeemSubjectCode(expiring, now: after + SubjectCode.lifetimeSeconds + 1) == nil)
            #expect(try ledger.redeemSubjectCode(expiring, now: before + SubjectCode.lifetimeSeconds - 60) != nil)
            let code = try await Self.issue(client, token: roles[.inspector])
            for _ in 0..<SubjectCode.maxSessions { #expect(try ledger.redeemSubjectCode(code) != nil) }
            #expect(try ledger.redeemSubjectCode(code) == nil, "a used-up code opens nothing")
            return (code, try await Self.issue(client, token: roles[.inspector]))
        }
        // Issues and uses survive a restart (the store is written durably before answering).
        let restarted = try await test.restart()
        #expect(try restarted.server.ledger.redeemSubjectCode(usedUp) == nil)
        #expect(try restarted.server.ledger.redeemSubjectCode(fresh) != nil)
        try await restarted.close()
    }

    @Test func anExpiredCodeForgetsThePersonAtTheNextIssue() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            _ = try await Self.issue(client, token: roles[.inspector])
            let ledger = test.server.ledger
            #expect(ledger.subjects.codes.read { $0.map(\.person.isEmpty) } == [false])
            let inspector = try #require(test.server.principals.principal(id: roles.inspectorId))
            let later = Timestamp.epochSeconds() + SubjectCode.lifetimeSeconds + 1
            _ = try ledger.issueSubjectCode(Fixtures.bytes(["person": Fixtures.wangLi, "caseRef": "OH-2"]), principal: inspector, now: later)
            // The expired one keeps the record of its issue, not the sealed person.
            #expect(ledger.subjects.codes.read { $0.map(\.person.isEmpty) } == [true, false])
            #expect(ledger.subjects.codes.read { $0.map(\.caseRef) } == ["OH-2026-114", "OH-2"])
        }
        try await test.close()
    }

    @Test func badRequestsNameTheirFields() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let badNumber = try await client.send(.post, "/v1/subject-codes", token: roles[.inspector], json: [
                "person": ["name": "张三", "idType": "resident_id", "idNumber": "110105194912310021"], "caseRef": "OH-1",
            ])
            #expect(badNumber.status == .badRequest)
            #expect(try badNumber.problemPointers() == ["/person/idNumber"])
            #expect(!badNumber.text.contains("110105194912310021"))
            let phone = try await client.send(.post, "/v1/subject-codes", token: roles[.inspector],
                                              json: ["person": Fixtures.zhangSan, "caseRef": "13812345678", "extra": 1])
            #expect(phone.status == .badRequest)
            #expect(Set(try phone.problemPointers()) == ["/caseRef", ""])
            #expect(!phone.text.contains("13812345678"))
            let missing = try await client.send(.post, "/v1/subject-codes", token: roles[.inspector], json: [:])
            #expect(Set(try missing.problemPointers()) == ["/person", "/caseRef"])
            // Only an inspector, who can see the person's ID at its desk, issues codes.
            let byInstitution = try await client.send(.post, "/v1/subject-codes", token: roles[.institution],
                                                      json: ["person": Fixtures.zhangSan, "caseRef": "OH-1"])
            #expect(byInstitution.status == .forbidden)
        }
        try await test.close()
    }

    @Test func theSubjectSeesTheirRecordsAndWhoCheckedThem() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try await Self.recordZhangSan(client, admin: admin, roles: roles)
            // Someone else's record is not theirs.
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.personalPenalty(2, person: Fixtures.wangLi)).status == .created)
            let who = SubjectIdentity(idType: .residentId, idNumber: "11010519491231002X")
            let records = try test.server.ledger.subjectRecords(who)
            #expect(records.map(\.seq) == [UInt64(seq)])
            // Opened, as the records API opens it: the facts are the personal part.
            #expect(records.first?.body?["facts"]?.stringValue?.contains("健康合格证明") == true)
            #expect(records.first?.authorityName == Fixtures.ouhaiHealth.name)
            let checks = try test.server.ledger.subjectChecks(who)
            #expect(checks.count == 1)
            #expect(checks.first?.checkedBy == Fixtures.xiaoxingxing.name)
            #expect(checks.first?.purpose == "hiring" && checks.first?.status == "records_found")
        }
        try await test.close()
    }
}
