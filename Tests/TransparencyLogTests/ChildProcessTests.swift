import Glibc
import LedgerTestSupport
import Testing

/// The tests' child launcher: a child gets the three standard descriptors and nothing else
/// (an inherited descriptor could hold a log's lock after the test closed it).
@Suite struct ChildProcessTests {
    @Test func aChildInheritsOnlyTheStandardDescriptors() throws {
        let fd = open("/dev/null", O_RDONLY)   // deliberately without O_CLOEXEC
        #expect(fd > 2)
        defer { close(fd) }
        let run = try ChildProcess.capture("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(run.outcome == .exited(0))
        let open = String(decoding: run.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        #expect(Set(open).isSuperset(of: [0, 1, 2]))
        #expect(!open.contains(fd))
    }

    @Test func exitStatusSignalAndWorkingDirectoryAreReported() throws {
        #expect(try ChildProcess.capture("/bin/sh", ["-c", "exit 7"]).outcome == .exited(7))
        let sleeper = try ChildProcess.launch("/bin/sleep", ["30"])
        #expect(sleeper.isRunning)
        sleeper.kill(SIGKILL)
        #expect(sleeper.wait() == .killed(SIGKILL))
        #expect(!sleeper.isRunning)
        let pwd = try ChildProcess.capture("/bin/pwd", [], workingDirectory: "/tmp")
        #expect(String(decoding: pwd.stdout, as: UTF8.self) == "/tmp\n")
        let env = try ChildProcess.capture("/usr/bin/env", [], environment: ["ONLY": "this"])
        #expect(String(decoding: env.stdout, as: UTF8.self) == "ONLY=this\n")
    }
}
