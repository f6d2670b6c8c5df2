import CreditRecords
import Synchronization
import TransparencyLog

/// The responsible-manager tasks (docs/records.md "Responsible managers"): 人口与计划生育法
/// art. 41(2) bars for life the 直接负责的主管人员和其他直接责任人员 of a 托育机构 that abused
/// infants. A record that an institution abused infants — a penalty against an organisation or
/// individual business with `offenceCategory` `abuse`, or a perpetrator's `child_abuse` ban
/// naming the institution — opens a task for the authority that recorded it, to name those
/// managers; a `responsible_manager` ban whose `managerOf` is that record's seq names one.
///
/// Tasks are a function of the log alone: this keeps the triggers, the naming bans and the
/// revocations seen so far, and catches up from the log before every answer, so it cannot
/// drift from the log and a restart simply rebuilds it (the first request reads the log once).
package final class ManagerTaskIndex: Sendable {
    struct Trigger: Sendable {
        var seq: UInt64
        var kind: RecordKind
        var institution: JSONObject
        var authority: JSONObject
        var decidedAt: LocalDate
    }

    struct State: Sendable {
        var size: UInt64 = 0
        var triggers: [Trigger] = []
        /// Manager ban seq → the trigger seq it names (bans in force).
        var managers: [UInt64: UInt64] = [:]
        var revoked: Set<UInt64> = []
        /// Lifetime bans seen: a revocation of one by an inspector waits for its confirmation.
        var lifetimeBans: Set<UInt64> = []
        /// Records under the two-person rule (docs/records.md "Bans need two people"), by seq,
        /// and what they do once a `ban_confirmation` names them: until then a named manager is
        /// pending and a revocation withdraws nothing, as the index and the export decide.
        var awaiting: [UInt64: Deferred] = [:]

        enum Deferred: Sendable {
            case manager(of: UInt64)
            case revocation(of: UInt64)
        }

        mutating func apply(seq: UInt64, entry: [UInt8]) {
            size = seq + 1
            // Only penalties naming abuse, bans, revocations and confirmations matter; a
            // canonical entry has its top-level "kind" unescaped, and a string inside the body
            // cannot hold `"kind":"`.
            let isPenalty = contains(entry, #""kind":"penalty""#) && contains(entry, #""offenceCategory":"abuse""#)
            let isBan = contains(entry, #""kind":"ban""#), isRevocation = contains(entry, #""kind":"revocation""#)
            let isConfirmation = contains(entry, #""kind":"ban_confirmation""#)
            guard isPenalty || isBan || isRevocation || isConfirmation, let envelope = try? Envelope.decode(entry) else { return }
            let body = envelope.body
            func text(_ key: String) -> String? { body[key]?.stringValue }
            let target = body["target"]?.integerValue.flatMap { UInt64(exactly: $0) }
            let underRule = BanConfirmationRule.applies(submittedAt: envelope.submittedAt, inspector: envelope.submittedBy.authority != nil)
            switch envelope.kind {
            case .revocation:
                guard let target, target < seq else { return }
                if underRule && lifetimeBans.contains(target) { awaiting[seq] = .revocation(of: target) } else { revoked.insert(target) }
            case .banConfirmation:
                switch target.flatMap({ awaiting.removeValue(forKey: $0) }) {
                case .manager(let of): managers[target!] = of
                case .revocation(let of): revoked.insert(of)
                case nil: break
                }
            case .penalty:
                guard text("offenceCategory") == OffenceCategory.abuse.rawValue, let party = body["party"]?.objectValue,
                      party["category"]?.stringValue != PartyCategory.person.rawValue,
                      let uscc = party["uscc"]?.stringValue, !USCC.isPlaceholder(uscc.uppercased()) else { return }
                add(seq: seq, kind: .penalty, institution: JSONObject([("name", party["name"] ?? .null), ("uscc", .string(uscc))]), body: body)
            case .ban:
                let lifetime = envelope.isLifetimeBan
                if lifetime { lifetimeBans.insert(seq) }
                if text("role") == BanRole.responsibleManager.rawValue {
                    if let of = body["managerOf"]?.integerValue.flatMap({ UInt64(exactly: $0) }) {
                        if underRule && lifetime { awaiting[seq] = .manager(of: of) } else { managers[seq] = of }
                    }
                } else if text("reason") == BanReason.childAbuse.rawValue, let institution = body["institution"]?.objectValue {
                    // The task opens with the finding, confirmed or not: naming managers is the
                    // authority's follow-up either way.
                    add(seq: seq, kind: .ban, institution: JSONObject([("name", institution["name"] ?? .null), ("uscc", institution["uscc"] ?? .null)]), body: body)
                }
            default:
                break
            }
        }

        mutating func add(seq: UInt64, kind: RecordKind, institution: JSONObject, body: JSONObject) {
            guard let authority = body["authority"]?.objectValue, let decided = body["decidedAt"]?.stringValue.flatMap(LocalDate.init(iso:)) else { return }
            triggers.append(Trigger(seq: seq, kind: kind, institution: institution, authority: authority, decidedAt: decided))
        }

        func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
            let n = Array(needle.utf8)
            guard haystack.count >= n.count else { return false }
            return haystack.withUnsafeBufferPointer { h in
                var i = 0
                while i + n.count <= h.count {
                    if h[i] == n[0] && h[i..<(i + n.count)].elementsEqual(n) { return true }
                    i += 1
                }
                return false
            }
        }
    }

    let state = Mutex(State())

    package init() {}

    /// Reads the log from where it stopped to `log.size`.
    func catchUp(_ log: TransparencyLog, sealed: SealedEntries) throws {
        try state.withLock { state in
            let size = log.size
            while state.size < size {
                let chunk = try log.entries(from: state.size, count: Int(min(1024, size - state.size)))
                for entry in chunk { state.apply(seq: state.size, entry: try sealed.open(entry)) }
            }
        }
    }

    /// The tasks as of now; `authority` limits them to one authority's (an inspector's).
    func tasks(authority: String?) -> [Task] {
        state.withLock { state in
            state.triggers.filter { !state.revoked.contains($0.seq) && (authority == nil || $0.authority["uscc"]?.stringValue == authority) }.map { t in
                let named = state.managers.filter { !state.revoked.contains($0.key) && $0.value == t.seq }.keys.sorted()
                let pending = state.awaiting.compactMap { seq, deferred -> UInt64? in
                    if case .manager(let of) = deferred, of == t.seq, !state.revoked.contains(seq) { return seq }
                    return nil
                }.sorted()
                return Task(trigger: t, managers: named, pendingManagers: pending)
            }
        }
    }

    func task(_ seq: UInt64) -> Task? { tasks(authority: nil).first { $0.trigger.seq == seq } }

    struct Task: Sendable {
        var trigger: Trigger
        /// Manager bans in force naming the task.
        var managers: [UInt64]
        /// Manager bans naming it that wait for a second inspector's confirmation.
        var pendingManagers: [UInt64]
    }
}

/// Days between two dates (b − a), by the proleptic Gregorian calendar.
func daysBetween(_ a: LocalDate, _ b: LocalDate) -> Int {
    func number(_ d: LocalDate) -> Int {
        let y = d.month <= 2 ? d.year - 1 : d.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1
        return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy
    }
    return number(b) - number(a)
}
