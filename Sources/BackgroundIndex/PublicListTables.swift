import CreditRecords
import Synchronization

/// The public lists (institutions by status, the name search over them, and the 公示 list of
/// penalties) worked out once per indexed size and day, then filtered and paged per request.
///
/// Why: each of these walked every institution's chain on every request, and they are the
/// routes anyone may call without a token or a rate limit. At 1M records that was 45 ms for a
/// search or a penalty page and 230 ms for the closures page (BENCHMARKS.md "Public lists"),
/// so a few anonymous clients could keep both cores busy. A table holds for one tree size
/// (any applied entry, revocations and erasures included, makes it stale) and one day
/// (statuses and publication periods end at midnight), so it never shows what the index
/// no longer says. Tables hold codes, seqs and statuses only: no name, nothing personal.
final class PublicListTables: Sendable {
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
    }

    let institutions = Mutex<Table<InstitutionRow>?>(nil)
    let penalties = Mutex<Table<PenaltyRow>?>(nil)

    /// The cached rows when they were made at `size` on `day`, else `make`'s, kept for the
    /// next caller. Two callers that miss together both make the table; the later store wins,
    /// and both tables describe at least `size` entries.
    static func rows<Row: Sendable>(_ slot: borrowing Mutex<Table<Row>?>, size: UInt64, day: Int32, make: () -> [Row]) -> [Row] {
        if let table = slot.withLock({ $0 }), table.size == size, table.day == day { return table.rows }
        let rows = make()
        slot.withLock { current in
            // Never replace a table of a later size (the index only grows while serving).
            if let current, current.size > size { return }
            current = Table(size: size, day: day, rows: rows)
        }
        return rows
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

    /// Every institution the index knows, in USCC order, with its status on `day`, its
    /// current filing and that filing's region.
    func institutionTable(day: Int32) -> [PublicListTables.InstitutionRow] {
        let size = self.size
        return PublicListTables.rows(publicLists.institutions, size: size, day: day) {
            institutionHeads().sorted { $0.code < $1.code }.map { code, head in
                let live = state.withLock { $0.chain(from: head) }.filter { $0.info & KindCode.revoked == 0 }
                let answer = Rules.institutionStatus(live, today: day)
                let filing = live.last { $0.entry.recordKind == .institutionFiling }?.entry
                let region = filing?.a ?? 0
                return PublicListTables.InstitutionRow(
                    listing: InstitutionListing(uscc: code, status: answer.status, statusRecords: answer.records, filingSeq: filing?.seq,
                                                region: region > 0 ? String(region) : nil),
                    region: region)
            }
        }
    }

    /// Every penalty against an institution within its publication period on `day`, newest
    /// decision first, with the region of the institution's current filing.
    func publishedPenaltyTable(day: Int32) -> [PublicListTables.PenaltyRow] {
        let size = self.size
        return PublicListTables.rows(publicLists.penalties, size: size, day: day) {
            var found: [(row: PublicListTables.PenaltyRow, day: Int32)] = []
            for (code, head) in institutionHeads() {
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
                guard !penalties.isEmpty else { continue }
                let filing = live.last { $0.entry.recordKind == .institutionFiling }?.entry
                for p in penalties {
                    let d = days[p.entry.seq] ?? DayNumber.none
                    let penalty = PublishedPenalty(seq: p.entry.seq, uscc: code, decidedAt: DayNumber.date(d), filingSeq: filing?.seq)
                    found.append((PublicListTables.PenaltyRow(penalty: penalty, region: filing?.a ?? 0), d))
                }
            }
            return found.sorted { $0.day != $1.day ? $0.day > $1.day : $0.row.penalty.seq > $1.row.penalty.seq }.map(\.row)
        }
    }
}
