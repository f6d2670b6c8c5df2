import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore

/// `POST /v1/checks`, the access log, `GET /v1/audit/checks`, `GET /v1/institutions/{uscc}`
/// and `/access-log/…`, against the real BackgroundIndex and its status rules.
@Suite struct CheckRoutesTests {

    /// Every byte of every file under `directory`.
    static func allBytes(under directory: String) -> [UInt8] {
        var out = [UInt8]()
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) { out += data }
        }
        return out
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard !n.isEmpty, haystack.count >= n.count else { return false }
        for i in 0...(haystack.count - n.count) where haystack[i] == n[0] && Array(haystack[i..<(i + n.count)]) == n { return true }
        return false
    }

    /// JSON equality regardless of member order.
    static func same(_ a: JSONValue?, _ b: JSONValue) -> Bool {
        guard let a else { return false }
        return (try? CanonicalJSON.encode(a)) == (try? CanonicalJSON.encode(b))
    }

    static func accessEntries(_ test: TestServer) throws -> [JSONObject] {
        let log = test.server.access.log
        return try (0..<log.size).map { try JSONParser.parse(log.entry(at: $0)).objectValue! }
    }

    // MARK: answers

    @Test func aPersonWithNoRecordsIsClearAndTheCheckIsLoggedFirst() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let before = test.server.access.log.size
            let response = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.wangLi))
            #expect(response.status == .ok, "\(response.summary)")
            #expect(response.headers[.cacheControl] == "no-store")
            // The access entry was durable before the answer went out.
            #expect(test.server.access.log.size == before + 1)
            let answer = try response.json()
            #expect(answer["status"] == "clear")
            #expect(answer["nameMatches"] == .null)
            #expect(answer["findings"] == .array([]))
            #expect(Self.same(answer["subject"], ["name": "王*", "idType": "resident_id", "idNumber": "330302********0044"]))
            let checkId = try #require(answer["checkId"]?.stringValue)
            #expect(checkId.count == 32 && checkId.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            let asOf = try #require(answer["asOf"]?.objectValue)
            let checkpoint = try Checkpoint.open(note: #require(asOf["checkpoint"]?.stringValue), verifier: test.server.log.verifier)
            #expect(asOf["treeSize"] == .uint(checkpoint.size))
            for id in Fixtures.idNumbers { #expect(!response.text.contains(id)) }

            let entry = try #require(try Self.accessEntries(test).last)
            #expect(entry["checkId"] == .string(checkId))
            #expect(entry["principal"] == "inst-xiaoxingxing")
            #expect(entry["institution"] == .string(Fixtures.xiaoxingxing.uscc))
            #expect(entry["purpose"] == "hiring" && entry["consentRef"] == "consent-2026-001" && entry["status"] == "clear")
            #expect(entry["v"] == 1 && entry["at"]?.stringValue?.hasSuffix("Z") == true)
            let subject = test.server.ledger.accessSubject(idType: .residentId, idNumber: "330302199003150044")
            #expect(entry["subject"] == .string(subject))
            // The vault's index key names the person, not the server secret kept in the data
            // directory beside the log (with it, a guessed ID number could be tested offline).
            let pseudonym = test.server.ledger.vault.pseudonym(.person(idType: "resident_id", idNumber: "330302199003150044"))
            #expect(subject == "\(pseudonym.keyID):\(pseudonym.digest.base64)")
            #expect(subject != AccessLedger.subject(secret: test.server.ledger.secret, idType: .residentId, idNumber: "330302199003150044"))
            #expect(Set(entry.keys) == ["v", "checkId", "principal", "institution", "subject", "purpose", "consentRef", "status", "at"])

            // An inspector's entry names no institution.
            let inspector = try await client.send(.post, "/v1/checks", token: roles[.inspector], json: Fixtures.check(Fixtures.wangLi, purpose: "inspection"))
            #expect(inspector.status == .ok)
            #expect(try Self.accessEntries(test).last?["institution"] == nil)
        }
        // Nothing in the access log's files names the person.
        let bytes = Self.allBytes(under: test.dataDirectory + "/access")
        #expect(!bytes.isEmpty)
        for id in Fixtures.idNumbers { #expect(!Self.contains(bytes, id)) }
        for name in Fixtures.personNames { #expect(!Self.contains(bytes, name)) }
        for line in test.capture.all {
            for id in Fixtures.idNumbers { #expect(!line.contains(id), "a log line carries an ID number") }
        }
        try await test.close()
    }

    @Test
    func aBanRecordedBeforeTheCheckBarsWithVerifiableEvidence() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            #expect(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.penalty(1)).status == .created)
            let ban = try await client.appendConfirmed(Fixtures.ban(1), roles: roles)
            #expect(ban.status == .created)
            let seq = try #require(try ban.json()["seq"]?.integerValue)

            let response = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(response.status == .ok)
            let answer = try response.json()
            #expect(answer["status"] == "barred")
            #expect(answer["nameMatches"] == .bool(true))
            // Written directly, not through a JSONValue: it must still be RFC 8785 canonical.
            #expect(try CanonicalJSON.encode(.object(answer)) == Array(response.text.utf8))
            let finding = try #require(answer["findings"]?.arrayValue?.first(where: { $0.objectValue?["kind"] == "ban" })?.objectValue)
            #expect(finding["seq"]?.integerValue == seq)
            #expect(finding["reason"] == "child_abuse" && finding["scope"] == "lifetime" && finding["until"] == .null)
            #expect(finding["decidedAt"] == "2026-08-20" && finding["decisionNo"] == "瓯卫禁〔2026〕1号")
            #expect(Self.same(finding["authority"], ["name": .string(Fixtures.ouhaiHealth.name), "uscc": .string(Fixtures.ouhaiHealth.uscc)]))
            let verification = CheckEvidence.verify(answer, verifier: test.server.log.verifier)
            #expect(verification.verified, "\(verification.problems)")
            #expect(verification.findingsChecked == answer["findings"]?.arrayValue?.count)
            #expect(try Self.accessEntries(test).last?["status"] == "barred")
            // A name that is not the records' is reported, and the ID number alone opens no
            // records (issue 17): identity_mismatch, no findings.
            let other = try await client.send(.post, "/v1/checks", token: roles[.institution],
                                              json: Fixtures.check(["name": "林小燕", "idType": "resident_id", "idNumber": "330381199211083443"]))
            let otherAnswer = try other.json()
            #expect(otherAnswer["status"] == "identity_mismatch" && otherAnswer["nameMatches"] == .bool(false))
            #expect(otherAnswer["findings"] == .array([]))
            #expect(otherAnswer["subject"]?.objectValue?["name"] == "林**")
        }
        try await test.close()
    }

    @Test
    func aCurrentPenaltyOnAPersonIsRecordsFound() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let penalty = try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.personalPenalty(1))
            #expect(penalty.status == .created, "\(penalty.summary)")
            let response = try await client.send(.post, "/v1/checks", token: roles[.inspector], json: Fixtures.check(Fixtures.zhangSan, purpose: "inspection"))
            let answer = try response.json()
            #expect(answer["status"] == "records_found")
            #expect(answer["nameMatches"] == .bool(true))
            #expect(Self.same(answer["subject"], ["name": "张*", "idType": "resident_id", "idNumber": "110105********002X"]))
            #expect(answer["findings"]?.arrayValue?.first?.objectValue?["kind"] == "penalty")
            #expect(CheckEvidence.verify(answer, verifier: test.server.log.verifier).verified)
        }
        try await test.close()
    }

    @Test func badInputIsRefusedByPointerWithoutEchoingTheNumber() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let wrongCheck = "330381199211083440"
            func person(_ members: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(members)) }
            let ok: [(String, JSONValue)] = [("idType", "resident_id"), ("idNumber", "330381199211083443"), ("name", "林晓燕")]
            let cases: [(JSONValue, [String])] = [
                (["purpose": "hiring", "consentRef": "c"], ["/person"]),
                (Fixtures.check(person([("idType", "resident_id"), ("idNumber", .string(wrongCheck)), ("name", "林晓燕")])), ["/person/idNumber"]),
                (Fixtures.check(person([("idType", "resident_id"), ("idNumber", "33038119921108344"), ("name", "林晓燕")])), ["/person/idNumber"]),
                (Fixtures.check(person([("idType", "resident_id"), ("idNumber", 330381199211083443), ("name", "林晓燕")])), ["/person/idNumber"]),
                (Fixtures.check(person([("idType", "driving_licence"), ("idNumber", "330381199211083443"), ("name", "林晓燕")])), ["/person/idType"]),
                (Fixtures.check(person([("idType", "resident_id"), ("idNumber", "330381199211083443"), ("name", "  ")])), ["/person/name"]),
                (Fixtures.check(person([("idType", "resident_id"), ("idNumber", "330381199211083443")])), ["/person/name"]),
                (Fixtures.check(person(ok + [("birthDate", "1992-11-08")])), ["/person"]),
                (Fixtures.check(purpose: "curiosity"), ["/purpose"]),
                (Fixtures.check(consentRef: ""), ["/consentRef"]),
                (Fixtures.check(consentRef: String(repeating: "c", count: 129)), ["/consentRef"]),
                (Fixtures.check(consentRef: "a\nb"), ["/consentRef"]),
                (["person": person(ok), "purpose": "hiring", "consentRef": "c", "extra": 1], [""]),
                (["person": "330381199211083443", "purpose": 1], ["/person", "/purpose", "/consentRef"]),
                ([1, 2], [""]),
            ]
            let before = test.server.access.log.size
            for (body, pointers) in cases {
                let response = try await client.send(.post, "/v1/checks", token: admin, json: body)
                #expect(response.status == .badRequest, "\(pointers): \(response.summary)")
                #expect(response.isProblem)
                let named = try response.problemPointers()
                #expect(Set(named) == Set(pointers), "\(named) ≠ \(pointers)")
                for id in Fixtures.idNumbers + [wrongCheck, "33038119921108344"] { #expect(!response.text.contains(id)) }
            }
            let malformed = try await client.send(.post, "/v1/checks", token: admin, body: Array(#"{"person":"#.utf8))
            #expect(malformed.status == .badRequest && malformed.isProblem)
            // Nothing refused as invalid reaches the access log or the quota.
            #expect(test.server.access.log.size == before)
            #expect(test.server.access.used("admin") == 0)
            // A lower-case check character is the same person.
            let lower = try await client.send(.post, "/v1/checks", token: admin, json: Fixtures.check(["name": "张三", "idType": "resident_id", "idNumber": "11010519491231002x"]))
            #expect(lower.status == .ok)
            #expect(try lower.json()["subject"]?.objectValue?["idNumber"] == "110105********002X")
        }
        try await test.close()
    }

    // MARK: quota

    @Test func theDailyQuotaRefusesWithRetryAfterAndLogsTheAttempt() async throws {
        try await QuotaDay.awayFromMidnight()
        let test = try await TestServer.start(configure: { $0.checkQuota = 2 })
        defer { test.remove() }
        let admin = test.adminToken
        let roles = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for _ in 0..<2 {
                #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            }
            let refused = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.wangLi))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.isProblem)
            #expect(try refused.json()["type"] == "https://careledger.example/problems/quota-exceeded")
            let retry = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...86400).contains(retry))
            let entries = try Self.accessEntries(test)
            #expect(entries.count == 3)
            #expect(entries.last?["status"] == "refused_quota")
            #expect(entries.last?["subject"] == .string(test.server.ledger.accessSubject(idType: .residentId, idNumber: "330302199003150044")))
            // Another principal has its own quota.
            #expect(try await client.send(.post, "/v1/checks", token: roles[.inspector], json: Fixtures.check(purpose: "inspection")).status == .ok)
            return roles
        }
        // The count survives a restart: it is read back from the access log.
        let restarted = try await test.restart(configure: { $0.checkQuota = 2 })
        try await restarted.test { client in
            let refused = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(refused.status == .tooManyRequests)
            let other = try await client.send(.post, "/v1/checks", token: roles[.inspector], json: Fixtures.check(purpose: "inspection"))
            #expect(other.status == .ok)
        }
        // The second refusal of the day is not recorded again.
        #expect(restarted.server.access.log.size == 5)
        try await restarted.close()
    }

    @Test func quotaDaysAreChinaStandardTimeDays() {
        // 2026-11-22T15:59:59Z is 23:59:59 CST; a second later is the next CST day.
        let before: Int64 = 1_795_363_199
        #expect(Timestamp.format(epochSeconds: before) == "2026-11-22T15:59:59Z")
        #expect(AccessLedger.cstDay(before) + 1 == AccessLedger.cstDay(before + 1))
        #expect(AccessLedger.secondsToCSTMidnight(before) == 1)
        #expect(AccessLedger.secondsToCSTMidnight(before + 1) == 86400)
    }
}
