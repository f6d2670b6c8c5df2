import Foundation
import LedgerTestSupport
import Testing

/// `serve` without `--checkpoint-witness` says once, on stderr, what it gives up (issue 17
/// part 7: the witness is opt-in, so its absence must not be silent).
@Suite struct ServeWitnessWarningTests {
    /// Starts `serve`, waits for its "serving" line, stops it; returns stdout and stderr.
    static func serve(_ arguments: [String], in directory: String) async throws -> (stdout: String, stderr: String) {
        let binary = try #require(BuiltExecutable.path("careledger"))
        let out = directory + "/serve.out", err = directory + "/serve.err"
        let child = try ChildProcess.launch(binary, ["serve", "--data", directory + "/data", "--listen", "127.0.0.1:0"] + arguments,
                                            output: .file(out), error: .file(err))
        func text(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        for _ in 0..<600 where !text(out).contains("serving the records log") && child.isRunning {
            try await Task.sleep(for: .milliseconds(100))
        }
        child.kill(SIGTERM)
        _ = await child.exit()
        #expect(text(out).contains("serving the records log"), "\(text(err))")
        return (text(out), text(err))
    }

    @Test func withoutAWitnessServeWarnsOnceOnStderr() async throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (stdout, stderr) = try await Self.serve([], in: directory)
        #expect(stderr.components(separatedBy: "no --checkpoint-witness").count == 2, "\(stderr)")
        #expect(stderr.contains("docs/operations.md"))
        #expect(!stdout.contains("checkpoint-witness"))

        let witnessed = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: witnessed) }
        let quiet = try await Self.serve(["--checkpoint-witness", directory + "/records.checkpoint"], in: witnessed)
        #expect(!quiet.stderr.contains("checkpoint-witness"), "\(quiet.stderr)")
    }
}
