import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import PersonalVault
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// Objections (异议; PIPL arts. 44–46; docs/records.md "Objections"): the person files one on
/// a record about them, it reaches the record's authority as a task, the authority replies and
/// the person reads the reply. The texts live in the vault, erasable with the person.
@Suite struct ObjectionTests {
    static let zhangSan = SubjectIdentity(idType: .residentId, idNumber: "11010519491231002X")

    @Test func anObjectionReachesTheAuthorityAndItsReplyThePerson() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let market = try await client.createMarketInspector(admin: admin)
            let penalty = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.personalPenalty(1))
            let seq = try #require(try penalty.json()["seq"]?.integerValue.flatMap { UInt64(exactly: $0) })
            let other = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.personalPenalty(2, person: Fixtures.wangLi))
            let otherSeq = try #require(try other.json()["seq"]?.integerValue.flatMap { UInt64(exactly: $0) })
            let ledger = test.server.ledger

            // Only a record about them, a text within 1000 characters: problems by pointer.
            for (badSeq, text, pointers) in [(otherSeq, "有误", ["/seq"]), (seq, "", ["/text"]), (seq, String(repeating: "错", count: 1001), ["/text"]),
                                             (nil, "有误", ["/seq"])] as [(UInt64?, String, [String])] {
                do {
                    _ = try ledger.fileObjection(Self.zhangSan, seq: badSeq, text: text, contact: "")
                    Issue.record("an objection that should be refused was filed")
                } catch let refusal as Refusal {
                    #expect(refusal.kind == .invalid)
                    #expect(refusal.errors.compactMap(\.pointer) == pointers)
                }
            }
            let text = "该记录中的违法事实与实际不符，本人已于2026年取得健康合格证明。"
            let filed = try ledger.fileObjection(Self.zhangSan, seq: seq, text: text, contact: "电话 0577-88888888")
            #expect(filed.state == "open" && filed.seq == seq && filed.authorityUSCC == Fixtures.ouhaiHealth.uscc)

            // The authority's inspector sees it in its task list; another authority's does not.
            let tasks = try await client.send(.get, "/v1/tasks", token: roles[.inspector])
            #expect(tasks.status == .ok)
            let listed = try #require(try tasks.json()["objections"]?.arrayValue)
            #expect(listed.count == 1)
            #expect(listed.first?.objectValue?["text"]?.stringValue == text)
            #expect(listed.first?.objectValue?["state"]?.stringValue == "open")
            #expect(try tasks.json()["tasks"] != nil, "the manager tasks stay where they were")
            let elsewhere = try await client.send(.get, "/v1/tasks", token: market)
            #expect(try elsewhere.json()["objections"]?.arrayValue?.isEmpty == true)
            let notTheirs = try await client.send(.post, "/v1/objections/\(filed.id)/replies", token: market, json: ["reply": "不予受理"])
            #expect(notTheirs.status == .notFound)

            // Replies: a bad one names its field; the first good one closes the task.
            let empty = try await client.send(.post, "/v1/objections/\(filed.id)/replies", token: roles[.inspector], json: ["reply": "  "])
            #expect(empty.status == .badRequest)
            #expect(try empty.problemPointers() == ["/reply"])
            let badId = try await client.send(.post, "/v1/objections/not-an-id/replies", token: roles[.inspector], json: ["reply": "x"])
            #expect(badId.status == .badRequest)
            let reply = "经复核，记录无误；如有新的证明材料，请携带原件到本局窗口。"
            let answered = try await client.send(.post, "/v1/objections/\(filed.id)/replies", token: roles[.inspector], json: ["reply": .string(reply)])
            #expect(answered.status == .ok)
            #expect(try answered.json()["state"]?.stringValue == "answered")
            let again = try await client.send(.post, "/v1/objections/\(filed.id)/replies", token: roles[.inspector], json: ["reply": "再次答复"])
            #expect(again.status == .conflict)
            #expect(try again.json()["type"]?.stringValue == Problem.typeBase + "objection-answered")

            // The person sees the reply; someone else has no objections.
            let mine = try ledger.objections(of: Self.zhangSan)
            #expect(mine.count == 1 && mine.first?.reply == reply && mine.first?.text == text)
            #expect(try ledger.objections(of: SubjectIdentity(idType: .residentId, idNumber: "330302199003150044")).isEmpty)

            // On disk: no text, no contact, no reply, no ID number, no name.
            let file = try String(contentsOfFile: test.dataDirectory + "/objections.json", encoding: .utf8)
            for secret in [text, reply, "0577-88888888", "11010519491231002X", "张三"] {
                #expect(!file.contains(secret), "objections.json holds personal data")
            }
            #expect(file.contains("\"answered\""))
        }
        // The store is durable: after a restart the objection, its state and reply are there.
        let restarted = try await test.restart()
        let kept = try restarted.server.ledger.objections(of: Self.zhangSan)
        #expect(kept.count == 1 && kept.first?.state == "answered" && kept.first?.reply?.hasPrefix("经复核") == true)
        // Erasing the person in the vault erases their objection's texts too.
        _ = try restarted.vault.eraseSubject(restarted.vault.pseudonym(.person(idType: "resident_id", idNumber: "11010519491231002X")))
        let erased = try restarted.server.ledger.objections(of: Self.zhangSan)
        #expect(erased.first?.text == nil && erased.first?.reply == nil && erased.first?.state == "answered")
        try await restarted.close()
    }
}
