import CreditRecords
import Foundation
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore

/// What `careledger check` does with an answer: masking, evidence verification against a
/// pinned verifier key, and the words it prints.
@Suite struct CheckEvidenceTests {
    @Test func masking() {
        #expect(Masking.idNumber("11010519491231002X") == "110105********002X")
        #expect(Masking.idNumber("330381199211083443") == "330381********3443")
        #expect(Masking.idNumber("E12345678") == "E1*****78")
        #expect(Masking.idNumber("12345678") == "12****78")
        #expect(Masking.idNumber("ABC123456789012") == "ABC*********012")
        #expect(Masking.name("张三") == "张*")
        #expect(Masking.name("欧阳娜娜") == "欧***")
        #expect(Masking.name("王") == "王")
    }

    /// A real log with three entries, and an answer whose one finding is entry 1.
    static func answer(directory: String) async throws -> (JSONObject, NoteVerifier) {
        let verifier = try TransparencyLog.create(directory: directory, origin: "careledger.local/records")
        let log = try TransparencyLog.open(directory: directory)
        for n in 0..<3 { _ = try await log.append(Array("entry \(n)".utf8)) }
        let checkpoint = log.latestCheckpoint
        let proof = try log.inclusionProof(seq: 1, size: 3)
        let finding: JSONValue = .object(JSONObject([
            ("seq", 1), ("kind", "ban"), ("reason", "child_abuse"), ("scope", "lifetime"), ("until", nil),
            ("decidedAt", "2026-06-01"), ("decisionNo", "瓯卫禁〔2026〕1号"),
            ("authority", ["name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855"]),
            ("leafHash", .string(try log.leafHash(at: 1).base64)), ("inclusionProof", .array(proof.map { .string($0.base64) })),
        ]))
        try await log.close()
        let answer = JSONObject([
            ("checkId", "00112233445566778899aabbccddeeff"), ("status", "barred"),
            ("subject", ["name": "林**", "idType": "resident_id", "idNumber": "330381********3443"]),
            ("nameMatches", true), ("findings", [finding]),
            ("asOf", .object(JSONObject([("treeSize", 3), ("checkpoint", .string(checkpoint.note))]))),
        ])
        return (answer, verifier)
    }

    @Test func evidenceVerifiesOnlyWithTheRightKeyAndProofs() async throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (answer, verifier) = try await Self.answer(directory: directory + "/log")

        let good = CheckEvidence.verify(answer, verifier: verifier)
        #expect(good.verified && good.problems.isEmpty && good.findingsChecked == 1 && good.treeSize == 3)
        #expect(good.keyName == "careledger.local/records")

        let unpinned = CheckEvidence.verify(answer, verifier: nil)
        #expect(!unpinned.verified && unpinned.problems.isEmpty && unpinned.findingsChecked == 1)
        #expect(CheckEvidence.humanReport(answer, verification: unpinned).contains("WARNING: unverified"))

        let stranger = try NoteVerifier(name: "careledger.local/records", publicKey: Ed25519PrivateKey().publicKey)
        let wrongKey = CheckEvidence.verify(answer, verifier: stranger)
        #expect(!wrongKey.verified && !wrongKey.problems.isEmpty)

        var tampered = answer
        var finding = answer["findings"]!.arrayValue![0].objectValue!
        finding["seq"] = 2
        tampered["findings"] = .array([.object(finding)])
        let moved = CheckEvidence.verify(tampered, verifier: verifier)
        #expect(!moved.verified && moved.problems.count == 1)

        finding = answer["findings"]!.arrayValue![0].objectValue!
        finding["leafHash"] = nil
        tampered["findings"] = .array([.object(finding)])
        #expect(!CheckEvidence.verify(tampered, verifier: verifier).verified)

        tampered = answer
        tampered["asOf"] = .object(JSONObject([("treeSize", 4), ("checkpoint", answer["asOf"]!.objectValue!["checkpoint"]!)]))
        #expect(!CheckEvidence.verify(tampered, verifier: verifier).verified)
    }

    @Test func theReportSaysTheStatusFirstInPlainWords() async throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (answer, verifier) = try await Self.answer(directory: directory + "/log")
        let report = CheckEvidence.humanReport(answer, verification: CheckEvidence.verify(answer, verifier: verifier))
        let lines = report.split(separator: "\n").map(String.init)
        #expect(lines.first == "BARRED — lifetime ban (child_abuse) by 温州市瓯海区卫生健康局, 2026-06-01, 瓯卫禁〔2026〕1号")
        #expect(report.contains("Subject: 林** (resident_id 330381********3443)"))
        #expect(!report.contains("WARNING"))
        #expect(lines.last?.hasPrefix("Evidence verified against careledger.local/records (tree size 3)") == true)

        var mismatch = answer
        mismatch["nameMatches"] = false
        #expect(CheckEvidence.humanReport(mismatch, verification: CheckEvidence.verify(mismatch, verifier: verifier))
            .contains("WARNING: the name given does not match"))

        let clear = JSONObject([("status", "clear"), ("nameMatches", nil), ("findings", []),
                                ("asOf", answer["asOf"]!)])
        let clearReport = CheckEvidence.humanReport(clear, verification: CheckEvidence.verify(clear, verifier: verifier))
        #expect(clearReport.hasPrefix("NO FINDINGS as of checkpoint "))
        #expect(!clearReport.contains("Findings"))

        var broken = answer
        broken["asOf"] = .object(JSONObject([("treeSize", 3), ("checkpoint", "not a note")]))
        let brokenReport = CheckEvidence.humanReport(broken, verification: CheckEvidence.verify(broken, verifier: verifier))
        #expect(brokenReport.contains("WARNING: the evidence does NOT verify against careledger.local/records"))
    }

    @Test func findingsAreDescribedByKind() {
        let until = (["kind": "ban", "scope": "until", "until": "2030-01-01", "reason": "other",
                       "authority": ["name": "局"], "decidedAt": "2026-01-01", "decisionNo": "1号"] as JSONValue).objectValue!
        #expect(CheckEvidence.describe(until) == "ban until 2030-01-01 (other) by 局, 2026-01-01, 1号")
        let penalty = (["kind": "penalty", "until": "2027-05-20", "reason": "未按规定配备安防监控"] as JSONValue).objectValue!
        #expect(CheckEvidence.describe(penalty) == "penalty (in force or published until 2027-05-20) (未按规定配备安防监控)")
    }
}
