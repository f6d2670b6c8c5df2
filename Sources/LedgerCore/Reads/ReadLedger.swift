import Synchronization
import TransparencyLog

/// What the service keeps in memory about recorded reads: today's records read per principal
/// (the read quota, in China Standard Time days like the check quota) and, per principal,
/// the access-log seqs of its read entries (the audit of reads). Rebuilt at start from the
/// access log, which alone is durable.
package final class ReadLedger: Sendable {
    /// A read entry in its principal's chain (newest first).
    struct Link {
        var seq: UInt64
        var previous: Int32
    }

    struct State {
        var heads: [String: Int32] = [:]
        var links: [Link] = []
        var day: Int64
        var counts: [String: Int] = [:]
        /// Principals whose quota refusal is recorded today: at most one such entry a day each.
        var refusalRecorded: Set<String> = []

        mutating func add(seq: UInt64, principal: String) {
            let index = Int32(links.count)
            links.append(Link(seq: seq, previous: heads.updateValue(index, forKey: principal) ?? -1))
        }

        mutating func roll(to day: Int64) {
            guard self.day != day else { return }
            self.day = day
            counts = [:]
            refusalRecorded = []
        }
    }

    private let state: Mutex<State>

    package init(now: Int64 = Timestamp.epochSeconds()) {
        state = Mutex(State(day: AccessLedger.cstDay(now)))
    }

    /// Takes in one read entry found in the access log at start (`AccessLedger.open`).
    package func replay(seq: UInt64, entry: ReadEntry) {
        state.withLock { state in
            state.add(seq: seq, principal: entry.principal)
            guard let instant = Self.epochSeconds(entry.at), AccessLedger.cstDay(instant) == state.day else { return }
            switch entry.status {
            case .read: state.counts[entry.principal, default: 0] += Self.cost(entry)
            case .refusedQuota: state.refusalRecorded.insert(entry.principal)
            }
        }
    }

    /// Records an entry appended now.
    package func appended(seq: UInt64, entry: ReadEntry) {
        state.withLock { $0.add(seq: seq, principal: entry.principal) }
    }

    /// What an entry costs against the quota: its records, or one for an audit answer.
    static func cost(_ entry: ReadEntry) -> Int { entry.kind == .read ? entry.seqs.count : 1 }

    package enum QuotaAnswer: Equatable {
        case granted
        /// Not enough left; `firstToday` the first refusal of the principal's day, the one to record.
        case refused(firstToday: Bool, left: Int)
    }

    /// Takes `count` of the principal's `quota` reads for the day of `now`, from memory.
    package func reserve(_ principal: String, count: Int, quota: Int, now: Int64) -> QuotaAnswer {
        state.withLock { state in
            state.roll(to: AccessLedger.cstDay(now))
            let used = state.counts[principal, default: 0]
            guard used + count <= quota else {
                return .refused(firstToday: state.refusalRecorded.insert(principal).inserted, left: max(0, quota - used))
            }
            state.counts[principal] = used + count
            return .granted
        }
    }

    /// Gives back reads taken by `reserve` that were not answered (or revealed nothing).
    package func release(_ principal: String, count: Int, now: Int64) {
        guard count > 0 else { return }
        state.withLock { state in
            guard state.day == AccessLedger.cstDay(now), let used = state.counts[principal] else { return }
            state.counts[principal] = max(0, used - count)
        }
    }

    /// Records read today by a principal.
    package func used(_ principal: String) -> Int { state.withLock { $0.counts[principal, default: 0] } }

    /// The access-log seqs of a principal's read entries, newest first, at most `limit`,
    /// below `before` when given.
    package func seqs(principal: String, before: UInt64?, limit: Int) -> [UInt64] {
        state.withLock { state in
            var out = [UInt64]()
            var i = state.heads[principal] ?? -1
            while i >= 0 && out.count < limit {
                let link = state.links[Int(i)]
                if before.map({ link.seq < $0 }) ?? true { out.append(link.seq) }
                i = link.previous
            }
            return out
        }
    }

    /// Seconds since the epoch of a fixed-width RFC 3339 UTC timestamp ("2026-12-06T08:00:00Z").
    static func epochSeconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"), b[19] == UInt8(ascii: "Z") else { return nil }
        func n(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard let y = n(0..<4), let m = n(5..<7), let d = n(8..<10), let hh = n(11..<13), let mm = n(14..<16), let ss = n(17..<19) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return days * 86400 + hh * 3600 + mm * 60 + ss
    }
}
