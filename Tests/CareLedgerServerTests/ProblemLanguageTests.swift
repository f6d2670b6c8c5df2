import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Problems in Chinese (docs/http.md "Problems in Chinese"): `Accept-Language` picks Simplified
/// Chinese titles, details and field messages; the type, status, codes and pointers never change.
@Suite struct ProblemLanguageTests {
    @Test(arguments: [
        ("zh-CN", ProblemLanguage.simplifiedChinese), ("zh", .simplifiedChinese), ("zh-Hans", .simplifiedChinese),
        ("zh-Hans-CN", .simplifiedChinese), ("ZH-cn", .simplifiedChinese), ("zh-CN,zh;q=0.9,en;q=0.8", .simplifiedChinese),
        ("en-US,en;q=0.9,zh-CN;q=0.8", .english), ("en;q=0.5, zh-CN;q=0.6", .simplifiedChinese), ("zh-CN;q=0, en", .english),
        ("zh-TW", .english), ("zh-Hant", .english), ("fr", .english), ("", .english), ("*", .english),
        ("fr, zh;q=0.1", .simplifiedChinese), ("zh-CN;q=abc", .english), ("en, zh-CN", .english), ("zh-CN, en", .simplifiedChinese),
    ])
    func acceptLanguageIsReadWithItsWeights(header: String, expected: ProblemLanguage) {
        #expect(ProblemLanguage.from(acceptLanguage: [header]) == expected, "\(header)")
    }

    @Test func aValidationProblemInChineseKeepsItsTypeAndPointers() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let bad: JSONValue = ["person": ["name": "张三", "idType": "resident_id", "idNumber": "110105194912310021"],
                                  "purpose": "hiring", "consentRef": "c-1"]
            let english = try await client.send(.post, "/v1/checks", token: admin, json: bad)
            var zhHeaders = HTTPFields()
            zhHeaders[.acceptLanguage] = "zh-CN,zh;q=0.9,en;q=0.8"
            let chinese = try await client.send(.post, "/v1/checks", token: admin, json: bad, headers: zhHeaders)
            #expect(english.status == .badRequest && chinese.status == .badRequest)
            let e = try english.json(), z = try chinese.json()
            #expect(e["type"] == z["type"] && e["status"] == z["status"])
            #expect(try english.problemPointers() == chinese.problemPointers())
            #expect(e["title"]?.stringValue == "The request is not valid")
            #expect(z["title"]?.stringValue == "请求内容未通过校验")
            #expect(z["detail"]?.stringValue == "有 1 项未通过校验，详见 errors。")
            let item = try #require(z["errors"]?.arrayValue?.first?.objectValue)
            #expect(item["code"]?.stringValue == "id_checksum")
            #expect(item["message"]?.stringValue == ProblemText.fields["id_checksum"])
            #expect(chinese.headers[.contentLanguage] == "zh-CN")
            #expect(english.headers[.contentLanguage] == nil)
            #expect(!chinese.text.contains("110105194912310021"))

            // Problems raised outside the use cases too: 401, 404, 405.
            for (method, uri, token, slug) in [(HTTPRequest.Method.get, "/v1/tasks", nil as String?, "unauthorized"),
                                               (.get, "/v1/nothing", admin, "not-found"), (.put, "/v1/records", admin, "method-not-allowed")] {
                let response = try await client.send(method, uri, token: token, headers: zhHeaders)
                let json = try response.json()
                #expect(json["type"]?.stringValue == Problem.typeBase + slug)
                #expect(json["title"]?.stringValue == ProblemText.types[slug]?.title, "\(slug)")
            }
        }
        try await test.close()
    }

    @Test func aRateLimitSaysWhenInChinese() {
        let problem = Problem.rateLimited("Too many requests from this address.", retryAfter: 7).localized(.simplifiedChinese)
        #expect(problem.title == "请求过于频繁")
        #expect(problem.detail == "请求过于频繁，请 7 秒后再试。")
        #expect(problem.slug == "rate-limited" && problem.status == .tooManyRequests)
        #expect(Problem.rateLimited("x", retryAfter: 7).localized(.english).title == "Too many requests")
    }

    /// Every problem type the sources can emit — each `slug:` literal, defaults included — has
    /// a Chinese title and detail, so a new problem type fails here until it is translated.
    @Test func everyProblemTypeHasAChineseTitle() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        var slugs = Set<String>()
        for file in files {
            let text = try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            for match in text.matches(of: /slug: (?:String = )?"([a-z][a-z0-9-]*)"/) { slugs.insert(String(match.1)) }
        }
        // The scan finds the ones known to be there (it is not vacuous).
        #expect(slugs.isSuperset(of: ["validation", "not-found", "conflict", "bad-request", "rate-limited", "internal", "objection-answered"]))
        for slug in slugs.sorted() {
            let text = ProblemText.types[slug]
            #expect(text != nil, "problem type \(slug) has no Chinese title")
            if let text {
                #expect(text.title.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(slug) title")
                #expect(text.detail.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(slug) detail")
            }
        }
        // And the table holds nothing the sources do not emit.
        #expect(Set(ProblemText.types.keys).subtracting(slugs).isEmpty, "stale: \(Set(ProblemText.types.keys).subtracting(slugs))")
    }

    /// Every item code the API's modules write (`code: "…"`, the validator's `add`) has a
    /// Chinese message, so a form on a Chinese page never shows an English one at its field
    /// (issue 18 part 3).
    @Test func everyItemCodeHasAChineseMessage() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        var codes = Set<String>()
        for module in ["CreditRecords", "LedgerCore", "CareLedgerServer"] {
            let root = sources.appendingPathComponent(module)
            let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
            for file in files {
                let text = try String(contentsOfFile: root.appendingPathComponent(file).path, encoding: .utf8)
                for match in text.matches(of: /code: "([a-z][a-z_]*)"/) { codes.insert(String(match.1)) }
                // The validator's `sink.add(pointer, "code", message)`.
                for match in text.matches(of: /\.add\((?:[^,()]|\([^()]*\))+, "([a-z][a-z_]*)"/) { codes.insert(String(match.1)) }
            }
        }
        #expect(codes.isSuperset(of: ["not_own_authority", "self_confirmation", "uscc_category", "barred", "future", "date_order"]), "the scan is not vacuous")
        for code in codes.sorted() {
            let message = ProblemText.fields[code]
            #expect(message?.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF } == true, "item code \(code) has no Chinese message")
        }
    }
}
