import Foundation

/// Why an export stopped. `alarm` is the one that matters most: the log no longer agrees
/// with what was exported before (or with its own signed checkpoint), so nothing is written
/// and the operator must investigate (docs/export.md). Messages never carry record data.
public enum ExportError: Error, CustomStringConvertible, Equatable {
    case alarm(String)
    case io(String, path: String, errno: Int32)
    case state(String)
    case source(String)
    case push(String)
    case invalidBatch(String)
    /// The run's settings do not fit (an unknown `--include` kind, or a spool made with
    /// other included kinds): retrying does not help, the operator must change the command.
    case configuration(String)

    public var description: String {
        switch self {
        case .alarm(let why): return "ALARM: \(why). The export stopped; nothing was written and the cursor did not move."
        case .io(let op, let path, let code): return "\(op) \(path): \(String(cString: strerror(code)))"
        case .state(let why): return "exporter state: \(why)"
        case .source(let why): return "source: \(why)"
        case .push(let why): return "push: \(why)"
        case .invalidBatch(let why): return "batch does not verify: \(why)"
        case .configuration(let why): return "configuration: \(why)"
        }
    }

    public var isAlarm: Bool { if case .alarm = self { return true } else { return false } }
    public var isConfiguration: Bool { if case .configuration = self { return true } else { return false } }
}
