import CreditExport
import Foundation
import LedgerCrypto
import TransparencyLog

// `careledger export --data <dir> --out <spool> [--push <url>] [--profile <name|path>]` as the crash tests need it,
// plus `--crash-at <step>`: the process SIGKILLs itself at that step (no cleanup, no
// buffered writes, as a power cut or OOM kill would leave it). The step hook lives here,
// not in the library, so production binaries have no crash switch.

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("export-crash-child: \(message)\n".utf8))
    exit(status)
}

var arguments = [String: String]()
var rest = CommandLine.arguments.dropFirst()
while let flag = rest.popFirst() {
    guard ["--data", "--out", "--push", "--crash-at", "--profile"].contains(flag), let value = rest.popFirst() else {
        fail("usage: export-crash-child --data <dir> --out <spool> [--push <url>] [--profile <name|path>] [--crash-at <step>]")
    }
    arguments[flag] = value
}
guard let data = arguments["--data"], let spool = arguments["--out"] else { fail("--data and --out are required") }

// The records log of a data directory, as `careledger export --data` finds it.
let logDirectory = data + "/records"
do {
    let source = try LogDirectorySource(logDirectory: logDirectory)
    guard let pem = FileManager.default.contents(atPath: logDirectory + "/signing-key.pem") else { fail("no signing key in \(logDirectory)") }
    let key = try Ed25519PrivateKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
    var target: BatchTarget?
    if let push = arguments["--push"] {
        guard let url = URL(string: push) else { fail("--push must be a URL") }
        target = try HTTPBatchTarget(base: url, token: nil)
    }
    var options = Exporter.Options(source: source, verifier: source.log.verifier, signingKey: key, spool: spool, target: target)
    // Without --profile: the library's default, csv-2.0.
    if let profile = arguments["--profile"] { options.profile = try ExportProfile.load(profile) }
    if let crashAt = arguments["--crash-at"] {
        options.stepHook = { step in if step == crashAt { kill(getpid(), SIGKILL) } }
    }
    _ = try await Exporter(options: options).run()
} catch let error as ExportError {
    fail("\(error)", status: error.isAlarm ? 3 : 1)
} catch {
    fail("\(error)", status: 1)
}
