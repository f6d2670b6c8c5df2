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
                (Fixtures.check(person(ok + [("birthDate", "1992-11-08")])), ["/person/birthDate"]),
                (Fixtures.check(purpose: "curiosity"), ["/purpose"]),
                (Fixtures.check(consentRef: ""), ["/consentRef"]),
                (Fixtures.check(consentRef: String(repeating: "c", count: 129)), ["/consentRef"]),
                (Fixtures.check(consentRef: "a\nb"), ["/consentRef"]),
                (["person": person(ok), "purpose": "hiring", "consentRef": "c", "extra": 1], ["/extra"]),
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
