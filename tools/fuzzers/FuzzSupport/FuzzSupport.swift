import Foundation

/// What every fuzz target shares: the invariant check, and the plain build's replayer that
/// runs the target's one-input check over files (a corpus, a crash kept as a regression).
/// The libFuzzer entry point stays in each target: it must call that target's `fuzzOne`.

/// Stops the run when an invariant breaks. Messages name the rule only, never the input
/// (it may hold an ID number).
public func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(what())") }
}

/// Runs `fuzzOne` on each file named on the command line.
public func replayFiles(_ name: String, _ fuzzOne: ([UInt8]) -> Void) {
    for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
        fuzzOne(Array(data))
    }
    print("\(name): \(CommandLine.arguments.count - 1) input(s) checked")
}
