import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Responsible managers over HTTP (docs/records.md "Responsible managers"): 人口与计划生育法
/// art. 41(2) bars for life the directly responsible managers of a 托育机构 that abused infants.
@Suite struct ResponsibleManagerRoutesTests {
    static func with(_ record: JSONValue, _ set: [String: JSONValue]) -> JSONValue {
        var object = record.objectValue!
        var body = object["body"]!.objectValue!
        for (path, value) in set {
            let parts = path.split(separator: "/").map(String.init)
            if parts.count == 1 { body[parts[0]] = value } else {
                var inner = body[parts[0]]!.objectValue!
                inner[parts[1]] = value
                body[parts[0]] = .object(inner)
            }
        }
        object["body"] = .object(body)
        return .object(object)
    }

    static func naming(_ n: Int, person: JSONValue = Fixtures.wangLi) -> JSONValue {
        ["person": person, "decisionNo": .string("瓯卫禁〔2026〕\(500 + n)号"), "decidedAt": "2026-09-10",
         "facts": "作为机构直接负责的主管人员，对虐待婴幼儿行为负有直接责任。"]
    }

    static func signedNaming(_ n: Int, trigger: Int64) -> JSONValue { TestKeys.signedNaming(naming(n), trigger: trigger) }

    /// A filing whose 负责人 is barred is refused on the field; a clear one is filed and not disclosed.
    @Test func aBarredPrincipalIsRefusedWhenFiled() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.appendConfirmed(Fixtures.ban(1), roles: roles).status == .created)
            let size = test.server.log.size
            let refused = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                json: Self.with(Fixtures.filing(61), ["institution/principal": Fixtures.linXiaoyan]))
            #expect(refused.status == .badRequest)
            #expect(try refused.problemPointers() == ["/body/institution/principal"])
            #expect(!refused.text.contains("330381199211083443"))
            #expect(test.server.log.size == size)
            let filed = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                              json: Self.with(Fixtures.filing(62), ["institution/principal": Fixtures.zhangSan]))
            #expect(filed.status == .created, "\(filed.summary)")
            let disclosure = try await client.send(.get, "/v1/institutions/\(Fixtures.xiaoxingxing.uscc)")
            #expect(disclosure.status == .ok)
            #expect(!disclosure.text.contains("张三") && !disclosure.text.contains("principal"))
        }
        try await test.close()
    }

    /// A perpetrator's child-abuse ban naming the institution opens a task; naming a manager
    /// appends their lifetime ban (linked by managerOf) and bars them; the task is then done.
    @Test func namingAManagerOnAnAbuseTaskBarsThem() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let ban = try await client.appendConfirmed(Fixtures.ban(1), roles: roles)
            let trigger = try #require(try ban.json()["seq"]?.integerValue)
            // An abuse penalty against the institution opens one too; an ordinary one does not.
            let ordinary = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.penalty(2))
            let ordinarySeq = try #require(try ordinary.json()["seq"]?.integerValue)
            let abuse = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                              json: Self.with(Fixtures.penalty(3), ["offenceCategory": "abuse"]))
            let penaltyTrigger = try #require(try abuse.json()["seq"]?.integerValue)

            let listed = try await client.send(.get, "/v1/tasks", token: roles[.inspector])
            #expect(listed.status == .ok)
            let tasks = try #require(try listed.json()["tasks"]?.arrayValue?.compactMap(\.objectValue))
            #expect(tasks.compactMap { $0["seq"]?.integerValue } == [trigger, penaltyTrigger])
            #expect(tasks[0]["state"] == "open" && tasks[0]["kind"] == "ban" && tasks[0]["openedAt"] == "2026-08-20")
            // Overdue: open more than 30 days after the decision (2026-08-20).
            let overdue = LocalDate.today() > LocalDate(year: 2026, month: 9, day: 19)!
            #expect(tasks[0]["overdue"] == .bool(overdue))
            #expect(!listed.text.contains("林晓燕") && !listed.text.contains("330381199211083443"), "no personal data")

            // Another authority's inspector sees none of them, and cannot name on them.
            let market = try await client.createMarketInspector(admin: admin)
            #expect(try await client.send(.get, "/v1/tasks", token: market).json()["tasks"] == .array([]))
            #expect(try await client.send(.post, "/v1/tasks/\(trigger)/managers", token: market, json: Self.naming(1)).status == .notFound)

            // Bad input is named by pointers into the request; nothing is appended.
            var bad = Self.naming(2).objectValue!
            bad["person"] = ["name": "王丽", "idType": "resident_id", "idNumber": "330302199003150045"]
            let refused = try await client.send(.post, "/v1/tasks/\(trigger)/managers", token: roles[.inspector], json: .object(bad))
            #expect(refused.status == .badRequest)
            #expect(try refused.problemPointers() == ["/person/idNumber"])
            #expect(try await client.send(.post, "/v1/tasks/\(ordinarySeq)/managers", token: roles[.inspector], json: Self.naming(3)).status == .notFound)

            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.wangLi)).json()["status"] == "clear")
            // Unsigned, an inspector's lifetime ban is refused (docs/records.md "Bans need two people").
            let unsigned = try await client.send(.post, "/v1/tasks/\(trigger)/managers", token: roles[.inspector], json: Self.naming(4))
            #expect(unsigned.status == .badRequest)
            #expect(try unsigned.problemPointers() == ["/clientSignature"])
            let named = try await client.send(.post, "/v1/tasks/\(trigger)/managers", token: roles[.inspector], json: Self.signedNaming(4, trigger: trigger))
            #expect(named.status == .created, "\(named.summary)")
            let managerSeq = try #require(try named.json()["seq"]?.integerValue)
            // Pending until a second inspector confirms it: found, not yet barred.
            let pending = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.wangLi)).json()
            #expect(pending["status"] == "records_found")
            #expect(pending["findings"]?.arrayValue?.first?.objectValue?["pending"] == .bool(true))
            try await client.confirm(managerSeq, roles: roles)
            let stored = try await client.send(.get, "/v1/records/\(managerSeq)?purpose=inspection", token: roles[.inspector]).json()
            // The full body (its basis is restricted, so not in the sealed leaf) comes opened.
            let body = try #require(stored["opened"]?.objectValue?["body"]?.objectValue)
            #expect(stored["entry"]?.objectValue?["body"]?.objectValue?["basis"] == nil)
            #expect(body["role"] == "responsible_manager" && body["scope"] == "lifetime" && body["managerOf"]?.integerValue == trigger)
            #expect(body["basis"] == "《中华人民共和国人口与计划生育法》第四十一条第二款")
            #expect(body["institution"]?.objectValue?["uscc"] == .string(Fixtures.xiaoxingxing.uscc))

            let check = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.wangLi)).json()
            #expect(check["status"] == "barred")
            let after = try #require(try await client.send(.get, "/v1/tasks", token: roles[.inspector]).json()["tasks"]?.arrayValue?.compactMap(\.objectValue))
            #expect(after[0]["state"] == "managers_named" && after[0]["overdue"] == .bool(false) && after[0]["pendingManagers"] == .array([]))
            #expect(after[0]["managers"]?.arrayValue?.compactMap(\.integerValue) == [managerSeq])
            #expect(after[1]["state"] == "open")
        }
        try await test.close()
    }
}

extension ResponsibleManagerRoutesTests {
    /// Open tasks older than 30 days are overdue (a fixed date each side), and the tasks follow
    /// revocations: a revoked manager ban reopens its task, a revoked trigger withdraws it.
    @Test func overdueAndRevocations() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let trigger = try #require(try await client.appendConfirmed(Fixtures.ban(1), roles: roles).json()["seq"]?.integerValue)
            func tasks(on day: String) throws -> [JSONObject] {
                try test.server.ledger.managerTasks(authority: nil, today: LocalDate(iso: day)!).objectValue?["tasks"]?.arrayValue?.compactMap(\.objectValue) ?? []
            }
            // Decided 2026-08-20: 30 days later (2026-09-19) it is not yet overdue; the day after it is.
            #expect(try tasks(on: "2026-09-19").first?["overdue"] == .bool(false))
            #expect(try tasks(on: "2026-09-20").first?["overdue"] == .bool(true))

            let named = try await client.send(.post, "/v1/tasks/\(trigger)/managers", token: roles[.inspector], json: Self.signedNaming(7, trigger: trigger))
            let manager = try #require(try named.json()["seq"]?.integerValue)
            // The naming is a lifetime ban: pending until a second inspector confirms it, and
            // no longer overdue meanwhile.
            let pending = try #require(try tasks(on: "2026-09-20").first)
            #expect(pending["state"] == "awaiting_confirmation" && pending["overdue"] == .bool(false))
            #expect(pending["managers"] == .array([]) && pending["pendingManagers"]?.arrayValue?.compactMap(\.integerValue) == [manager])
            try await client.confirm(manager, roles: roles)
            #expect(try tasks(on: "2026-09-20").first?["state"] == "managers_named")
            #expect(try tasks(on: "2026-09-20").first?["managers"]?.arrayValue?.compactMap(\.integerValue) == [manager])

            // Revoking the manager ban (a lifetime ban) takes effect at its confirmation too.
            let unnaming = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                 json: TestKeys.sign(Self.with(Fixtures.revocation(target: UInt64(manager), 8), ["decidedAt": "2026-09-15"])))
            #expect(unnaming.status == .created)
            #expect(try tasks(on: "2026-09-20").first?["state"] == "managers_named", "a pending revocation withdraws nothing yet")
            try await client.confirm(try #require(try unnaming.json()["seq"]?.integerValue), roles: roles)
            #expect(try tasks(on: "2026-09-20").first?["state"] == "open", "a revoked manager ban no longer answers the task")
            let revocation = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                                   json: TestKeys.sign(Fixtures.revocation(target: UInt64(trigger), 9)))
            #expect(revocation.status == .created)
            #expect(try tasks(on: "2026-09-20").count == 1, "the trigger is a lifetime ban: its revocation waits for a second inspector")
            try await client.confirm(try #require(try revocation.json()["seq"]?.integerValue), roles: roles)
            #expect(try tasks(on: "2026-09-20").isEmpty, "a revoked trigger's task is withdrawn")
            // managerOf must name an unrevoked penalty or ban.
            let stale = try await client.send(.post, "/v1/records", token: roles[.inspector],
                                              json: Self.with(Fixtures.ban(10), ["role": "responsible_manager", "managerOf": .number(String(trigger))]))
            #expect(stale.status == .badRequest)
            #expect(try stale.problemPointers() == ["/body/managerOf"])
        }
        try await test.close()
    }
}
