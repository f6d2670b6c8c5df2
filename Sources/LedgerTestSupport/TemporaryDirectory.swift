import Foundation

/// A fresh temporary directory, removed when the test's scope ends. `path` is a name inside
/// it that does not exist yet (a log or store creates it), so "nothing there" is testable.
public final class TemporaryDirectory {
    public let path: String
    /// The directory that exists (and is removed at the end); `path` is inside it.
    public let base: String

    public init(_ name: String = "log") {
        base = FileManager.default.temporaryDirectory.path + "/careledger-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base + "/" + name
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }
}
