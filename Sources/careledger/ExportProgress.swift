import Foundation
import Synchronization

/// Progress of a long export on stderr — only at a terminal, never in a pipe or a cron
/// mail. Counts only: no record content, so no ID number can leak through it.
final class ProgressMeter: Sendable {
    private struct State { var started = Date(); var last = Date.distantPast }
    private let state = Mutex(State())

    static func forTerminal() -> (@Sendable (UInt64, UInt64) -> Void)? {
        guard isatty(2) == 1 else { return nil }
        let meter = ProgressMeter()
        return { done, total in meter.report(done: done, total: total) }
    }

    static func clearLine() {
        if isatty(2) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func report(done: UInt64, total: UInt64) {
        let line: String? = state.withLock { s in
            let now = Date()
            guard now.timeIntervalSince(s.last) >= 0.5 || done == total else { return nil }
            s.last = now
            let rate = Double(done) / max(now.timeIntervalSince(s.started), 0.001)
            return String(format: "\rexport: %llu/%llu records, %.0f records/s, %llu left\u{1B}[K", done, total, rate, total - done)
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
