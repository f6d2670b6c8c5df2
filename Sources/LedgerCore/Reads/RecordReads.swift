import CreditRecords
import Logging
import TransparencyLog

/// Reads that reveal personal parts (issue 17 part 1): for a purpose the principal's role may
/// claim, within its daily read quota, an inspector its own authority's records (another's
/// with a case reference, flagged `crossAuthority`), and recorded durably in the access log
/// BEFORE the answer is given, as a check is. The HTTP routes and the web pages call these.
extension Ledger {
    /// `{seq, entry, leafHash, inclusionProof, checkpoint, opened? | erased?}`, recorded when
    /// a personal part is opened.
    public func readRecord(seq: UInt64, principal: Principal, reason: ReadReason, logger: Logger) async throws -> JSONValue {
        try reason.authorize(principal)
        let checkpoint = try checkpointCovering(seq)
        let answer = try await readOpened([seq], principal: principal, reason: reason, logger: logger)
        do {
            return .object(try withProof(answer[0], seq: seq, checkpoint: checkpoint))
        } catch {
            throw logUnavailable(error)
        }
    }

    /// `{records: [{seq, entry, leafHash, opened? | erased?}], next}` from `from`, at most
    /// `limit`, recorded as one access entry naming every seq whose personal part was opened.
    public func readRecords(from: UInt64, limit: UInt64, principal: Principal, reason: ReadReason, logger: Logger) async throws -> JSONValue {
        try reason.authorize(principal)
        let range = pageRange(from: from, limit: limit)
        let seqs = (0..<UInt64(range.count)).map { from + $0 }
        let records = try await readOpened(seqs, principal: principal, reason: reason, logger: logger)
        return Self.page(records.map(JSONValue.object), next: range.next)
    }

    /// The records at `seqs` (each below the log's size) opened for `reason`: the authority
    /// rule, the quota (from memory), the reads, then the access entry, durable, and only
    /// then the answer. For any list of records a page shows (the web pages' too).
    public func readOpened(_ seqs: [UInt64], principal: Principal, reason: ReadReason, logger: Logger) async throws -> [JSONObject] {
        try reason.authorize(principal)
        guard !seqs.isEmpty else { return [] }
        let entries: [[UInt8]]
        do {
            entries = try seqs.map { try log.entry(at: $0) }
        } catch {
            throw logUnavailable(error)
        }
        let crossAuthority = try authorizeAuthority(entries, principal: principal, reason: reason)
        let now = Timestamp.epochSeconds()
        try await takeReadQuota(seqs.count, kind: .read, principal: principal, reason: reason, seqs: seqs, now: now, logger: logger)

        var records = [JSONObject]()
        var opened = [UInt64]()
        do {
            for (seq, entry) in zip(seqs, entries) {
                let record = try recordJSON(seq: seq, entry: entry, open: true)
                records.append(record.object)
                if record.opened { opened.append(seq) }
            }
        } catch {
            access.reads.release(principal.id, count: seqs.count, now: now)
            throw logUnavailable(error)
        }
        // Only what revealed a personal part counts and is recorded.
        access.reads.release(principal.id, count: seqs.count - opened.count, now: now)
        guard !opened.isEmpty else { return records }
        let entry = ReadEntry(kind: .read, principal: principal.id, reason: reason, crossAuthority: crossAuthority,
                              seqs: opened, at: Timestamp.format(epochSeconds: now))
        try await recordRead(entry, count: opened.count, now: now, logger: logger)
        return records
    }

    /// True when an inspector reads another authority's record (allowed with a case
    /// reference only: 403 naming `caseRef` without one). Other roles are bound to no authority.
    func authorizeAuthority(_ entries: [[UInt8]], principal: Principal, reason: ReadReason) throws(Refusal) -> Bool {
        guard principal.role == .inspector else { return false }
        let own = principal.authority.map { RecordSubjects.normalised($0.uscc) }
        let foreign = entries.contains { entry in
            guard let own, let theirs = Self.authority(of: entry) else { return true }
            return RecordSubjects.normalised(theirs) != own
        }
        guard foreign else { return false }
        guard reason.caseRef != nil else {
            throw Refusal(.forbidden, slug: "forbidden", title: "Not allowed",
                          detail: "Reading the personal part of another authority's record needs a case reference (caseRef); the read is flagged in the audit.",
                          errors: [Refusal.Item(parameter: "caseRef", code: "required_for_other_authority",
                                                message: "caseRef is required to read another authority's record")])
        }
        return true
    }

    /// The USCC of the authority a stored entry names (`body.authority.uscc`, public in every
    /// leaf), else the submitting inspector's; nil when neither is there (an admin's record).
    static func authority(of entry: [UInt8]) -> String? {
        guard let object = (try? JSONParser.parse(entry, maxDepth: 64))?.objectValue else { return nil }
        return object["body"]?.objectValue?["authority"]?.objectValue?["uscc"]?.stringValue
            ?? object["submittedBy"]?.objectValue?["authority"]?.stringValue
    }

    /// The daily read quota of the principal's kind: bulk readers (exporter, auditor) have their own.
    package func readQuota(_ role: Role) -> Int {
        role == .exporter || role == .auditor ? configuration.bulkReadQuota : configuration.readQuota
    }

    /// Takes `count` reads of the principal's day, from memory; over it, 429 `read-quota-exceeded`
    /// with the first refusal of the day recorded (one entry a day, as for checks).
    func takeReadQuota(_ count: Int, kind: ReadEntry.Kind, principal: Principal, reason: ReadReason, seqs: [UInt64], now: Int64,
                       logger: Logger) async throws {
        let quota = readQuota(principal.role)
        guard case .refused(let firstToday, let left) = access.reads.reserve(principal.id, count: count, quota: quota, now: now) else { return }
        metrics.reads["refused_quota"]?.increment()
        if firstToday {
            let entry = ReadEntry(kind: kind, principal: principal.id, reason: reason,
                                  seqs: Array(seqs.prefix(1000)), status: .refusedQuota, at: Timestamp.format(epochSeconds: now))
            do {
                let receipt = try await access.log.append(entry.bytes())
                access.reads.appended(seq: receipt.seq, entry: entry)
            } catch {
                logger.error("could not record a refused read in the access log", metadata: ["error": "\(error)"])
            }
            logger.notice("read refused: daily read quota used", metadata: ["principal": "\(principal.id)"])
        }
        throw Refusal(.tooManyRequests, slug: "read-quota-exceeded", title: "Daily read quota used",
                      detail: "This principal may read \(quota) records' personal parts a day (China Standard Time) and has \(left) left; the quota renews at midnight.",
                      retryAfterSeconds: AccessLedger.secondsToCSTMidnight(now))
    }

    /// Appends a read entry and returns once it is durable; on failure the reads are given
    /// back and the answer is a 503, never sent unrecorded.
    func recordRead(_ entry: ReadEntry, count: Int, now: Int64, logger: Logger) async throws {
        do {
            let receipt = try await access.log.append(entry.bytes())
            access.reads.appended(seq: receipt.seq, entry: entry)
            metrics.accessLogSize.record(Int64(receipt.seq + 1))
        } catch {
            access.reads.release(entry.principal, count: count, now: now)
            logger.error("access log append failed; the read was not answered", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The read could not be recorded in the access log, so it was not answered. Retry later.")
        }
        metrics.reads["read"]?.increment()
        logger.info("personal parts read", metadata: ["principal": "\(entry.principal)", "purpose": "\(entry.purpose)",
                                                     "records": "\(count)", "crossAuthority": "\(entry.crossAuthority)"])
    }
}
