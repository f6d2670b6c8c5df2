import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// The statutory bars over HTTP (docs/background-index.md "Statutory bars").
@Suite struct StatutoryBarRoutesTests {
    /// 虐待被监护、看护人罪 (Criminal Law art. 260-1) with no court-ordered practice ban.
    static func abuseJudgment(_ n: Int, category: JSONValue = "abuse") -> JSONValue {
        var record = Fixtures.judgment(n).objectValue!
        var body = record["body"]!.objectValue!
        body["practiceBanUntil"] = nil
        body["offenceCategory"] = category
        record["body"] = .object(body)
        return .object(record)
    }

    /// 未成年人保护法 art. 62 and 130: an abuse judgment without a court ban answers `barred`,
    /// the finding naming the rule and citing the articles.
    @Test func anAbuseJudgmentWithoutACourtBanBars() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let appended = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Self.abuseJudgment(401))
            #expect(appended.status == .created, "\(appended.summary)")
            let response = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(response.status == .ok)
            let answer = try response.json()
            #expect(answer["status"] == "barred")
            #expect(try CanonicalJSON.encode(.object(answer)) == Array(response.text.utf8), "still RFC 8785 canonical")
            let finding = try #require(answer["findings"]?.arrayValue?.first?.objectValue)
            #expect(finding["kind"] == "judgment" && finding["rule"] == "statutory_offence" && finding["until"] == .null)
            #expect(finding["basis"] == "未成年人保护法第62条、第130条（虐待：刑法第260条之一、第260条）")
            let report = CheckEvidence.humanReport(answer, verification: CheckEvidence.verify(answer, verifier: test.server.log.verifier))
            #expect(report.hasPrefix("BARRED") && report.contains("barred by law: 未成年人保护法第62条"))
        }
        try await test.close()
    }

    /// The same judgment as recorded before the category existed answers as it did: the court's ban.
    @Test func aJudgmentWithoutACategoryAnswersAsBefore() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.judgment(402)).status == .created)
            let answer = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).json()
            #expect(answer["status"] == "barred")
            let finding = try #require(answer["findings"]?.arrayValue?.first?.objectValue)
            #expect(finding["rule"] == "court_practice_ban" && finding["basis"] == .null && finding["until"] == "2031-08-01")
        }
        try await test.close()
    }

    /// An unknown category is a 400 naming `/body/offenceCategory`, and nothing is appended.
    @Test func anUnknownCategoryIsRefused() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let size = test.server.log.size
            let response = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Self.abuseJudgment(403, category: "child_abuse"))
            #expect(response.status == .badRequest)
            #expect(try response.problemPointers() == ["/body/offenceCategory"])
            #expect(test.server.log.size == size)
        }
        try await test.close()
    }
}
