import CreditRecords
import Foundation
import LedgerCore
import PersonalVault

// `careledger migrate --from OLD --to NEW --vault-key-file KEYS` as MigrationTests needs it,
// plus `--crash-at <step>` (created, copied, first-batch, appended, reported): the process
// SIGKILLs itself there, leaving what a power cut or an OOM kill would. The hook lives here,
// not in the command, so the production binary has no crash switch.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("migrate-crash-child: \(message)\n".utf8))
    exit(2)
}

var arguments = [String: String]()
var rest = CommandLine.arguments.dropFirst()
while let flag = rest.popFirst() {
    guard ["--from", "--to", "--vault-key-file", "--crash-at"].contains(flag), let value = rest.popFirst() else {
        fail("usage: migrate-crash-child --from OLD --to NEW --vault-key-file KEYS [--crash-at STEP]")
    }
    arguments[flag] = value
}
guard let from = arguments["--from"], let to = arguments["--to"], let keyFile = arguments["--vault-key-file"] else {
    fail("--from, --to and --vault-key-file are required")
}
do {
    let keys = try VaultKeyFile.load(.file(keyFile), dataDirectory: to).keys
    let authority = JSONObject([("name", "温州市瓯海区卫生健康局"), ("uscc", "113303040025997855"), ("region", "330304")])
    var options = LogMigration.Options(from: from, to: to, authority: authority,
                                       openVault: { data in try FileVault.open(directory: data + "/vault", keys: keys) })
    if let crashAt = arguments["--crash-at"] {
        options.stepHook = { step in if step == crashAt { kill(getpid(), SIGKILL) } }
    }
    _ = try await LogMigration(options: options).run()
} catch {
    fail("\(error)")
}
