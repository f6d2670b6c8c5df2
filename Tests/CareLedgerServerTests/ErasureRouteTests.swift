import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore
import PersonalVault

/// `POST /v1/erasures` (docs/http.md "Erasures"): the rules, and that an erased person leaves
/// no trace in the data directory, answers or logs while every proof stays valid.
@Suite(.serialized) struct ErasureRouteTests {
    static let zhang = ("张三", "11010519491231002X")

    /// A warning to 张三 decided in 2019, published for a year: its retention (3 years) has ended.
    static func oldPenalty(_ n: Int) -> JSONValue {
        var party = Fixtures.zhangSan.objectValue!
        party["category"] = "person"
        return ["kind": "penalty", "body": [
            "party": .object(party), "decisionNo": .string("瓯卫罚〔2019〕\(n)号"),
            "violationType": "未取得健康合格证明从事保育工作", "facts": "当事人未取得健康合格证明即从事婴幼儿保育工作。",
            "basis": "《托育机构管理规范（试行）》第二十条", "categories": ["warning"], "content": "警告",
            "decidedAt": "2019-03-01", "publicUntil": "2020-03-01",
            "authority": Fixtures.authority(Fixtures.ouhaiHealth), "dataSource": Fixtures.authority(Fixtures.ouhaiHealth),
        ]]
    }

    /// A data-error revocation dated today (never before its target).
    static func revocation(target: UInt64, _ n: Int) -> JSONValue {
        ["kind": "revocation", "body": [
            "target": .number(String(target)), "reason": "data_error", "decisionNo": .string("瓯卫撤〔2026〕\(n)号"),
            "decidedAt": .string(LocalDate.today().description), "authority": Fixtures.authority(Fixtures.ouhaiHealth),
            "notes": "录入错误，撤销后重新登记",
        ]]
    }

    static func erasure(subject: (String, String)? = nil, seqs: [UInt64] = [], basis: String) -> JSONValue {
        var request = JSONObject([("basis", .string(basis)), ("authority", Fixtures.authority(Fixtures.ouhaiHealth))])
        if let subject {
            request["subject"] = ["idType": "resident_id", "idNumber": .string(subject.1)]
        } else {
            request["seqs"] = .array(seqs.map { .number(String($0)) })
        }
        return .object(request)
    }

    static func seq(_ response: TestResponse) throws -> UInt64 {
        guard response.status == .created, let seq = try response.json()["seq"]?.integerValue else { throw TestFailure("append: \(response.summary)") }
        return UInt64(seq)
    }

    /// What the test must find nowhere once 张三 is erased.
    static func traces(_ test: TestServer, answers: [String]) -> [String] {
        let needles = [zhang.0, zhang.1]
        var out = SealedEntryTests.found(needles, under: test.dataDirectory).map { "data: \($0)" }
        out += test.capture.all.filter { line in needles.contains { line.contains($0) } }.map { "log: \($0)" }
        out += answers.filter { answer in needles.contains { answer.contains($0) } }.map { "answer: \($0.prefix(40))" }
        return out
    }

    @Test func aSubjectWithoutABanIsErasedEverywhereAndARestoredVaultIsErasedAgain() async throws {
        let first = try await TestServer.start()
        defer { first.remove() }
        let admin = first.adminToken
        let (seq, leafBefore, checkpointBefore, backup, roles) = try await first.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try Self.seq(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Self.oldPenalty(1)))
            // The record is young in retention terms for a penalty published until now: refused.
            let young = try Self.seq(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.personalPenalty(2)))
            let refused = try await client.send(.post, "/v1/erasures", token: admin, json: Self.erasure(subject: Self.zhang, basis: "retention_expired"))
            #expect(refused.status == .conflict && refused.text.contains("retention_not_ended"), "\(refused.summary)")
            // Its data-error revocation makes it erasable.
            _ = try Self.seq(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Self.revocation(target: young, 3)))
            // Only admins erase.
            #expect(try await client.send(.post, "/v1/erasures", token: roles[.inspector], json: Self.erasure(subject: Self.zhang, basis: "retention_expired")).status == .forbidden)
            let before = try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: roles[.auditor]).json()
            #expect(before["opened"] != nil)
            let backup = first.vault.copy()
            let erased = try await client.send(.post, "/v1/erasures", token: admin, json: Self.erasure(subject: Self.zhang, basis: "retention_expired"))
            #expect(erased.status == .created, "\(erased.summary)")
            let erasureSeq = try Self.seq(erased)
            let record = try await client.send(.get, "/v1/records/\(erasureSeq)?purpose=audit", token: roles[.auditor]).json()
            let erasedSeqs = record["entry"]?.objectValue?["body"]?.objectValue?["seqs"]?.arrayValue?.compactMap(\.integerValue) ?? []
            #expect(erasedSeqs.contains(Int64(seq)) && erasedSeqs.contains(Int64(young)))
            return (seq, try #require(before["leafHash"]?.stringValue), try #require(before["checkpoint"]?.stringValue), backup, roles)
        }
        // Restored from a backup taken before the erasure: the start erases again.
        let test = try await first.restart(vault: backup)
        #expect(test.capture.all.contains { $0.contains("erasures re-applied") })
        let answers: [String] = try await test.test { client in
            let record = try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: roles[.auditor])
            let object = try record.json()
            #expect(object["erased"] == .bool(true) && object["opened"] == nil)
            // The leaf, and so every proof and earlier checkpoint, is unchanged.
            #expect(object["leafHash"]?.stringValue == leafBefore)
            let old = try Checkpoint.open(note: checkpointBefore, verifier: test.server.log.verifier)
            let proof = try test.server.log.inclusionProof(seq: seq, size: old.size)
            #expect(MerkleTree.verifyInclusion(leafHash: try #require(Digest32(base64: leafBefore)), index: seq, size: old.size, proof: proof, root: old.rootHash))
            let consistency = try test.server.log.consistencyProof(from: old.size, to: test.server.log.size)
            #expect(MerkleTree.verifyConsistency(from: old.size, to: test.server.log.size, fromRoot: old.rootHash,
                                                 toRoot: try test.server.log.rootHash(size: test.server.log.size), proof: consistency))
            // A check answers as for someone never recorded.
            let check = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.zhangSan))
            let answer = try check.json()
            #expect(answer["status"] == "clear" && answer["findings"] == .array([]))
            let page = try await client.send(.get, "/v1/records?from=0&purpose=audit", token: roles[.auditor])
            return [record.text, check.text, page.text]
        }
        try await test.close()
        #expect(Self.traces(test, answers: answers).isEmpty, "\(Self.traces(test, answers: answers))")
    }

    @Test func aDataErrorRecordIsErasedAtOnceAndTheIndexForgetsThePerson() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let answers: [String] = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try Self.seq(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Fixtures.personalPenalty(1)))
            // Not revoked and young: refused, naming the rule and the field.
            let refused = try await client.send(.post, "/v1/erasures", token: admin, json: Self.erasure(seqs: [seq], basis: "data_error"))
            let pointers = try refused.problemPointers()
            #expect(refused.status == .conflict && pointers == ["/seqs"] && refused.text.contains("retention_not_ended"))
            _ = try Self.seq(try await client.send(.post, "/v1/records", token: roles[.inspector], json: Self.revocation(target: seq, 2)))
            let erased = try await client.send(.post, "/v1/erasures", token: admin, json: Self.erasure(seqs: [seq], basis: "data_error"))
            #expect(erased.status == .created, "\(erased.summary)")
            // Twice: nothing left to erase.
            #expect(try await client.send(.post, "/v1/erasures", token: admin, json: Self.erasure(seqs: [seq], basis: "data_error")).status == .conflict)
            let record = try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: roles[.auditor])
            #expect(try record.json()["erased"] == .bool(true))
            let check = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check(Fixtures.zhangSan))
            let answer = try check.json()
            #expect(answer["status"] == "clear" && answer["findings"] == .array([]))
            // Bad requests name the field.
            let both = try await client.send(.post, "/v1/erasures", token: admin, json: [
                "subject": ["idType": "resident_id", "idNumber": .string(Self.zhang.1)], "seqs": [1], "basis": "data_error",
            ])
            let bothPointers = try both.problemPointers()
            #expect(both.status == .badRequest && bothPointers.contains(""))
            let badBasis = try await client.send(.post, "/v1/erasures", token: admin, json: ["seqs": [1], "basis": "because"])
            let basisPointers = try badBasis.problemPointers()
            #expect(badBasis.status == .badRequest && basisPointers.contains("/basis"))
            return [record.text, check.text, both.text, badBasis.text]
        }
        try await test.close()
        #expect(Self.traces(test, answers: answers).isEmpty, "\(Self.traces(test, answers: answers))")
    }

    @Test func aPersonWithABanInForceIsNotErased() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let seq = try Self.seq(try await client.appendConfirmed(Fixtures.ban(1), roles: roles))
            let refused = try await client.send(.post, "/v1/erasures", token: admin,
                                                json: Self.erasure(subject: ("林晓燕", "330381199211083443"), basis: "consent_withdrawn"))
            #expect(refused.status == .conflict && refused.text.contains("erasure_live_ban"), "\(refused.summary)")
            #expect(!refused.text.contains("330381199211083443") && !refused.text.contains("林晓燕"))
            #expect(try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: roles[.auditor]).json()["opened"] != nil)
            let check = try await client.send(.post, "/v1/checks", token: roles[.institution], json: Fixtures.check())
            #expect(try check.json()["status"] == "barred")
        }
        try await test.close()
    }
}
