import CreditRecords
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// docs/background-index.md "Institution status" over HTTP: a closure penalty (行政处罚法
/// art. 9(4), 责令关闭) changes the public status and lists the institution.
@Suite struct InstitutionStatusRouteTests {
    static func closure(_ n: Int) -> JSONValue {
        var record = Fixtures.penalty(n).objectValue!
        var body = record["body"]!.objectValue!
        body["categories"] = ["closure"]
        body["content"] = "责令关闭"
        body["fineAmount"] = nil
        record["body"] = .object(body)
        return .object(record)
    }

    @Test func closurePenaltyClosesAndLists() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let code = Fixtures.xiaoxingxing.uscc
        try await test.test { client in
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            let before = try await client.send(.get, "/v1/institutions?status=closed")
            #expect(before.status == .ok, "\(before.summary)")
            #expect(try before.json()["institutions"]?.arrayValue?.isEmpty == true)
            #expect(try await client.send(.get, "/v1/institutions/\(code)").json()["status"] == "active")

            let appended = try await client.send(.post, "/v1/records", token: admin, json: Self.closure(2))
            #expect(appended.status == .created, "\(appended.summary)")

            let disclosure = try await client.send(.get, "/v1/institutions/\(code)").json()
            #expect(disclosure["status"] == "closed")
            #expect(disclosure["statusRecords"] == [1])

            let list = try await client.send(.get, "/v1/institutions?status=closed&region=330300")
            #expect(list.status == .ok, "\(list.summary)")
            let rows = try #require(try list.json()["institutions"]?.arrayValue)
            #expect(rows.count == 1)
            let row = try #require(rows.first?.objectValue)
            #expect(row["uscc"] == .string(code) && row["status"] == "closed" && row["statusRecords"] == [1])
            #expect(row["name"] == .string(Fixtures.xiaoxingxing.name) && row["region"] == "330304")
            #expect(Set(row.members.map(\.0)) == ["uscc", "name", "region", "status", "statusRecords"], "allow-listed fields only")
            for id in Fixtures.idNumbers { #expect(!list.text.contains(id)) }
            #expect(!list.text.contains("王丽"), "the legal representative's name stays out of the list")

            let elsewhere = try await client.send(.get, "/v1/institutions?status=closed&region=110000").json()
            #expect(elsewhere["institutions"]?.arrayValue?.isEmpty == true)
            let active = try await client.send(.get, "/v1/institutions?status=active").json()
            #expect(active["institutions"]?.arrayValue?.isEmpty == true)
        }
        try await test.close()
    }

    /// 行政强制法 arts. 25 and 28: a seal decided today makes the institution `sealed` and
    /// lists it; a 解除 decision naming it (`lifts`) makes it `active` again.
    @Test func sealAndLiftOverHTTP() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let code = Fixtures.xiaoxingxing.uscc
        let today = LocalDate.today().description
        @Sendable func enforcement(_ n: Int, changes: [String: JSONValue]) -> JSONValue {
            var record = Fixtures.enforcement(n).objectValue!
            var body = record["body"]!.objectValue!
            body["decidedAt"] = .string(today)
            for (key, value) in changes { body[key] = value }
            record["body"] = .object(body)
            return .object(record)
        }
        try await test.test { client in
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.filing(1)).status == .created)
            let seal = try await client.send(.post, "/v1/records", token: admin, json: enforcement(1, changes: [:]))
            #expect(seal.status == .created, "\(seal.summary)")
            #expect(try await client.send(.get, "/v1/institutions/\(code)").json()["status"] == "sealed")
            let sealed = try await client.send(.get, "/v1/institutions?status=sealed").json()
            #expect(sealed["institutions"]?.arrayValue?.first?.objectValue?["statusRecords"] == [1])

            let lift = try await client.send(.post, "/v1/records", token: admin,
                                             json: enforcement(2, changes: ["measure": "other", "content": "解除查封", "lifts": 1]))
            #expect(lift.status == .created, "\(lift.summary)")
            #expect(try await client.send(.get, "/v1/institutions/\(code)").json()["status"] == "active")
            #expect(try await client.send(.get, "/v1/institutions?status=sealed").json()["institutions"]?.arrayValue?.isEmpty == true)

            // A lift must name an enforcement measure: the filing is none.
            let bad = try await client.send(.post, "/v1/records", token: admin, json: enforcement(3, changes: ["measure": "other", "lifts": 0]))
            #expect(bad.status == .badRequest)
            #expect(try bad.problemPointers() == ["/body/lifts"])
        }
        try await test.close()
    }

    /// 信用修复管理办法 (NDRC Order 2025 No. 36): a 严重 penalty decided 2026-05-20 may be
    /// repaired from 2027-05-20; a repair decided 2026-09-01 is refused, naming the rule.
    @Test func repairBeforeTheMinimumPeriodIsRefused() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            var record = Fixtures.penalty(1).objectValue!
            var body = record["body"]!.objectValue!
            body["class"] = "serious"
            body["publicUntil"] = "2029-05-20"
            record["body"] = .object(body)
            let penalty = try await client.send(.post, "/v1/records", token: admin, json: .object(record))
            #expect(penalty.status == .created, "\(penalty.summary)")
            let seq = try #require(try penalty.json()["seq"]?.integerValue)
            let repair = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.creditRepair(target: UInt64(seq), 1))
            #expect(repair.status == .badRequest, "\(repair.summary)")
            let errors = try repair.json()["errors"]?.arrayValue?.compactMap(\.objectValue) ?? []
            #expect(errors.map { $0["code"]?.stringValue } == ["repair_too_early"])
            #expect(errors.first?["pointer"] == "/body/decidedAt")
            #expect(errors.first?["message"]?.stringValue?.contains("信用修复管理办法") == true, "the refusal names the rule")
            // The record is still published: nothing was appended.
            #expect(try await client.send(.get, "/v1/institutions/\(Fixtures.xiaoxingxing.uscc)").json()["penalties"]?.arrayValue?.count == 1)
        }
        try await test.close()
    }

    @Test func badQueryValuesNameTheirParameter() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        try await test.test { client in
            let cases: [(String, [String])] = [
                ("status=open", ["status"]), ("region=3303", ["region"]), ("region=abcdef", ["region"]), ("limit=0", ["limit"]),
                ("limit=201", ["limit"]), ("after=9133", ["after"]), ("status=closed&status=sealed", ["status"]),
                // An unknown parameter is refused without its name: the client's text is never echoed.
                ("owner=x", [""]),
                ("status=open&region=1", ["status", "region"]),
            ]
            for (query, pointers) in cases {
                let response = try await client.send(.get, "/v1/institutions?" + query)
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.isProblem)
                #expect(try response.problemPointers().sorted() == pointers.sorted(), "\(query)")
            }
            #expect(try await client.send(.get, "/v1/institutions?limit=200&region=330000").status == .ok)
        }
        try await test.close()
    }
}
