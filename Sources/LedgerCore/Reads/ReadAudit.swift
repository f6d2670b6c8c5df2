import CreditRecords
import Logging
import TransparencyLog

/// The audit answers, themselves reads of personal data (who checked whom, who read what):
/// for a purpose, within the read quota (one each), and recorded before they are sent.
extension Ledger {
    /// `{checks: [{checkId, principal, institution, purpose, consentRef, status, at}]}`, oldest
    /// first, recorded as an `audit_checks` read entry naming the subject's keyed hash.
    public func checksOnRecord(idType: IdType, idNumber: String, principal: Principal, reason: ReadReason,
                               logger: Logger) async throws -> JSONValue {
        try reason.authorize(principal)
        let subject = accessSubject(idType: idType, idNumber: idNumber)
        let now = Timestamp.epochSeconds()
        try await takeReadQuota(1, kind: .auditChecks, principal: principal, reason: reason, seqs: [], now: now, logger: logger)
        let answer: JSONValue
        do {
            answer = try checksOnRecord(idType: idType, idNumber: idNumber)
        } catch {
            access.reads.release(principal.id, count: 1, now: now)
            throw error
        }
        try await recordRead(ReadEntry(kind: .auditChecks, principal: principal.id, reason: reason, subject: subject,
                                       at: Timestamp.format(epochSeconds: now)), count: 1, now: now, logger: logger)
        return answer
    }

    public static let maxAuditPage = 1000

    /// `{reads: [{readId, kind, principal, purpose, caseRef, crossAuthority, seqs, subject?,
    /// reader?, status, at, accessSeq}], next}`: the read entries of `reader`, newest first, at
    /// most `limit`, below access-log seq `before`; recorded as an `audit_reads` entry.
    public func readsOnRecord(reader: String, before: UInt64?, limit: Int, principal: Principal, reason: ReadReason,
                              logger: Logger) async throws -> JSONValue {
        try reason.authorize(principal)
        let now = Timestamp.epochSeconds()
        try await takeReadQuota(1, kind: .auditReads, principal: principal, reason: reason, seqs: [], now: now, logger: logger)
        // One more than asked, to know whether there is a next page.
        let seqs = access.reads.seqs(principal: reader, before: before, limit: limit + 1)
        var reads = [JSONValue]()
        do {
            for seq in seqs.prefix(limit) {
                guard let entry = ReadEntry.decode(try access.log.entry(at: seq)), var object = entry.auditJSON.objectValue else { continue }
                object["accessSeq"] = .uint(seq)
                reads.append(.object(object))
            }
        } catch {
            access.reads.release(principal.id, count: 1, now: now)
            throw logUnavailable(error)
        }
        try await recordRead(ReadEntry(kind: .auditReads, principal: principal.id, reason: reason, reader: reader,
                                       at: Timestamp.format(epochSeconds: now)), count: 1, now: now, logger: logger)
        let next: JSONValue = seqs.count > limit ? .uint(seqs[limit - 1]) : .null
        return .object(JSONObject([("reads", .array(reads)), ("next", next)]))
    }

    /// `readsOnRecord` for the people who opened their own records at /me: their
    /// `subject_access` entries, which name no principal (`ReadEntry.dataSubject`).
    public func subjectReadsOnRecord(before: UInt64?, limit: Int, principal: Principal, reason: ReadReason,
                                     logger: Logger) async throws -> JSONValue {
        try await readsOnRecord(reader: ReadEntry.dataSubject, before: before, limit: limit, principal: principal, reason: reason, logger: logger)
    }
}
