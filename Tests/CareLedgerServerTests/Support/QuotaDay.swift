import CreditRecords
@testable import LedgerCore

/// Quotas count per China Standard Time day (`AccessLedger.cstDay`), so a test that fills a
/// quota and then expects refusals sees a fresh quota if CST midnight (16:00 UTC) falls inside
/// it; CI met exactly that once. Such a test first calls this: with fewer than five minutes
/// (far more than the tests take) left of the CST day, it waits until the next day begins.
enum QuotaDay {
    static func awayFromMidnight() async throws {
        let left = AccessLedger.secondsToCSTMidnight(Timestamp.epochSeconds())
        if left < 300 { try await Task.sleep(for: .seconds(left + 1)) }
    }
}
