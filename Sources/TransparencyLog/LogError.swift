/// What can go wrong with a log, worded for the operator who reads it.
public enum LogError: Error, CustomStringConvertible, Equatable {
    case notALog(String)
    case alreadyExists(String)
    case locked(String)
    case entryTooLarge(size: Int, limit: Int)
    case seqOutOfRange(seq: UInt64, size: UInt64)
    case invalidArgument(String)
    case corrupt(String)
    case closed
    case unavailable(String)
    case full
    /// The batch held an entry appended under a fence older than the log's (`Options.fence`).
    case fenced(entry: UInt64, current: UInt64)

    public var description: String {
        switch self {
        case .notALog(let dir): return "\(dir) is not a log directory (no log.json); create it with 'careledger log init'"
        case .alreadyExists(let dir): return "\(dir) already holds a log"
        case .locked(let dir): return "\(dir) is in use by another writer (LOCK is held)"
        case .entryTooLarge(let size, let limit): return "entry is \(size) bytes; the limit is \(limit) bytes"
        case .seqOutOfRange(let seq, let size): return "seq \(seq) is not in the log (size \(size))"
        case .invalidArgument(let why): return why
        case .corrupt(let why): return "log is corrupt: \(why)"
        case .closed: return "log is closed"
        case .unavailable(let why): return "log is unavailable: \(why)"
        case .full: return "log is full"
        case .fenced(let entry, let current): return "an entry was prepared under fence \(entry), and the fence is now \(current): its batch was not committed"
        }
    }
}
