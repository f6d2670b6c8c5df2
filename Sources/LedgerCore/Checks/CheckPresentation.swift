import CreditRecords
import LedgerCrypto
import TransparencyLog

/// docs/records.md "Masking": what a check's answer shows of the person it was asked about.
public enum Masking {
    /// ID numbers keep the first 6 and last 4 characters, one `*` per hidden character. A
    /// number shorter than 18 characters (passports, permits, old foreign cards) keeps only
    /// its first and last quarter (rounded down), so at least half of it is always hidden.
    public static func idNumber(_ number: String) -> String {
        let chars = Array(number)
        let (head, tail) = chars.count >= 18 ? (6, 4) : (chars.count / 4, chars.count / 4)
        guard chars.count > head + tail else { return String(repeating: "*", count: chars.count) }
        return String(chars[..<head]) + String(repeating: "*", count: chars.count - head - tail) + String(chars[(chars.count - tail)...])
    }

    /// Names keep the first character, one `*` per hidden character (`张三` → `张*`).
    public static func name(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: name.count - 1)
    }
}

/// What `careledger check` makes of a check's answer: whether its evidence holds against the
/// log's verifier key, and how to say the answer to a person at a terminal.
public enum CheckEvidence {
    public struct Verification: Sendable, Equatable {
        /// The checkpoint's signature verified with a pinned key and every finding's proof
        /// leads to its root.
        public var verified: Bool
        /// The verifier key's name (the log's origin) when one was given.
        public var keyName: String?
        public var treeSize: UInt64?
        public var findingsChecked = 0
        public var problems: [String] = []
    }

    /// Checks `asOf.checkpoint` (signature by `verifier`, tree size) and each finding's
    /// `leafHash` + `inclusionProof` against its root. Without a verifier the proofs are still
    /// checked against the unsigned root, but the answer is not `verified`.
    ///
    /// This proves each finding's leaf is in the log the key signs; it does not prove that the
    /// finding's fields are what that entry says (that needs the entry: `GET /v1/records/{seq}`).
    public static func verify(_ answer: JSONObject, verifier: NoteVerifier?) -> Verification {
        var result = Verification(verified: false, keyName: verifier?.name)
        guard let asOf = answer["asOf"]?.objectValue, let note = asOf["checkpoint"]?.stringValue,
              let size = asOf["treeSize"]?.integerValue.flatMap(UInt64.init(exactly:)) else {
            result.problems.append("the answer has no asOf checkpoint")
            return result
        }
        let checkpoint: Checkpoint
        do {
            if let verifier {
                checkpoint = try Checkpoint.open(note: note, verifier: verifier)
            } else {
                checkpoint = try Checkpoint(parsingBody: SignedNote.parse(note).text)
            }
        } catch {
            result.problems.append("the asOf checkpoint does not verify: \(error)")
            return result
        }
        result.treeSize = checkpoint.size
        if checkpoint.size != size {
            result.problems.append("asOf.treeSize \(size) is not the checkpoint's size \(checkpoint.size)")
        }
        for (n, value) in (answer["findings"]?.arrayValue ?? []).enumerated() {
            guard let finding = value.objectValue, let seq = finding["seq"]?.integerValue.flatMap(UInt64.init(exactly:)) else {
                result.problems.append("finding \(n) has no seq")
                continue
            }
            guard let leafText = finding["leafHash"]?.stringValue, let leaf = Digest32(base64: leafText) else {
                result.problems.append("finding seq \(seq) carries no leafHash to check its proof with")
                continue
            }
            let proof = finding["inclusionProof"]?.arrayValue?.map { $0.stringValue.flatMap(Digest32.init(base64:)) } ?? [nil]
            guard proof.allSatisfy({ $0 != nil }) else {
                result.problems.append("finding seq \(seq) has a malformed inclusion proof")
                continue
            }
            guard MerkleTree.verifyInclusion(leafHash: leaf, index: seq, size: checkpoint.size, proof: proof.map { $0! }, root: checkpoint.rootHash) else {
                result.problems.append("finding seq \(seq): the inclusion proof does not lead to the checkpoint's root")
                continue
            }
            result.findingsChecked += 1
        }
        result.verified = verifier != nil && result.problems.isEmpty
        return result
    }

    /// The answer in plain words: the status first (with the decisive finding), the masked
    /// subject, a name-mismatch warning, each finding, and what the evidence proved.
    public static func humanReport(_ answer: JSONObject, verification: Verification) -> String {
        var lines = [String]()
        let findings = (answer["findings"]?.arrayValue ?? []).compactMap(\.objectValue)
        let status = answer["status"]?.stringValue ?? "unknown"
        switch status {
        case "barred":
            let ban = findings.first { isBarring($0) } ?? findings.first
            lines.append("BARRED" + (ban.map { " — " + describe($0) } ?? ""))
            lines.append("This person may not work in childcare.")
        case "records_found":
            lines.append("RECORDS FOUND" + (findings.first.map { " — " + describe($0) } ?? ""))
            lines.append("No ban, but records naming this person are still in force or published.")
        case "clear":
            // Worded as what it is: nothing returned from the log as of one checkpoint.
            let size = (answer["asOf"]?.objectValue?["treeSize"]?.integerValue).map(String.init) ?? "?"
            lines.append("NO FINDINGS as of checkpoint \(size) — no ban and no record in force naming this person was returned from the log at tree size \(size).")
        case "identity_mismatch":
            lines.append("IDENTITY MISMATCH — the name given is not the name on this ID number's records; no findings are shown.")
            lines.append("Check the candidate's identity document, then check again with the name it bears.")
        default:
            lines.append("UNKNOWN STATUS \(status)")
        }
        if let subject = answer["subject"]?.objectValue {
            let name = subject["name"]?.stringValue ?? "?"
            let idType = subject["idType"]?.stringValue ?? "?"
            let number = subject["idNumber"]?.stringValue ?? "?"
            lines.append("Subject: \(name) (\(idType) \(number))")
        }
        if answer["nameMatches"] == .bool(false) {
            lines.append("WARNING: the name given does not match the name on the records for this ID number. Check the candidate's identity document.")
        }
        if !findings.isEmpty {
            lines.append("Findings (\(findings.count)):")
            for finding in findings {
                lines.append("  - " + describe(finding) + " [seq \(finding["seq"]?.integerValue.map(String.init) ?? "?")]")
            }
        }
        if let checkId = answer["checkId"]?.stringValue { lines.append("Check id: \(checkId)") }
        lines.append(evidenceLine(verification))
        return lines.joined(separator: "\n")
    }

    package static func evidenceLine(_ v: Verification) -> String {
        let size = v.treeSize.map { " (tree size \($0))" } ?? ""
        let counted = v.findingsChecked == 0 ? "no findings to prove"
            : (v.findingsChecked == 1 ? "1 finding" : "\(v.findingsChecked) findings") + " proven in the log"
        if v.verified {
            return "Evidence verified against \(v.keyName ?? "the pinned key")\(size): signed checkpoint, \(counted)."
        }
        if !v.problems.isEmpty {
            return "WARNING: the evidence does NOT verify\(v.keyName.map { " against \($0)" } ?? ""): " + v.problems.joined(separator: "; ")
        }
        return "WARNING: unverified — no verifier key was given (--vkey or --vkey-file), so the answer rests on trusting the server\(size)."
    }

    /// A finding that bars: one naming its `rule`; from a service that names none yet, a ban or judgment.
    package static func isBarring(_ finding: JSONObject) -> Bool {
        if let rule = finding["rule"] { return rule.stringValue != nil }
        return finding["kind"]?.stringValue == "ban" || finding["kind"]?.stringValue == "judgment"
    }

    /// "lifetime ban (child_abuse) by 温州市瓯海区卫生健康局, 2026-06-01, 瓯卫禁〔2026〕1号".
    public static func describe(_ finding: JSONObject) -> String {
        let kind = finding["kind"]?.stringValue ?? "record"
        let reason = finding["reason"]?.stringValue
        let until = finding["until"]?.stringValue
        var what: String
        switch kind {
        case "ban":
            what = finding["scope"]?.stringValue == "lifetime" ? "lifetime ban" : "ban" + (until.map { " until \($0)" } ?? "")
        case "judgment":
            what = "judgment" + (until.map { ", practice ban until \($0)" } ?? "")
        case "penalty", "enforcement":
            what = kind + (until.map { " (in force or published until \($0))" } ?? "")
        default:
            what = kind
        }
        if let reason, !reason.isEmpty { what += " (\(reason))" }
        // Not in force until a second inspector confirms it (docs/records.md "Bans need two people").
        if finding["pending"] == .bool(true) { what += ", pending confirmation by a second inspector" }
        switch finding["rule"]?.stringValue {
        case "statutory_offence", "preschool_offence":
            what += ", barred by law" + (finding["basis"]?.stringValue.map { ": \($0)" } ?? "")
        case "practice_restriction":
            what += ", practice restriction" + (until.map { " until \($0)" } ?? "")
        default:
            break
        }
        var parts = [String]()
        if let authority = finding["authority"]?.objectValue?["name"]?.stringValue { parts.append("by \(authority)") }
        if let decided = finding["decidedAt"]?.stringValue { parts.append(decided) }
        if let number = finding["decisionNo"]?.stringValue { parts.append(number) }
        return parts.isEmpty ? what : what + " " + parts.joined(separator: ", ")
    }
}
