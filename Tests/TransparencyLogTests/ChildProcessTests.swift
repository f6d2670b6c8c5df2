import Foundation
import Glibc
import LedgerTestSupport
import Testing

/// The tests' child launcher: a child gets the three standard descriptors and nothing else
/// (an inherited descriptor could hold a log's lock after the test closed it).
@Suite struct ChildProcessTests {
    @Test func aChildInheritsOnlyTheStandardDescriptors() async throws {
        let fd = open("/dev/null", O_RDONLY)   // deliberately without O_CLOEXEC
        #expect(fd > 2)
        defer { close(fd) }
        let run = try await ChildProcess.capture("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(run.outcome == .exited(0))
        let open = String(decoding: run.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        #expect(Set(open).isSuperset(of: [0, 1, 2]))
        #expect(!open.contains(fd))
    }

    @Test func exitStatusSignalAndWorkingDirectoryAreReported() async throws {
        #expect(try await ChildProcess.capture("/bin/sh", ["-c", "exit 7"]).outcome == .exited(7))
        let sleeper = try ChildProcess.launch("/bin/sleep", ["30"])
        #expect(sleeper.isRunning)
        sleeper.kill(SIGKILL)
        #expect(await sleeper.exit() == .killed(SIGKILL))
        #expect(sleeper.wait() == .killed(SIGKILL))
        #expect(!sleeper.isRunning)
        let pwd = try await ChildProcess.capture("/bin/pwd", [], workingDirectory: "/tmp")
        #expect(String(decoding: pwd.stdout, as: UTF8.self) == "/tmp\n")
        let env = try await ChildProcess.capture("/usr/bin/env", [], environment: ["ONLY": "this"])
        #expect(String(decoding: env.stdout, as: UTF8.self) == "ONLY=this\n")
    }

    /// More children awaited at once than the cooperative pool has threads: if `exit()` held a
    /// pool thread while it waits, the task that kills them could not run until the children
    /// ended on their own ten minutes later, exited with 0, not killed. (A time limit would not
    /// help: it needs a pool thread too.) Ten minutes, not one: in the full suite CPU-bound
    /// tests hold the pool for a minute or more, and the killer waits for them too (a CI run
    /// saw 85 s with a one-minute child).
    @Test func awaitingExitsLeavesThePoolFree() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let sleepers = try (0..<count).map { _ in try ChildProcess.launch("/bin/sleep", ["600"]) }
        defer { for sleeper in sleepers { sleeper.kill(SIGKILL) } }
        let outcomes = await withTaskGroup(of: ChildOutcome?.self) { group in
            for sleeper in sleepers { group.addTask { await sleeper.exit() } }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(200))   // let the waiters start first
                for sleeper in sleepers { sleeper.kill(SIGKILL) }
                return nil
            }
            var outcomes: [ChildOutcome] = []
            for await outcome in group { if let outcome { outcomes.append(outcome) } }
            return outcomes
        }
        #expect(outcomes == Array(repeating: .killed(SIGKILL), count: count))
    }
}
