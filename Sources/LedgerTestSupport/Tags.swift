import Testing

extension Tag {
    /// Suites that take more than about ten seconds (process kills, fault sweeps, exhaustive
    /// tree checks). `swift test` runs them; the README's `swift test --skip …` line leaves
    /// them out by name (Swift 6.3's `swift test` has no tag filter).
    @Tag public static var slow: Self
}
