import CreditRecords

/// An institution's own check history (issue 18 part 2; docs/web.md): the checks made under
/// its USCC, by any of its principals, newest first, as the access log recorded them. An
/// access entry holds only a keyed hash of the person, so the history names no one: it shows
/// the institution's own consent reference, which leads to its own files.
extension Ledger {
    public struct CheckHistoryItem: Sendable, Equatable {
        public let accessSeq: UInt64
        public let checkId: String
        public let at: String
        public let principal: String
        public let purpose: String
        public let consentRef: String
        public let status: String
    }

    public static let checkHistoryPage = 50

    /// The checks of `principal`'s institution recorded before access-log seq `before`, at most
    /// `limit`, and where the next page starts. Only an institution principal has a history.
    public func checkHistory(of principal: Principal, before: UInt64?, limit: Int) throws(Refusal) -> (items: [CheckHistoryItem], next: UInt64?) {
        guard principal.role == .institution, let uscc = principal.institution?.uscc else {
            throw Refusal.forbidden("Only an institution has a check history.")
        }
        do {
            let page = try access.checks(institution: uscc, before: before, limit: limit)
            let items = page.entries.map { seq, entry in
                CheckHistoryItem(accessSeq: seq, checkId: entry.checkId, at: entry.at, principal: entry.principal, purpose: entry.purpose,
                                 consentRef: entry.consentRef, status: entry.status)
            }
            return (items, page.next)
        } catch {
            throw logUnavailable(error)
        }
    }
}
