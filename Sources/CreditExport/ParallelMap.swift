import Foundation

/// Decoding and mapping are pure per entry and most of an export's CPU, so a chunk of
/// entries is split over the cores; everything with order or state (the frontier, marks,
/// withdrawals, the files) stays sequential in the caller.
enum ParallelMap {
    static let slices = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    static func map<T: Sendable, U: Sendable>(_ items: [T], _ transform: @Sendable (T) -> U) -> [U] {
        guard items.count >= 64, slices > 1 else { return items.map(transform) }
        let results = Results<U>(count: items.count)
        let per = (items.count + slices - 1) / slices
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let start = slice * per, end = min(items.count, start + per)
            guard start < end else { return }
            for i in start..<end { results.set(i, transform(items[i])) }
        }
        return results.values()
    }

    /// Each index is written by exactly one slice before `concurrentPerform` returns, so the
    /// unsynchronised writes never race.
    private final class Results<U>: @unchecked Sendable {
        private var storage: [U?]
        init(count: Int) { storage = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: U) { storage.withUnsafeMutableBufferPointer { $0[i] = value } }
        func values() -> [U] { storage.map { $0! } }
    }
}
