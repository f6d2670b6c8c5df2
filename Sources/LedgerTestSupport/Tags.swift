import Testing

extension Tag {
    /// Suites that take more than about ten seconds (process kills, fault sweeps, exhaustive
    /// tree checks). `swift test` runs them; `swift test --skip tag:slow` leaves them out.
    @Tag public static var slow: Self
}
