import Synchronization

/// At most `burst` requests at once, refilled at `perSecond`.
public struct RateLimit: Sendable, Equatable {
    public var burst: Double
    public var perSecond: Double

    public init(burst: Double, perSecond: Double) {
        self.burst = burst
        self.perSecond = perSecond
    }
}

/// Token buckets keyed by a string (a principal's id, a client address): `take` answers from
/// memory, before any other work, so a flood costs a dictionary lookup per request.
package final class RateLimiter: Sendable {
    package typealias Limit = RateLimit

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    package let limit: Limit
    /// Above this many keys, full buckets (which say nothing a new bucket would not) are
    /// dropped, so a spray of client addresses cannot grow the map without bound.
    private let maxKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    package init(_ limit: Limit, maxKeys: Int = 100_000) {
        self.limit = limit
        self.maxKeys = maxKeys
    }

    /// Seconds since an arbitrary start, monotonic.
    package static func now() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private static let start = ContinuousClock.now

    /// Takes one token for `key`: nil when allowed, else whole seconds until one is there (≥ 1).
    package func take(_ key: String, now: Double = RateLimiter.now()) -> Int64? {
        buckets.withLock { buckets in
            var bucket = refilled(buckets[key], now: now)
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                if buckets.count >= maxKeys && buckets[key] == nil { prune(&buckets, now: now) }
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return retryAfter(bucket)
        }
    }

    /// Whether `key` has a token, without taking one: nil when it has, else seconds to wait.
    /// For limits charged only on failure (authentication), checked before the attempt.
    package func peek(_ key: String, now: Double = RateLimiter.now()) -> Int64? {
        buckets.withLock { buckets in
            let bucket = refilled(buckets[key], now: now)
            return bucket.tokens >= 1 ? nil : retryAfter(bucket)
        }
    }

    private func refilled(_ bucket: Bucket?, now: Double) -> Bucket {
        guard var bucket else { return Bucket(tokens: limit.burst, updated: now) }
        bucket.tokens = min(limit.burst, bucket.tokens + max(0, now - bucket.updated) * limit.perSecond)
        bucket.updated = now
        return bucket
    }

    private func retryAfter(_ bucket: Bucket) -> Int64 {
        guard limit.perSecond > 0 else { return 86400 }
        return max(1, Int64(((1 - bucket.tokens) / limit.perSecond).rounded(.up)))
    }

    private func prune(_ buckets: inout [String: Bucket], now: Double) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < limit.burst }
    }
}
