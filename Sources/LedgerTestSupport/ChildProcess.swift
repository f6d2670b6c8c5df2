import Foundation

/// The package's own executables, for tests that run them as child processes.
public enum BuiltExecutable {
    /// SwiftPM puts every product of the package in one directory, the one holding the test
    /// binary (`/proc/self/exe`), and both `swift build --build-tests` and `swift test` build
    /// all products, so a sibling is always there and current. Runs from elsewhere fall back
    /// to `.build/debug` under the working directory.
    public static func path(_ name: String) -> String? {
        var candidates = [String]()
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)]) + "/" + name)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/" + name)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// How a child process ended.
public enum ChildOutcome: Equatable, Sendable {
    case exited(Int32)
    case killed(Int32)

    /// Runs `binary` with `arguments` to its end, output discarded.
    public static func run(_ binary: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ChildOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? .killed(process.terminationStatus) : .exited(process.terminationStatus)
    }
}
