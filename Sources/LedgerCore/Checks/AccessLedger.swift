import CreditRecords
import LedgerCrypto
import Synchronization
import TransparencyLog

/// What a check's access-log entry says its outcome was.
package enum AccessStatus: String, Sendable {
    case barred
    case recordsFound = "records_found"
    case clear
    /// The name given is not the name the ID number's records hold: no findings shown.
    case identityMismatch = "identity_mismatch"
    case refusedQuota = "refused_quota"
}

/// One access-log entry (RFC 8785 JSON): who checked, the keyed hash of whom, why, the
/// outcome, when. Never a name or an ID number.
package struct AccessEntry: Sendable, Equatable {
    package var checkId: String
    package var principal: String
    package var institution: String?
    package var subject: String
    package var purpose: String
    package var consentRef: String
    package var status: String
    package var at: String

    package var json: JSONValue {
        var object = JSONObject([("v", 1), ("checkId", .string(checkId)), ("principal", .string(principal))])
        if let institution { object["institution"] = .string(institution) }
        object["subject"] = .string(subject)
        object["purpose"] = .string(purpose)
        object["consentRef"] = .string(consentRef)
        object["status"] = .string(status)
        object["at"] = .string(at)
        return .object(object)
    }

    /// The canonical bytes of `json`, written directly (members in RFC 8785 order).
    package func bytes() throws -> [UInt8] {
        var out = JSONWriter(capacity: 320)
        out.beginObject()
        out.key("at"); out.string(at)
        out.key("checkId"); out.string(checkId)
        out.key("consentRef"); out.string(consentRef)
        if let institution { out.key("institution"); out.string(institution) }
        out.key("principal"); out.string(principal)
        out.key("purpose"); out.string(purpose)
        out.key("status"); out.string(status)
        out.key("subject"); out.string(subject)
        out.key("v"); out.uint(1)
        out.endObject()
        return out.bytes
    }

    /// Nil for an entry that is not an access entry of version 1.
    package static func decode(_ bytes: [UInt8]) -> AccessEntry? {
        guard let object = try? JSONParser.parse(bytes, maxDepth: 4).objectValue, object["v"] == 1,
              let checkId = object["checkId"]?.stringValue, let principal = object["principal"]?.stringValue,
              let subject = object["subject"]?.stringValue, let purpose = object["purpose"]?.stringValue,
              let consentRef = object["consentRef"]?.stringValue, let status = object["status"]?.stringValue,
              let at = object["at"]?.stringValue else { return nil }
        return AccessEntry(checkId: checkId, principal: principal, institution: object["institution"]?.stringValue, subject: subject,
                           purpose: purpose, consentRef: consentRef, status: status, at: at)
    }

    /// The audit answer's shape: `{checkId, principal, institution, purpose, consentRef, status, at}`.
    package var auditJSON: JSONValue {
        .object(JSONObject([
            ("checkId", .string(checkId)), ("principal", .string(principal)), ("institution", institution.map(JSONValue.string) ?? .null),
            ("purpose", .string(purpose)), ("consentRef", .string(consentRef)), ("status", .string(status)), ("at", .string(at)),
        ]))
    }
}

/// The first 16 bytes of a subject's keyed hash: the audit table's key (128 bits: no two people
/// share one in practice, and a string per subject would cost more than the rest of the ledger).
package struct SubjectDigest: Hashable {
    package var hi: UInt64
    package var lo: UInt64

    /// `<index key id>:<base64>` (Checks/AccessSubjects.swift) or, written before it, bare base64.
    package init?(base64 subject: some StringProtocol) {
        let digest = subject.lastIndex(of: ":").map { subject[subject.index(after: $0)...] } ?? subject[...]
        guard let bytes = Base64.decode(digest), bytes.count == 32 else { return nil }
        (hi, lo) = bytes.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }
}

/// The access log (a second TransparencyLog) and what the service keeps in memory about it:
/// the entries of each subject (for the audit route, as chains through one array) and today's
/// checks per principal (for the quota), both rebuilt by reading the log at start.
package final class AccessLedger: Sendable {
    package let log: TransparencyLog
    /// The reads recorded in the same log (Reads/): today's counts and each reader's entries.
    package let reads: ReadLedger

    /// One access-log entry in its subject's chain (newest first).
    package struct Link {
        var seq: UInt64
        var previous: Int32
        /// The previous entry of the same institution (its own check history, newest first);
        /// fits in the padding after `previous`, so it costs no memory.
        var previousOfInstitution: Int32 = -1
    }

    private struct State {
        var heads: [SubjectDigest: Int32] = [:]
        /// Institution USCC → its newest entry in `links` (an institution's check history).
        var institutionHeads: [String: Int32] = [:]
        var links: [Link] = []
        /// China Standard Time day number the counts are for.
        var day: Int64
        var counts: [String: Int] = [:]
        /// Quota keys whose refusal is recorded today: at most one such entry a day each.
        var refusalRecorded: Set<String> = []

        mutating func add(seq: UInt64, subject: SubjectDigest, institution: String?) {
            let index = Int32(links.count)
            var link = Link(seq: seq, previous: heads.updateValue(index, forKey: subject) ?? -1)
            if let institution { link.previousOfInstitution = institutionHeads.updateValue(index, forKey: institution) ?? -1 }
            links.append(link)
        }
    }

    private let state: Mutex<State>

    private init(log: TransparencyLog, state: State, reads: ReadLedger) {
        self.log = log
        self.reads = reads
        self.state = Mutex(state)
    }

    /// Reads every entry of `log`: subjects, and today's answered checks per principal.
    /// Returns the ledger and how many entries were not access entries.
    static func open(log: TransparencyLog, now: Int64 = Timestamp.epochSeconds()) throws -> (AccessLedger, skipped: Int) {
        // Today's answered checks per quota key and the keys whose refusal is recorded.
        let today = cstDay(now)
        let startOfDay = Array(Timestamp.format(epochSeconds: today * 86400 - 8 * 3600).utf8)
        let endOfDay = Array(Timestamp.format(epochSeconds: (today + 1) * 86400 - 8 * 3600).utf8)
        var state = State(day: today)
        let reads = ReadLedger(now: now)
        var skipped = 0
        try log.forEachEntry { seq, bytes in
            // The service's own canonical entries are read without a JSON tree; anything else
            // goes through the full decoder, which decides whether it is an access entry.
            guard let fields = AccessEntry.QuickFields(bytes) ?? AccessEntry.decode(bytes).map(AccessEntry.QuickFields.init(entry:)),
                  let subject = SubjectDigest(base64: fields.subject) else {
                if let read = ReadEntry.decode(bytes) {
                    reads.replay(seq: seq, entry: read)
                    return
                }
                skipped += 1
                return
            }
            state.add(seq: seq, subject: subject, institution: fields.institution)
            // Fixed-width RFC 3339 UTC strings compare as the instants they name.
            if fields.at.lexicographicallyPrecedes(endOfDay) && !fields.at.lexicographicallyPrecedes(startOfDay) {
                let key = quotaKey(principal: fields.principal, institution: fields.institution)
                if fields.refused {
                    state.refusalRecorded.insert(key)
                } else {
                    state.counts[key, default: 0] += 1
                }
            }
        }
        return (AccessLedger(log: log, state: state, reads: reads), skipped)
    }

    /// The calendar day in China Standard Time (UTC+8) as a day number.
    package static func cstDay(_ epochSeconds: Int64) -> Int64 {
        let shifted = epochSeconds + 8 * 3600
        return shifted >= 0 ? shifted / 86400 : (shifted - 86399) / 86400
    }

    /// Seconds until the next midnight in China Standard Time (at least 1).
    package static func secondsToCSTMidnight(_ epochSeconds: Int64) -> Int64 {
        max(1, (cstDay(epochSeconds) + 1) * 86400 - 8 * 3600 - epochSeconds)
    }

    /// The keyed hash the access log held for a person before it took the vault's index key
    /// (Checks/AccessSubjects.swift): base64 HMAC-SHA256(server secret, idType ‖ 0x00 ‖
    /// normalised idNumber). Still looked up, so those entries stay in the audit answers.
    package static func subject(secret: [UInt8], idType: IdType, idNumber: String) -> String {
        HMACSHA256.authenticationCode(for: Array(idType.rawValue.utf8) + [0] + Array(idNumber.utf8), key: secret).base64
    }

    package static func newCheckId() -> String { Hex.encode(SecureRandom.bytes(16)) }

    /// Whose quota a check counts against: an institution's principals share their
    /// institution's (by USCC); anyone else has its own. Principal ids hold no ":".
    package static func quotaKey(principal: String, institution: String?) -> String {
        institution.map { "uscc:" + $0 } ?? principal
    }

    package enum QuotaAnswer: Equatable {
        case granted
        /// None left; `firstToday` the first refusal of the key's day, the one to record.
        case refused(firstToday: Bool)
    }

    /// Takes one of the key's `quota` checks for the day of `now`, from memory.
    package func reserve(_ key: String, quota: Int, now: Int64) -> QuotaAnswer {
        let day = Self.cstDay(now)
        return state.withLock { state in
            if state.day != day {
                state.day = day
                state.counts = [:]
                state.refusalRecorded = []
            }
            let used = state.counts[key, default: 0]
            guard used < quota else { return .refused(firstToday: state.refusalRecorded.insert(key).inserted) }
            state.counts[key] = used + 1
            return .granted
        }
    }

    /// Gives back a check taken by `reserve` whose answer was not sent.
    package func release(_ key: String, now: Int64) {
        let day = Self.cstDay(now)
        state.withLock { state in
            guard state.day == day, let used = state.counts[key], used > 0 else { return }
            state.counts[key] = used - 1
        }
    }

    /// Checks used today under a quota key (`quotaKey`).
    package func used(_ key: String) -> Int { state.withLock { $0.counts[key, default: 0] } }

    /// Appends the entry; returns once it is durable and covered by a signed checkpoint.
    @discardableResult
    package func record(_ entry: AccessEntry) async throws -> AppendReceipt {
        let receipt = try await log.append(entry.bytes())
        if let subject = SubjectDigest(base64: entry.subject) {
            state.withLock { state in state.add(seq: receipt.seq, subject: subject, institution: entry.institution) }
        }
        return receipt
    }

    /// Every committed check of a subject known by any of `subjects` (its keyed hashes under
    /// each key it was ever recorded with), oldest first.
    package func checks(subjects: [String]) throws -> [AccessEntry] {
        let keys = subjects.compactMap { SubjectDigest(base64: $0) }
        let seqs = state.withLock { state in
            var out = Set<UInt64>()
            for key in keys {
                var i = state.heads[key] ?? -1
                while i >= 0 {
                    out.insert(state.links[Int(i)].seq)
                    i = state.links[Int(i)].previous
                }
            }
            return out
        }.sorted()
        let wanted = Set(subjects)
        return try seqs.compactMap { AccessEntry.decode(try log.entry(at: $0)) }.filter { wanted.contains($0.subject) }
    }

    /// An institution's checks (by its USCC, across its principals), newest first: up to
    /// `limit` entries recorded before `before` (all when nil), and the seq to continue
    /// before when more follow.
    package func checks(institution uscc: String, before: UInt64?, limit: Int) throws -> (entries: [(seq: UInt64, entry: AccessEntry)], next: UInt64?) {
        let seqs: [UInt64] = state.withLock { state in
            var out = [UInt64]()
            var i = state.institutionHeads[uscc] ?? -1
            while i >= 0 && out.count <= limit {
                let link = state.links[Int(i)]
                if before.map({ link.seq < $0 }) ?? true { out.append(link.seq) }
                i = link.previousOfInstitution
            }
            return out
        }
        let more = seqs.count > limit
        let page = try seqs.prefix(limit).compactMap { seq in
            AccessEntry.decode(try log.entry(at: seq)).flatMap { $0.institution == uscc ? (seq: seq, entry: $0) : nil }
        }
        return (page, more ? seqs[limit - 1] : nil)
    }
}
