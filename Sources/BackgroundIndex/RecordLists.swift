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
        publishedPenaltyTable(day: DayNumber.from(today)).compactMap { row in
            if let region, !region.matches(row.region) { return nil }
            return row.penalty
        }
    }
}
