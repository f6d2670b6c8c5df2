#if canImport(Glibc)
import Glibc
#endif

/// Every connection holds a file descriptor, and the common default soft limit (1024) is
/// reached by a thousand idle or slow clients before the request deadlines (10 s) reclaim
/// them: the abuse run saw the service stop accepting. The hard limit is the administrator's
/// ceiling, so `serve` raises its soft limit to it at start, as Go's runtime and nginx's
/// `worker_rlimit_nofile` do (RELIABILITY.md, "HTTP abuse").
enum OpenFileLimit {
    /// (before, after); nil when the limit cannot be read.
    static func raiseToHard() -> (before: UInt64, after: UInt64)? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return (before, before) }
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (before, before) }
        return (before, UInt64(limit.rlim_cur))
    }
}
