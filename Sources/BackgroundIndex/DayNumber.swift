import CreditRecords

/// Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian), so the index
/// keeps a date in 4 bytes and compares dates as integers. `Int32.max` stands for "never ends"
/// (a lifetime ban) and `Int32.min` for "no such date".
enum DayNumber {
    static let never: Int32 = .max
    static let none: Int32 = .min

    /// H. Hinnant's days_from_civil.
    @inline(__always)
    static func from(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146097 + doe - 719468)
    }

    static func from(_ date: LocalDate) -> Int32 { from(year: date.year, month: date.month, day: date.day) }

    /// The same calendar date `years` later (29 February → 28 February), as a day number —
    /// the rule of `LocalDate.adding(years:)`.
    @inline(__always)
    static func adding(years: Int, toYear year: Int, month: Int, day: Int) -> Int32 {
        let y = year + years
        return from(year: y, month: month, day: min(day, LocalDate.days(in: month, of: y)))
    }

    /// H. Hinnant's civil_from_days; nil for the sentinels.
    static func date(_ n: Int32) -> LocalDate? {
        guard n != never, n != none else { return nil }
        let z = Int(n) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return LocalDate(year: y, month: m, day: d)
    }

    /// Parses exactly `YYYY-MM-DD` (a real day) into (year, month, day).
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Int, Int, Int)? {
        guard count == 10, p[4] == 0x2D, p[7] == 0x2D else { return nil }
        var bad: UInt8 = 0
        @inline(__always) func digits(_ from: Int, _ to: Int) -> Int {
            var n = 0
            for i in from..<to {
                let c = p[i] &- 0x30
                bad |= c > 9 ? 1 : 0
                n = n * 10 + Int(c)
            }
            return n
        }
        let y = digits(0, 4), m = digits(5, 7), d = digits(8, 10)
        guard bad == 0, y >= 1, m >= 1, m <= 12, d >= 1, d <= LocalDate.days(in: m, of: y) else { return nil }
        return (y, m, d)
    }

    static func parse(_ text: String) -> (Int, Int, Int)? {
        var text = text
        return text.withUTF8 { parse($0.baseAddress!, $0.count) }
    }
}
