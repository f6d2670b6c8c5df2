import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Splits per-item work that is pure (frame checks, leaf hashes, decoding) over the cores.
/// Everything with order or state stays sequential in the caller. `package`: the exporter
/// uses it too; it is not part of the log's public API.
package enum ParallelMap {
    package static let slices: Int = {
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, min(8, cores))
    }()

    /// `transform` over each item, in order.
    package static func map<T: Sendable, U: Sendable>(_ items: [T], _ transform: @Sendable (T) -> U) -> [U] {
        mapSlices(count: items.count) { range in range.map { transform(items[$0]) } }
    }

    /// Runs `transform` once per contiguous slice of `0..<count` (so a slice can keep its own
    /// scratch state, such as a hasher) and joins the slices' results in order. Each slice
    /// must return exactly one result per index of its range.
    package static func mapSlices<U: Sendable>(count: Int, minimum: Int = 64, _ transform: @Sendable (Range<Int>) -> [U]) -> [U] {
        let parts = forEachSlice(count: count, minimum: minimum, transform)
        guard parts.count > 1 else { return parts.first ?? [] }
        var out = [U]()
        out.reserveCapacity(count)
        for part in parts { out.append(contentsOf: part) }
        return out
    }

    /// Runs `body` once per contiguous slice of `0..<count` (`parts` of them, one per core by
    /// default), on every core when `count` is at least `minimum`; the slices' results in
    /// order (one slice below `minimum`).
    package static func forEachSlice<U: Sendable>(count: Int, minimum: Int = 64, parts wanted: Int = slices,
                                                  _ body: @Sendable (Range<Int>) -> U) -> [U] {
        guard count >= minimum, slices > 1, wanted > 1 else { return [body(0..<count)] }
        let parts = Parts<U>(count: wanted)
        let per = (count + wanted - 1) / wanted
        DispatchQueue.concurrentPerform(iterations: wanted) { slice in
            let start = min(count, slice * per), end = min(count, start + per)
            parts.set(slice, body(start..<end))
        }
        return parts.values()
    }

    /// Each slot is written by exactly one slice before `concurrentPerform` returns, so the
    /// unsynchronised writes never race.
    private final class Parts<U>: @unchecked Sendable {
        private var storage: [U?]
        init(count: Int) { storage = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: U) { storage.withUnsafeMutableBufferPointer { $0[i] = value } }
        func values() -> [U] { storage.map { $0! } }
    }
}
