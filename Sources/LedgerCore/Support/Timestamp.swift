import Glibc

/// RFC 3339 UTC timestamps with seconds precision ("2026-11-22T08:00:00Z"), the form
/// envelopes and principals carry.
package enum Timestamp {
    package static func now() -> String { format(epochSeconds: Int64(time(nil))) }

    package static func epochSeconds() -> Int64 { Int64(time(nil)) }

    package static func format(epochSeconds: Int64) -> String {
        var t = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}
