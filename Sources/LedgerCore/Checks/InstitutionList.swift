import BackgroundIndex
import CreditRecords
import TransparencyLog

/// The public list of institutions by status and region (docs/background-index.md
/// "Institution status"; docs/http.md). Every row is allow-listed: the code, the filed name
/// and region, the status and the seqs behind it — never a person's name or number (a legal
/// representative stays in the single disclosure), never a record's free text.
extension Ledger {
    public static let defaultInstitutionPage = 50
    public static let maxInstitutionPage = 200

    /// `{institutions: [{uscc, name, region, status, statusRecords}], next, asOf}`; `next` is the
    /// `after` of the following page, null on the last.
    public func institutions(status: InstitutionStatus?, region: RegionFilter?, after: String?, limit: Int) throws(Refusal) -> JSONValue {
        let page: (items: [InstitutionListing], next: String?)
        let checkpoint: SignedCheckpoint
        var rows: [JSONValue] = []
        do {
            try indexFeeder.catchUp(to: log.size)
            page = index.institutions(status: status, region: region, after: after, limit: limit, today: LocalDate.today())
            checkpoint = log.latestCheckpoint
            for item in page.items {
                // The filed name only: an organisation's name, read from its current filing.
                var name: JSONValue = .null
                if let seq = item.filingSeq, let filed = try envelopes.envelope(at: seq).body["institution"]?.objectValue?["name"] {
                    name = filed
                }
                rows.append(.object(JSONObject([
                    ("uscc", .string(item.uscc)), ("name", name), ("region", item.region.map(JSONValue.string) ?? .null),
                    ("status", .string(item.status.rawValue)), ("statusRecords", .array(item.statusRecords.map { .uint($0) })),
                ])))
            }
        } catch {
            throw logUnavailable(error)
        }
        return .object(JSONObject([
            ("institutions", .array(rows)),
            ("next", page.next.map(JSONValue.string) ?? .null),
            ("asOf", .object(JSONObject([("treeSize", .uint(checkpoint.checkpoint.size)), ("checkpoint", .string(checkpoint.note))]))),
        ]))
    }
}
