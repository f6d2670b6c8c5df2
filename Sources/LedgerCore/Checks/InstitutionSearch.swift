import BackgroundIndex
import CreditRecords
import Synchronization

/// Finding institutions by (part of) their filed name, for the public search page (issue 18):
/// the same allow-listed rows as the public list, never a person. A code is looked up directly
/// by the caller (`institution(uscc:)`); this is for names.
extension Ledger {
    public struct InstitutionMatch: Sendable, Equatable {
        public let uscc: String
        public let name: String
        public let region: String?
        public let status: InstitutionStatus
    }

    public static let maxSearchResults = 50

    /// Institutions whose current filing's name contains `text` (after trimming white space),
    /// optionally in `region`, in USCC order, at most `limit`; `more` when others matched too.
    /// An empty name with a region lists the region's filed institutions (a parent looking for
    /// care near home knows the district, not a name); an empty name alone matches nothing.
    /// Names come from the filings once and are then kept in memory (public data, one string
    /// per filing), so a search costs one pass over the index's institutions.
    public func searchInstitutions(name text: String, region: RegionFilter?, limit: Int = maxSearchResults)
        throws(Refusal) -> (matches: [InstitutionMatch], more: Bool) {
        let needle = text.trimmingWhiteSpace()
        guard !needle.isEmpty || region != nil else { return ([], false) }
        var matches: [InstitutionMatch] = []
        do {
            try indexFeeder.catchUp(to: log.size)
            let all = index.institutions(status: nil, region: region, after: nil, limit: Int.max, today: LocalDate.today()).items
            for item in all {
                guard let seq = item.filingSeq, let name = try institutionNames.name(filing: seq, source: envelopes),
                      needle.isEmpty || name.contains(needle) else { continue }
                if matches.count == limit { return (matches, true) }
                matches.append(InstitutionMatch(uscc: item.uscc, name: name, region: item.region, status: item.status))
            }
        } catch {
            throw logUnavailable(error)
        }
        return (matches, false)
    }
}

/// Filed names by the filing's seq: a filing never changes, so an entry read once stays right.
package final class InstitutionNameCache: Sendable {
    private let names = Mutex<[UInt64: String]>([:])

    package init() {}

    func name(filing seq: UInt64, source: LogEnvelopeSource) throws -> String? {
        if let known = names.withLock({ $0[seq] }) { return known }
        guard let name = try source.envelope(at: seq).body["institution"]?.objectValue?["name"]?.stringValue else { return nil }
        names.withLock { $0[seq] = name }
        return name
    }
}

extension String {
    /// Without leading and trailing white space (ASCII and U+3000, as typed in a search box or
    /// a web form).
    public func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex { !$0.properties.isWhitespace }!
        return String(scalars[first...last])
    }
}
