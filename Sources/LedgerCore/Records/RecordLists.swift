import BackgroundIndex
import CreditRecords

/// Two lists for the web pages (issue 18; docs/web.md): an authority's own records (part 3)
/// and the public list of penalties in their publication period (公示, part 1). Both show a
/// record's public view only (docs/records.md "Who sees which field"): never a person, never
/// free text. A person's part is read elsewhere, on purpose and recorded.
extension Ledger {
    public struct ListedRecord: Sendable {
        public let seq: UInt64
        public let kind: RecordKind
        public let revoked: Bool
        public let decidedAt: LocalDate?
        /// What the log's leaf shows of the body (`KindSpec.leafView`): its public members and
        /// an organisation party's category, name and code; ID numbers removed besides.
        public let publicView: JSONObject
    }

    public static let recordListPage = 50

    /// The records of `principal`'s authority (an inspector's), newest first, filtered.
    public func authorityRecords(of principal: Principal, filter: BackgroundIndex.AuthorityFilter, before: UInt64?,
                                 limit: Int) throws(Refusal) -> (items: [ListedRecord], next: UInt64?) {
        guard let authority = principal.authority?.uscc else { throw Refusal.forbidden("Only an inspector's authority has records.") }
        do {
            try indexFeeder.catchUp(to: log.size)
            let page = index.records(ofAuthority: authority, filter: filter, before: before, limit: limit)
            let items = try page.items.map { item in
                ListedRecord(seq: item.seq, kind: item.kind, revoked: item.revoked, decidedAt: item.decidedAt,
                             publicView: try publicView(seq: item.seq))
            }
            return (items, page.next)
        } catch {
            throw logUnavailable(error)
        }
    }

    public struct PublishedPenaltyPage: Sendable {
        public let items: [(record: ListedRecord, uscc: String, institutionName: String?)]
        public let total: Int
        public let treeSize: UInt64
    }

    /// Penalties against institutions within their publication period, newest decision
    /// first, of institutions filed in `region` (any when nil); page `page` (from 0).
    public func publishedPenalties(region: RegionFilter?, page: Int, limit: Int) throws(Refusal) -> PublishedPenaltyPage {
        do {
            try indexFeeder.catchUp(to: log.size)
            let size = log.latestCheckpoint.checkpoint.size
            let all = index.publishedPenalties(region: region, today: LocalDate.today())
            let start = min(all.count, page * limit)
            let items: [(record: ListedRecord, uscc: String, institutionName: String?)] = try all[start..<min(all.count, start + limit)].map { p in
                let name = try p.filingSeq.flatMap { try envelopes.envelope(at: $0).body["institution"]?.objectValue?["name"]?.stringValue }
                return (record: ListedRecord(seq: p.seq, kind: .penalty, revoked: false, decidedAt: p.decidedAt, publicView: try publicView(seq: p.seq)),
                        uscc: p.uscc, institutionName: name)
            }
            return PublishedPenaltyPage(items: items, total: all.count, treeSize: size)
        } catch {
            throw logUnavailable(error)
        }
    }

    /// The envelope's body cut to what its leaf publishes (an organisation is no person, and
    /// the list must say which institution a penalty is against).
    func publicView(seq: UInt64) throws -> JSONObject {
        let envelope = try envelopes.envelope(at: seq)
        let view = KindSpec.of(envelope.kind).leafView(of: envelope.body)
        return Self.withoutIDNumbers(.object(view)).objectValue ?? JSONObject()
    }
}
