import CreditRecords

/// Lists the web pages page through (issue 18 parts 1 and 3), answered from the index's
/// memory; the caller reads each listed record's envelope and shows its public view only.
extension BackgroundIndex {
    /// What an authority's own record list filters by.
    public struct AuthorityFilter: Sendable, Equatable {
        public var kind: RecordKind?
        /// Decision dates, inclusive; a record without one matches only when both are nil.
        public var decidedFrom: LocalDate?
        public var decidedTo: LocalDate?
        /// nil: both; true: revoked only; false: live only.
        public var revoked: Bool?

        public init(kind: RecordKind? = nil, decidedFrom: LocalDate? = nil, decidedTo: LocalDate? = nil, revoked: Bool? = nil) {
            (self.kind, self.decidedFrom, self.decidedTo, self.revoked) = (kind, decidedFrom, decidedTo, revoked)
        }
    }

    public struct AuthorityRecord: Sendable, Equatable {
        public let seq: UInt64
        public let kind: RecordKind
        public let revoked: Bool
        public let repaired: Bool
        /// The decision (or inspection, review) date the record carries, nil when none.
        public let decidedAt: LocalDate?
    }

    /// The records `authority` (its USCC) recorded, newest (highest seq) first, before `before`
    /// (all when nil), at most `limit`; `next` is the seq the following page starts before.
    /// A scan of the per-seq columns: fixed-size arrays, no envelope read.
    public func records(ofAuthority authority: String, filter: AuthorityFilter, before: UInt64?, limit: Int)
        -> (items: [AuthorityRecord], next: UInt64?) {
        let from = filter.decidedFrom.map(DayNumber.from), to = filter.decidedTo.map(DayNumber.from)
        return state.withLock { s in
            guard let id = s.columns.authorityIndex[SubjectRef.institution(uscc: authority)] else { return ([], nil) }
            var items: [AuthorityRecord] = []
            var seq = Int(min(before ?? s.size, s.size))
            while seq > 0 {
                seq -= 1
                guard s.columns.authority[seq] == id else { continue }
                let info = s.info[seq]
                guard info & 0x0F != KindCode.notARecord, let kind = KindCode.kind(info) else { continue }
                let revoked = info & KindCode.revoked != 0
                if let wanted = filter.kind, wanted != kind { continue }
                if let wanted = filter.revoked, wanted != revoked { continue }
                let decided = s.columns.decided[seq]
                if from != nil || to != nil {
                    guard decided != DayNumber.none, from.map({ decided >= $0 }) ?? true, to.map({ decided <= $0 }) ?? true else { continue }
                }
                if items.count == limit { return (items, items.last.map(\.seq)) }
                items.append(AuthorityRecord(seq: UInt64(seq), kind: kind, revoked: revoked, repaired: info & KindCode.repaired != 0,
                                             decidedAt: DayNumber.date(decided)))
            }
            return (items, nil)
        }
    }

    public struct PublishedPenalty: Sendable, Equatable {
        public let seq: UInt64
        public let uscc: String
        public let decidedAt: LocalDate?
        /// The institution's current filing (its body names the institution), nil when unfiled.
        public let filingSeq: UInt64?
    }

    /// Penalties against institutions within their publication period on `today` (the ones
    /// an institution page shows: not revoked, not ended by a credit repair), of institutions
    /// whose current filing is in `region` (any when nil), newest decision first.
    public func publishedPenalties(region: RegionFilter?, today: LocalDate) -> [PublishedPenalty] {
        let day = DayNumber.from(today)
        let heads: [(code: String, head: Int32)] = state.withLock { s in
            var out: [(String, Int32)] = []
            for (key, head) in s.institutions { if let code = SubjectRef.packed(key).institutionCode { out.append((code, head)) } }
            for (key, head) in s.otherInstitutions { if let code = SubjectRef.other(key).institutionCode { out.append((code, head)) } }
            return out
        }
        var found: [(penalty: PublishedPenalty, day: Int32)] = []
        for (code, head) in heads {
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
            if let region, !region.matches(filing?.a ?? 0) { continue }
            for p in penalties {
                let d = days[p.entry.seq] ?? DayNumber.none
                found.append((PublishedPenalty(seq: p.entry.seq, uscc: code, decidedAt: DayNumber.date(d), filingSeq: filing?.seq), d))
            }
        }
        return found.sorted { $0.day != $1.day ? $0.day > $1.day : $0.penalty.seq > $1.penalty.seq }.map(\.penalty)
    }
}
