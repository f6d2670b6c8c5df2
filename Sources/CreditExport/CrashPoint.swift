import Foundation

/// Test hook for the crash tests: when `CARELEDGER_EXPORT_CRASH_AT` names a step, the
/// process SIGKILLs itself there (no cleanup, no buffered writes, as a power cut or OOM kill
/// would leave it). Off unless the variable is set.
public enum CrashPoint {
    static let target: String? = ProcessInfo.processInfo.environment["CARELEDGER_EXPORT_CRASH_AT"]

    public static func hit(_ step: String) {
        guard let target, target == step else { return }
        kill(getpid(), SIGKILL)
    }
}
