import CreditRecords
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// The access ledger's memory is rebuilt at start by a byte scan of each entry; it must give
/// what the full decoder gives, and the audit answer must survive a restart.
@Suite struct AccessLedgerTests {
    static func entry(institution: String? = "91330304MA2J7K8L10", status: String = "clear", consentRef: String = "consent-1") -> AccessEntry {
        AccessEntry(checkId: "0123456789abcdef0123456789abcdef", principal: "inst-xiaoxingxing", institution: institution,
                    subject: AccessLedger.subject(secret: Array("secret".utf8), idType: .residentId, idNumber: "330381199211083443"),
                    purpose: "hiring", consentRef: consentRef, status: status, at: "2026-12-02T08:00:00Z")
    }

    @Test(arguments: [
        entry(), entry(institution: nil), entry(status: "refused_quota"),
        // A consent reference that looks like other members must not fool the scan.
        entry(consentRef: #"x","subject":"AAAA","at":"1999-01-01T00:00:00Z"#),
    ])
    func theScanReadsWhatTheDecoderReads(entry: AccessEntry) throws {
        let bytes = try entry.bytes()
        let fast = try #require(AccessEntry.QuickFields(bytes))
        let slow = AccessEntry.QuickFields(entry: try #require(AccessEntry.decode(bytes)))
        #expect(fast.subject == slow.subject && fast.principal == slow.principal && fast.at == slow.at && fast.refused == slow.refused)
        #expect(fast.refused == (entry.status == "refused_quota"))
        // The entry is written directly, not through a JSONValue: it must be the canonical form.
        #expect(bytes == (try CanonicalJSON.encode(entry.json)))
    }

    @Test func otherBytesAreLeftToTheDecoder() throws {
        for text in ["", "{}", #"{"v":2}"#, #"{"at":"x","principal":"p","status":"clear","subject":"s","v":1}"#, "not json"] {
            #expect(AccessEntry.QuickFields(Array(text.utf8)) == nil, "\(text)")
        }
        // An escaped principal id is decoded, not scanned.
        var escaped = Self.entry()
        escaped.principal = "inst-\"q\""
        #expect(AccessEntry.QuickFields(try escaped.bytes()) == nil)
        #expect(AccessEntry.decode(try escaped.bytes())?.principal == "inst-\"q\"")
    }

    @Test func whoCheckedWhomAndTheQuotaSurviveARestart() async throws {
        try await QuotaDay.awayFromMidnight()
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let roles = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for _ in 0..<3 {
                #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            }
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.zhangSan)).status == .ok)
            return roles
        }
        let server = try await test.restart { $0.checkQuota = 5 }
        try await server.test { client in
            let audit = try await client.send(.post, "/v1/audit/checks", token: roles[.auditor], json: ["idType": "resident_id", "idNumber": "330381199211083443", "purpose": "audit"])
            #expect(try audit.json()["checks"]?.arrayValue?.count == 3)
            // Four of five used before the restart: one more, then 429.
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .ok)
            #expect(try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check()).status == .tooManyRequests)
            // Counted since this start: one answered, one refused; the access log holds all six.
            let metrics = try await client.send(.get, "/metrics", token: roles[.metrics]).text
            #expect(metrics.contains(#"careledger_checks_total{status="clear"} 1"#))
            #expect(metrics.contains(#"careledger_checks_total{status="refused_quota"} 1"#))
            #expect(metrics.contains("careledger_check_duration_seconds"))
        }
        #expect(server.server.access.used(AccessLedger.quotaKey(principal: "inst-xiaoxingxing", institution: Fixtures.xiaoxingxing.uscc)) == 5)
        try await server.close()
    }
}
