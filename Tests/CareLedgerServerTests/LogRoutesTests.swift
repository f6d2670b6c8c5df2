import CreditRecords
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore

@Suite struct LogRoutesTests {
    @Test func checkpointAndTilesHaveTheirTypesAndCacheHeaders() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for n in 0..<3 {
                let response = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(100 + n))
                #expect(response.status == .created)
            }
            let checkpoint = try await client.send(.get, "/log/checkpoint")
            #expect(checkpoint.status == .ok)
            #expect(checkpoint.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(checkpoint.headers[.cacheControl] == "no-store")
            let opened = try Checkpoint.open(note: checkpoint.text, verifier: test.server.log.verifier)
            #expect(opened.size == 3)

            let partial = try await client.send(.get, "/log/tile/0/000.p/3")
            #expect(partial.status == .ok)
            #expect(partial.headers[.contentType] == "application/octet-stream")
            #expect(partial.headers[.cacheControl] == "public, max-age=60")
            #expect(partial.bytes.count == 3 * 32)
            #expect(Array(partial.bytes[0..<32]) == MerkleHashing.leafHash(try test.server.log.entry(at: 0)).bytes)

            // Not there yet, or not a canonical path.
            #expect(try await client.send(.get, "/log/tile/0/000").status == .notFound)
            #expect(try await client.send(.get, "/log/tile/0/000.p/4").status == .notFound)
            for bad in ["/log/tile/0/0", "/log/tile/0/000.p/256", "/log/tile/64/000", "/log/tile/0/x000/001", "/log/tile/a/000"] {
                let response = try await client.send(.get, bad)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.isProblem)
            }

            // Entry bundles need a token of a role that may read entries.
            #expect(try await client.send(.get, "/log/tile/entries/000.p/3").status == .unauthorized)
            #expect(try await client.send(.get, "/log/tile/entries/000.p/3", token: roles[.institution]).status == .forbidden)
            #expect(try await client.send(.get, "/log/tile/entries/x/000", token: roles[.inspector]).status == .forbidden)
            let bundle = try await client.send(.get, "/log/tile/entries/000.p/3", token: roles[.auditor])
            #expect(bundle.status == .ok)
            #expect(bundle.headers[.contentType] == "application/octet-stream")
            #expect(bundle.headers[.cacheControl] == "no-store")
            let first = try test.server.log.entry(at: 0)
            #expect(Int(bundle.bytes[0]) << 8 | Int(bundle.bytes[1]) == first.count)
        }
        try await test.close()
    }

    @Test func fullTilesAreImmutable() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        // 256 entries straight into the log (the server reads whatever the log holds).
        _ = try await test.server.log.append(contentsOf: (0..<256).map { Array("entry \($0)".utf8) })
        let admin = test.adminToken
        try await test.test { client in
            let full = try await client.send(.get, "/log/tile/0/000")
            #expect(full.status == .ok)
            #expect(full.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(full.bytes.count == 256 * 32)
            let level1 = try await client.send(.get, "/log/tile/1/000.p/1")
            #expect(level1.status == .ok)
            let bundle = try await client.send(.get, "/log/tile/entries/000", token: admin)
            #expect(bundle.status == .ok)
            // Entries that are not envelopes are still served, as base64.
            let record = try await client.send(.get, "/v1/records/0?purpose=audit", token: admin)
            #expect(try record.json()["entryBase64"]?.stringValue == Base64.encode(Array("entry 0".utf8)))
        }
        try await test.close()
    }

    @Test func proofsVerifyAndBadNumbersAre400() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            for n in 0..<5 {
                _ = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(200 + n))
            }
            let verifier = test.server.log.verifier
            let inclusion = try await client.send(.get, "/v1/log/proof/inclusion?seq=2&size=4")
            #expect(inclusion.status == .ok)
            let object = try inclusion.json()
            #expect(object["seq"]?.integerValue == 2 && object["size"]?.integerValue == 4)
            let leaf = try #require(object["leafHash"]?.stringValue.flatMap(Digest32.init(base64:)))
            let proof = try #require(object["proof"]?.arrayValue).compactMap { $0.stringValue.flatMap(Digest32.init(base64:)) }
            #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: 2, size: 4, proof: proof, root: try test.server.log.rootHash(size: 4)))
            // Each append was its own batch, so the log signed size 4; the note verifies.
            let note = try #require(object["checkpoint"]?.stringValue)
            #expect(try Checkpoint.open(note: note, verifier: verifier).size == 4)

            let latest = try await client.send(.get, "/v1/log/proof/inclusion?seq=0")
            #expect(try latest.json()["size"]?.integerValue == 5)

            let consistency = try await client.send(.get, "/v1/log/proof/consistency?from=2&to=5")
            #expect(consistency.status == .ok)
            let c = try consistency.json()
            let cproof = try #require(c["proof"]?.arrayValue).compactMap { $0.stringValue.flatMap(Digest32.init(base64:)) }
            #expect(MerkleTree.verifyConsistency(from: 2, to: 5, fromRoot: try test.server.log.rootHash(size: 2),
                                                 toRoot: try test.server.log.rootHash(size: 5), proof: cproof))
            #expect(try consistency.json()["checkpoint"]?.stringValue != nil)
            #expect(try await client.send(.get, "/v1/log/proof/consistency?from=0").status == .ok)

            let bad = [
                "/v1/log/proof/inclusion", "/v1/log/proof/inclusion?seq=-1", "/v1/log/proof/inclusion?seq=abc",
                "/v1/log/proof/inclusion?seq=99999999999999999999999", "/v1/log/proof/inclusion?seq=18446744073709551616",
                "/v1/log/proof/inclusion?seq=5", "/v1/log/proof/inclusion?seq=0&size=6", "/v1/log/proof/inclusion?seq=0&size=0",
                "/v1/log/proof/inclusion?seq=1&seq=2", "/v1/log/proof/inclusion?seq=1&sizes=2", "/v1/log/proof/inclusion?seq=+1",
                "/v1/log/proof/inclusion?seq=", "/v1/log/proof/inclusion?seq=1.5",
                "/v1/log/proof/consistency", "/v1/log/proof/consistency?from=-1", "/v1/log/proof/consistency?from=x",
                "/v1/log/proof/consistency?from=3&to=2", "/v1/log/proof/consistency?from=1&to=6",
                "/v1/log/proof/consistency?from=99999999999999999999999", "/v1/log/proof/consistency?from=1&to=abc",
            ]
            for uri in bad {
                let response = try await client.send(.get, uri)
                #expect(response.status == .badRequest, "\(uri): \(response.status)")
                #expect(response.isProblem)
                #expect(try !response.problemPointers().isEmpty, "\(uri)")
            }
        }
        try await test.close()
    }

    @Test func healthAndMetrics() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            _ = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(1))
            _ = try await client.send(.get, "/v1/records/7?purpose=audit", token: admin)
            _ = try await client.send(.get, "/nowhere")
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(try health.json()["status"]?.stringValue == "ok")
            #expect(try health.json()["treeSize"]?.integerValue == 1)

            let metrics = try await client.send(.get, "/metrics", token: admin)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains("careledger_record_appends_total 1"))
            #expect(text.contains("careledger_record_append_duration_seconds_bucket"))
            #expect(text.contains("careledger_log_tree_size 1"))
            #expect(text.contains(#"careledger_http_errors_total{route="/v1/records/{seq}",status="404"} 1"#), "\(text)")
            #expect(text.contains(#"careledger_http_errors_total{route="unmatched",status="404"} 1"#))
        }
        try await test.close()
    }
}
