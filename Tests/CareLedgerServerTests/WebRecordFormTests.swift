import CreditRecords
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// The inspectors' record forms (issue 18 part 3) over HTTP: built from the kind table,
/// submitted through the record use case, problems shown at their inputs in Chinese.
@Suite struct WebRecordFormTests {
    static let inspection: [(String, String)] = [
        ("institution.name", Fixtures.xiaoxingxing.name), ("institution.uscc", Fixtures.xiaoxingxing.uscc),
        ("inspectionNo", "瓯卫检〔2026〕88号"), ("inspectedAt", "2026-05-10"), ("type", "random"),
        ("areas.fire_safety", "on"), ("areas.food_safety", "on"), ("result", "rectification_required"),
        ("findings.0.code", "video_retention"), ("findings.0.description", "监控录像保存不足90日"), ("findings.0.severity", "major"),
        ("rectifyBy", "2026-06-10"), ("inspectors", "李明、赵强"),
    ]

    @Test func everyFieldOfEveryFormHasAChineseLabel() {
        for kind in WebRecordLabels.kinds {
            let spec = KindSpec.of(RecordKind(rawValue: kind)!)
            for field in spec.fields where field.type != .authority {
                #expect(WebRecordLabels.field[field.key] != nil, "\(kind).\(field.key) has no label")
            }
        }
    }

    @Test func anInspectorRecordsAnInspectionThroughTheForm() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let session = try await WebPageTests.signIn(client, token: roles[.inspector])
            let page = try await WebPageTests.get(client, "/records/new/inspection", cookie: session)
            #expect(page.status == .ok)
            for name in ["institution.uscc", "inspectedAt", "areas.fire_safety", "findings.0.severity", "inspectors"] {
                #expect(page.text.contains("name=\"\(name)\""), "the form has no input \(name)")
            }
            #expect(!page.text.contains("name=\"authority"), "the authority is the inspector's, not an input")
            // A fresh form shows no field as wrong, and a required box group is marked required.
            for kind in WebRecordLabels.kinds {
                let fresh = try await WebPageTests.get(client, "/records/new/\(kind)", cookie: session)
                #expect(!fresh.text.contains("invalid") && !fresh.text.contains("class=\"error\""), "a fresh \(kind) form shows an error")
            }
            #expect(page.text.contains("<legend>检查领域 *</legend>"))
            // Rules a label cannot say are said under it.
            #expect(page.text.contains(WebRecordLabels.help["rectifyBy"]!))
            let penalty = try await WebPageTests.get(client, "/records/new/penalty", cookie: session)
            for key in ["decisionNo", "fineAmount", "publicUntil", "procedure"] {
                #expect(penalty.text.contains(WebRecordLabels.help[key]!), "no help for \(key)")
            }
            let csrf = try #require(WebPageTests.hidden("csrf", in: page.text))
            let key = try #require(WebPageTests.hidden("idempotencyKey", in: page.text))

            // A bad code: the Chinese message at that input; nothing recorded.
            var bad = Self.inspection
            bad[1] = ("institution.uscc", "91330304MA2J7K8L11")
            let refused = try await WebPageTests.post(client, "/records/new/inspection", cookie: session, [("csrf", csrf), ("idempotencyKey", key)] + bad)
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("id=\"f-institution-uscc-error\""), "the error is not at the code's input")
            #expect(refused.text.contains("校验位"))
            #expect(refused.text.contains("value=\"瓯卫检〔2026〕88号\""), "what was typed is kept")
            #expect(test.server.log.size == 0)

            let created = try await WebPageTests.post(client, "/records/new/inspection", cookie: session, [("csrf", csrf), ("idempotencyKey", key)] + Self.inspection)
            #expect(created.status == .created, "\(created.status)")
            #expect(created.text.contains("第 0 条记录"))
            // Submitted twice (a double click): recorded once.
            let again = try await WebPageTests.post(client, "/records/new/inspection", cookie: session, [("csrf", csrf), ("idempotencyKey", key)] + Self.inspection)
            #expect(again.text.contains("第 0 条记录"))
            #expect(test.server.log.size == 1)
            // As the API reads it (the opened record: inspectors' names are personal and stay
            // out of the leaf): the inspector's authority, the fields as typed.
            let record = try await client.send(.get, "/v1/records/0?purpose=audit", token: roles[.auditor])
            let body = try #require(try record.json()["opened"]?.objectValue?["body"]?.objectValue)
            #expect(try record.json()["entry"]?.objectValue?["body"]?.objectValue?["inspectors"] == nil)
            #expect(body["authority"]?.objectValue?["uscc"]?.stringValue == Fixtures.ouhaiHealth.uscc)
            #expect(body["areas"] == ["fire_safety", "food_safety"])
            #expect(body["inspectors"] == ["李明", "赵强"])
        }
        try await test.close()
    }

    @Test func personalDataInPublicTextIsRefusedAtItsInput() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let session = try await WebPageTests.signIn(client, token: roles[.inspector])
            let response = try await WebPageTests.submit(client, "/records/new/inspection", cookie: session,
                                                         Self.inspection + [("publicSummary", "保育员张三（身份证号11010519491231002X）被发现殴打幼儿")])
            #expect(response.status == .badRequest)
            #expect(response.text.contains("id=\"f-publicSummary-error\""))
            #expect(response.text.contains("个人信息"))
            #expect(test.server.log.size == 0)
            // Only inspectors: an institution's session gets a 403 page.
            let institution = try await WebPageTests.signIn(client, token: roles[.institution])
            #expect(try await WebPageTests.get(client, "/records/new/ban", cookie: institution).status == .forbidden)
            #expect(try await WebPageTests.get(client, "/records/new/nothing", cookie: session).status == .notFound)
        }
        try await test.close()
    }
}
