import CreditRecords
import Synchronization

/// The public lists (institutions by status, the name search over them, and the 公示 list of
/// penalties) held as tables, kept up to date as the index grows, and filtered and paged per
/// request.
///
/// Why: each of these walked every institution's chain on every request, and they are the
/// routes anyone may call without a token or a rate limit. At 1M records that was 45 ms for a
/// search or a penalty page and 230 ms for the closures page (BENCHMARKS.md "Public lists").
/// A table is made whole once per day (statuses and publication periods end at midnight);
/// after that, a request at a new tree size works out again only the rows of the institutions
/// whose chains grew since (`IndexState.institutionListChanges`), so appends at any rate do
/// not make each anonymous request walk every chain. A change that is not one institution's
/// (a revocation, a ban confirmation, a credit repair flags an earlier record) makes the table
/// whole again. So a table never shows what the index no longer says. Tables hold codes, seqs
/// and statuses only: no name, nothing personal.
final class PublicListTables: Sendable {
    /// More changed institutions than this between two requests: the table is made whole.
    static let trackedChanges = 4096

    struct Table<Row: Sendable>: Sendable {
        let size: UInt64
        let day: Int32
        let rows: [Row]
    }

    struct InstitutionRow: Sendable {
        let listing: InstitutionListing
        let region: Int32
    }

    struct PenaltyRow: Sendable {
        let penalty: BackgroundIndex.PublishedPenalty
        let region: Int32
        /// The decision's day: the table's order is the newest decision first, then the
        /// higher seq.
        let decided: Int32

        func isBefore(_ other: PenaltyRow) -> Bool {
            decided != other.decided ? decided > other.decided : penalty.seq > other.penalty.seq
        }
    }

    let institutions = Mutex<Table<InstitutionRow>?>(nil)
    let penalties = Mutex<Table<PenaltyRow>?>(nil)
    /// One caller brings a table up to date at a time; others wait and take its result rather
    /// than walk the same chains again.
    let institutionUpdate = Mutex<Void>(())
    let penaltyUpdate = Mutex<Void>(())

    /// The rows for `day` at the index's current size: the table as it is when nothing changed,
    /// else `merge`d with the changed institutions, else made whole by `make`.
    static func current<Row: Sendable>(_ slot: borrowing Mutex<Table<Row>?>, update: borrowing Mutex<Void>, day: Int32,
                                       take: (_ unchangedSince: UInt64?) -> (size: UInt64, changes: Set<SubjectRef>?),
                                       make: () -> [Row], merge: ([Row], Set<SubjectRef>) -> [Row]) -> [Row] {
        update.withLock { _ in
            let table = slot.withLock { $0 }
            let sameDay = table.map { $0.day == day } ?? false
            // The size and the changes since the last take, read together under the index's lock.
            let (size, changes) = take(sameDay ? table?.size : nil)
            if let table, sameDay, table.size == size { return table.rows }
            let rows: [Row]
            if let table, sameDay, let changes { rows = merge(table.rows, changes) } else { rows = make() }
            slot.withLock { $0 = Table(size: size, day: day, rows: rows) }
            return rows
        }
    }
}

extension BackgroundIndex {
    /// Every institution's code and chain head, taken under the lock; the chains are then
    /// walked one lock at a time, from memory only.
    private func institutionHeads() -> [(code: String, head: Int32)] {
        state.withLock { s in
            var out: [(String, Int32)] = []
            out.reserveCapacity(s.institutions.count + s.otherInstitutions.count)
            for (key, head) in s.institutions { if let code = SubjectRef.packed(key).institutionCode { out.append((code, head)) } }
            for (key, head) in s.otherInstitutions { if let code = SubjectRef.other(key).institutionCode { out.append((code, head)) } }
            return out
        }
    }

    /// The size and, unless it is still `unchangedSince`, the changes a table has not seen
    /// (taken: noting starts afresh), read together under the index's lock.
    private func takeListChanges(_ changes: WritableKeyPath<IndexState, Set<SubjectRef>?>,
                                 unchangedSince: UInt64?) -> (size: UInt64, changes: Set<SubjectRef>?) {
        state.withLock { s in
            if let unchangedSince, unchangedSince == s.size { return (s.size, []) }
            defer { s[keyPath: changes] = [] }
            return (s.size, s[keyPath: changes])
        }
    }

    /// The changed institutions' codes and heads.
    private func heads(of changes: Set<SubjectRef>) -> [(code: String, head: Int32)] {
        state.withLock { s in changes.compactMap { ref in ref.institutionCode.map { ($0, s.head(institution: ref)) } } }
    }

    /// Every institution the index knows, in USCC order, with its status on `day`, its
    /// current filing and that filing's region.
    func institutionTable(day: Int32) -> [PublicListTables.InstitutionRow] {
        PublicListTables.current(publicLists.institutions, update: publicLists.institutionUpdate, day: day, take: { takeListChanges(\.institutionListChanges, unchangedSince: $0) }, make: {
            institutionHeads().sorted { $0.code < $1.code }.map { institutionRow(code: $0.code, head: $0.head, day: day) }
        }, merge: { rows, changes in
            var rows = rows
            var added: [PublicListTables.InstitutionRow] = []
            for (code, head) in heads(of: changes) {
                let row = institutionRow(code: code, head: head, day: day)
                let i = Self.firstIndex(in: rows) { $0.listing.uscc >= code }
                if i < rows.count, rows[i].listing.uscc == code { rows[i] = row } else { added.append(row) }
            }
            guard !added.isEmpty else { return rows }
            return Self.merged(rows, added.sorted { $0.listing.uscc < $1.listing.uscc }) { $0.listing.uscc < $1.listing.uscc }
        })
    }

    private func institutionRow(code: String, head: Int32, day: Int32) -> PublicListTables.InstitutionRow {
        let live = state.withLock { $0.chain(from: head) }.filter { $0.info & KindCode.revoked == 0 }
        let answer = Rules.institutionStatus(live, today: day)
        let filing = live.last { $0.entry.recordKind == .institutionFiling }?.entry
        let region = filing?.a ?? 0
        return PublicListTables.InstitutionRow(
            listing: InstitutionListing(uscc: code, status: answer.status, statusRecords: answer.records, filingSeq: filing?.seq,
                                        region: region > 0 ? String(region) : nil),
            region: region)
    }

    /// Every penalty against an institution within its publication period on `day`, newest
    /// decision first, with the region of the institution's current filing.
    func publishedPenaltyTable(day: Int32) -> [PublicListTables.PenaltyRow] {
        PublicListTables.current(publicLists.penalties, update: publicLists.penaltyUpdate, day: day, take: { takeListChanges(\.penaltyListChanges, unchangedSince: $0) }, make: {
            institutionHeads().flatMap { penaltyRows(code: $0.code, head: $0.head, day: day) }.sorted { $0.isBefore($1) }
        }, merge: { rows, changes in
            let changed = heads(of: changes)
            // A changed institution's rows are all worked out again: removed, then merged back.
            // A few codes are compared directly: hashing every row's code would cost about as
            // much as the walk this saves.
            let codes = changed.map(\.code)
            let kept: [PublicListTables.PenaltyRow]
            if codes.count <= 16 {
                kept = rows.filter { row in !codes.contains { $0 == row.penalty.uscc } }
            } else {
                let set = Set(codes)
                kept = rows.filter { !set.contains($0.penalty.uscc) }
            }
            let fresh = changed.flatMap { penaltyRows(code: $0.code, head: $0.head, day: day) }.sorted { $0.isBefore($1) }
            return Self.merged(kept, fresh) { $0.isBefore($1) }
        })
    }

    private func penaltyRows(code: String, head: Int32, day: Int32) -> [PublicListTables.PenaltyRow] {
        let (live, days): ([(entry: Entry, info: UInt8)], [UInt64: Int32]) = state.withLock { s in
            let live = s.chain(from: head).filter { $0.info & KindCode.revoked == 0 }
            var days: [UInt64: Int32] = [:]
            for e in live where e.entry.recordKind == .penalty {
                let i = Int(e.entry.seq)
                days[e.entry.seq] = i < s.columns.decided.count ? s.columns.decided[i] : DayNumber.none
            }
            return (live, days)
        }
        // The same test as the disclosure's (Rules.institution): `b` is the publication end.
        let penalties = live.filter { $0.entry.recordKind == .penalty && $0.info & KindCode.repaired == 0 && $0.entry.b >= day }
        guard !penalties.isEmpty else { return [] }
        let filing = live.last { $0.entry.recordKind == .institutionFiling }?.entry
        return penalties.map { p in
            let d = days[p.entry.seq] ?? DayNumber.none
            let penalty = PublishedPenalty(seq: p.entry.seq, uscc: code, decidedAt: DayNumber.date(d), filingSeq: filing?.seq)
            return PublicListTables.PenaltyRow(penalty: penalty, region: filing?.a ?? 0, decided: d)
        }
    }

    /// The first index of a sorted table where `atOrAfter` holds (binary search).
    static func firstIndex<Row>(in rows: [Row], where atOrAfter: (Row) -> Bool) -> Int {
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if atOrAfter(rows[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// Two sorted runs as one, in one pass.
    static func merged<Row>(_ a: [Row], _ b: [Row], by before: (Row, Row) -> Bool) -> [Row] {
        var out: [Row] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if before(b[j], a[i]) { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}
