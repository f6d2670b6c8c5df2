import CChildSpawn
import Foundation
import Glibc
import Synchronization

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
    public static func run(_ binary: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> ChildOutcome {
        await (try ChildProcess.launch(binary, arguments, environment: environment)).exit()
    }

    public var status: Int32 {
        switch self {
        case .exited(let code), .killed(let code): return code
        }
    }
}

/// A child process started with posix_spawn. The tests use this instead of Foundation's
/// `Process`, whose `run()` on Linux crashes the test process now and then (it copies 256
/// bytes of every /proc/self/fd entry, reading past short ones: swift-corelibs-foundation
/// #5472, fixed after Swift 6.3.1; seen here in a CI run). Every descriptor but the three
/// standard ones is closed in the child, so none inherits a log's lock or a server socket.
public final class ChildProcess: Sendable {
    /// Where a standard stream goes: nowhere, this process's own, or a file (created or truncated).
    public enum Output: Sendable {
        case discard
        case inherit
        case file(String)
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let path: String
        public let code: Int32
        public var description: String { "cannot start \(path): \(String(cString: strerror(code)))" }
    }

    public let processIdentifier: pid_t
    /// How it ended, once reaped.
    private let ended = Mutex<ChildOutcome?>(nil)

    private init(pid: pid_t) { processIdentifier = pid }

    /// Starts `path` (an absolute path; `/usr/bin/env` finds a program on PATH) with `arguments`.
    public static func launch(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                              workingDirectory: String? = nil, output: Output = .discard, error: Output? = nil) throws -> ChildProcess {
        func open(_ target: Output, _ flags: Int32) throws -> Int32 {
            let fd: Int32
            switch target {
            case .discard: fd = Glibc.open("/dev/null", flags | O_CLOEXEC)
            case .inherit: fd = dup(flags == O_RDONLY ? 0 : 1)
            case .file(let file): fd = Glibc.open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            }
            guard fd >= 0 else { throw SpawnError(path: path, code: errno) }
            return fd
        }
        let input = try open(.discard, O_RDONLY)
        defer { close(input) }
        let out = try open(output, O_WRONLY)
        defer { close(out) }
        // The same file for both streams shares one descriptor, so their writes interleave.
        let err: Int32
        if error == nil, case .file = output { err = dup(out) } else { err = try open(error ?? output, O_WRONLY) }
        defer { close(err) }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }

        var pid: pid_t = 0
        let rc = argv.withUnsafeBufferPointer { argvBuffer in
            (envp ?? []).withUnsafeBufferPointer { envBuffer in
                careledger_child_spawn(&pid, path, argvBuffer.baseAddress, envp == nil ? nil : envBuffer.baseAddress,
                                       workingDirectory, input, out, err)
            }
        }
        guard rc == 0 else { throw SpawnError(path: path, code: rc) }
        return ChildProcess(pid: pid)
    }

    /// Sends `signal` (SIGKILL by default).
    public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(processIdentifier, signal) }

    /// Waits for the child to end without holding a thread of Swift's cooperative pool: the
    /// blocking `waitpid` runs on a Dispatch worker thread, which is not one of the pool's
    /// (one per core, two here). Tests that waited on the pool starved every other suite's
    /// async work for as long as their children ran, and a CI run timed out on it.
    public func exit() async -> ChildOutcome {
        if let outcome = ended.withLock({ $0 }) { return outcome }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.wait()) }
        }
    }

    /// Waits for the child to end, blocking the calling thread; later calls return the same
    /// outcome. From async code use `exit()`.
    public func wait() -> ChildOutcome {
        if let outcome = ended.withLock({ $0 }) { return outcome }
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(processIdentifier, &status, 0) } while reaped < 0 && errno == EINTR
        // `isRunning` on another thread may have reaped it first (ECHILD here): its outcome.
        if reaped < 0, let outcome = ended.withLock({ $0 }) { return outcome }
        let outcome = Self.outcome(status)
        ended.withLock { $0 = outcome }
        return outcome
    }

    /// Whether it still runs (reaps it without waiting when it has ended).
    public var isRunning: Bool {
        ended.withLock { ended in
            if ended != nil { return false }
            var status: Int32 = 0
            guard waitpid(processIdentifier, &status, WNOHANG) == processIdentifier else { return true }
            ended = Self.outcome(status)
            return false
        }
    }

    /// WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import (they are macros).
    private static func outcome(_ status: Int32) -> ChildOutcome {
        status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .killed(status & 0x7f)
    }

    /// Runs `path` to its end and returns its outcome with what it wrote to standard output
    /// and standard error (through temporary files, so a full pipe can never stall it).
    public static func capture(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                               workingDirectory: String? = nil) async throws -> (outcome: ChildOutcome, stdout: [UInt8], stderr: [UInt8]) {
        let base = NSTemporaryDirectory() + "careledger-child-\(UUID().uuidString)"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let child = try launch(path, arguments, environment: environment, workingDirectory: workingDirectory,
                               output: .file(base + ".out"), error: .file(base + ".err"))
        let outcome = await child.exit()
        let stdout = FileManager.default.contents(atPath: base + ".out").map(Array.init) ?? []
        let stderr = FileManager.default.contents(atPath: base + ".err").map(Array.init) ?? []
        return (outcome, stdout, stderr)
    }
}
