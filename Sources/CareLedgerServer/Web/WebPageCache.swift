import Synchronization

/// Rendered page bodies (the part inside the layout) of public pages that depend only on the
/// log and the day: an institution's page reads every record about it back from the log, and
/// under load the same few are asked for again and again (issue 18 "Figures"). An entry holds
/// for one tree size and one day (publication periods end at midnight); any append makes the
/// whole cache stale, so nothing outlives the records it was rendered from. The pages hold
/// public fields only, so sharing them between callers shows nobody anything new.
final class WebPageCache: Sendable {
    struct Page: Sendable {
        let title: String
        let content: String
    }

    private struct State {
        var treeSize: UInt64 = 0
        var day = ""
        var pages: [String: Page] = [:]
    }

    /// Bounded: about 2,000 institution pages of ~10 KB.
    static let capacity = 2_000

    private let state = Mutex(State())

    func page(_ key: String, treeSize: UInt64, day: String) -> Page? {
        state.withLock { s in s.treeSize == treeSize && s.day == day ? s.pages[key] : nil }
    }

    func store(_ page: Page, for key: String, treeSize: UInt64, day: String) {
        state.withLock { s in
            if s.treeSize != treeSize || s.day != day {
                // Older entries describe an older log (or day): drop them all.
                guard treeSize >= s.treeSize else { return }
                s = State(treeSize: treeSize, day: day, pages: [:])
            }
            if s.pages.count >= Self.capacity { s.pages.removeAll(keepingCapacity: true) }
            s.pages[key] = page
        }
    }
}
