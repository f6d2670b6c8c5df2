import CreditRecords
import LedgerCrypto
import Synchronization

/// What the validator's cross-record rules need of every record (`RecordLookup`): its kind,
/// recording authority and decision date, whether it was revoked or repaired (the index's
/// info byte), and which document numbers each authority has used. Kept beside the subject
/// tables so that one scan of the log, one lock and one snapshot serve both; 16 bytes a seq
/// plus one table slot per document number, where `RecordRegistry` held a dictionary entry
/// and two strings per record.
struct RecordColumns {
    /// Per seq: 1 + the authority's index in `authorities`; 0 when the entry names none.
    var authority: [UInt32] = []
    /// Per seq: the decision date (`DayNumber`), or `DayNumber.none`.
    var decided: [Int32] = []
    /// Per seq: the `DocumentDigest` of its document number, 0 when it has none.
    var document: [UInt64] = []
    /// The authorities' codes (tens to thousands of them), and their indexes.
    var authorities: [String] = []
    var authorityIndex: [SubjectRef: UInt32] = [:]
    /// Document digest → how many unrevoked records carry it.
    var documents: [UInt64: UInt32] = [:]
    /// Per seq: a penalty's `PublicationRule.ID` (0: not a penalty) and first repair day.
    var repairRule: [UInt8] = []
    var repairFrom: [Int32] = []

    /// Appends the seq's columns (nil: not a record).
    mutating func append(_ facts: RecordFacts?) {
        guard let f = facts else {
            authority.append(0)
            decided.append(DayNumber.none)
            document.append(0)
            repairRule.append(0)
            repairFrom.append(DayNumber.none)
            return
        }
        repairRule.append(f.repairRule)
        repairFrom.append(f.repairFrom)
        var id: UInt32 = 0
        if let ref = f.authority {
            if let known = authorityIndex[ref] {
                id = known
            } else if let code = ref.institutionCode {
                authorities.append(code)
                id = UInt32(authorities.count)
                authorityIndex[ref] = id
            }
        }
        authority.append(id)
        decided.append(f.decisionDay)
        document.append(f.document)
        if f.document != 0 { documents[f.document, default: 0] += 1 }
    }

    /// A revocation took `target` out: its document number may be recorded again (the
    /// corrected record carries it). Called once per target, when it is first revoked.
    mutating func revoke(_ target: Int) {
        let digest = document[target]
        guard digest != 0, let count = documents[digest] else { return }
        documents[digest] = count > 1 ? count - 1 : nil
    }

    func authorityCode(at seq: Int) -> String {
        let id = authority[seq]
        return id == 0 ? "" : authorities[Int(id) - 1]
    }
}

/// A 64-bit digest of (authority USCC, document number): the first 8 bytes of
/// SHA-256(authority ‖ 0x1F ‖ number), never 0. Two different numbers share a digest with
/// probability ~n²/2⁶⁵ (3·10⁻⁸ at a million records); the cost of one would be a spurious
/// `duplicate_document_number`, never a missed record.
enum DocumentDigest {
    /// A hasher handed between threads through `pool`; only the caller that popped it uses it.
    private final class Owned: @unchecked Sendable {
        let hasher = SHA256Hasher()
    }

    /// Hashers not in use.
    private static let pool = Mutex<[Owned]>([])

    static func of(authority: UnsafeBufferPointer<UInt8>, number: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // Start-up computes one of these per record: a reused hasher (no OpenSSL context
        // allocated per call) took a third off the rebuild.
        let owned = pool.withLock { $0.popLast() } ?? Owned()
        let hasher = owned.hasher
        hasher.update(UnsafeRawBufferPointer(authority))
        hasher.update(byte: 0x1F)
        hasher.update(UnsafeRawBufferPointer(number))
        let digest = hasher.finalize()
        pool.withLock { $0.append(owned) }
        let word = digest.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        return word == 0 ? 1 : word
    }

    static func of(authority: String, number: String) -> UInt64 {
        var authority = authority, number = number
        return authority.withUTF8 { a in number.withUTF8 { n in of(authority: a, number: n) } }
    }
}

extension BackgroundIndex: RecordLookup {
    /// The record at `seq` as the validator sees it; nil when `seq` is not a record the index holds.
    public func summary(of seq: UInt64) -> RecordSummary? {
        state.withLock { s in
            guard seq < s.size else { return nil }
            let i = Int(seq)
            let info = s.info[i]
            guard let kind = KindCode.kind(info), info & 0x0F != KindCode.notARecord else { return nil }
            return RecordSummary(seq: seq, kind: kind, authority: s.columns.authorityCode(at: i), decidedAt: DayNumber.date(s.columns.decided[i]),
                                 isRevoked: info & KindCode.revoked != 0, isRepaired: info & KindCode.repaired != 0,
                                 repair: s.columns.repairWindow(at: i))
        }
    }

    /// Whether an unrevoked record of `authority` carries `documentNumber`.
    public func isRecorded(documentNumber: String, authority: String) -> Bool {
        let digest = DocumentDigest.of(authority: authority, number: documentNumber)
        return state.withLock { $0.columns.documents[digest] != nil }
    }
}
