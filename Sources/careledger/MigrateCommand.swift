import ArgumentParser
import CreditRecords
import DurableStorage
import Foundation
import LedgerCore
import PersonalVault

/// `careledger migrate --from OLD --to NEW`: a data directory from before sealed entries
/// becomes a new one with a new records log (docs/operations.md "Migrating a data directory").
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Make a new data directory with sealed entries from one written before them (the service stopped).",
        discussion: """
            OLD is only read: its logs are verified first, and it must not be in use. NEW gets a records log \
            with a new origin and key whose first record commits to OLD's last checkpoint, then every old record \
            sealed, at its old seq + 1; the access and principal logs, the principals, the server secret and the \
            export manifest key are copied. A run that stops midway leaves NEW with a MIGRATING file: delete NEW \
            and run again.
            """
    )

    @Option(help: "The old data directory (read only).") var from: String
    @Option(help: "The new data directory: must not exist, or be empty.") var to: String
    @Option(help: "The new records log's origin (default: the old one with -2, or the next number).") var origin: String?
    @Option(help: "The authority that runs the register and records the migration: its name.") var authorityName: String
    @Option(help: "…its unified social credit code (USCC).") var authorityUscc: String
    @Option(help: "…its region code (GB/T 2260, six digits).") var authorityRegion: String
    @Option(name: .customLong("vault-key-file"),
            help: ArgumentHelp("The new directory's vault key file, outside it; created (0600) if missing.",
                               discussion: "Else $CARELEDGER_VAULT_KEY_FILE, else $CARELEDGER_VAULT_KEY, else careledger-vault.key beside NEW."))
    var vaultKeyFile: String?
    @Option(name: .customLong("old-vault-key-file"),
            help: "OLD's vault key file, when a service with a vault appended sealed entries to OLD after the upgrade.")
    var oldVaultKeyFile: String?

    func run() async throws {
        PrivateDirectory.restrictUmask()
        let source = VaultKeySource.resolve(flag: vaultKeyFile, environment: ProcessInfo.processInfo.environment,
                                            defaultPath: VaultKeySource.defaultPath(besideDataDirectory: to))
        // The key file is checked now but made only once NEW is (a refused run creates nothing).
        var keyPath: String?
        do {
            switch source {
            case .file(let path):
                try VaultKeyFile.refuseInside(path, dataDirectory: to)
                if DurableFile.exists(path) { _ = try VaultKeyFile.read(path) } else { keyPath = path }
            case .content: _ = try VaultKeyFile.load(source, dataDirectory: to)
            }
        } catch {
            printError("careledger: \(error)")
            throw ExitCode(2)
        }
        var options = LogMigration.Options(
            from: from, to: to,
            authority: JSONObject([("name", .string(authorityName)), ("uscc", .string(authorityUscc)), ("region", .string(authorityRegion))]),
            openVault: { data in
                try FileVault.open(directory: data + "/vault", keys: VaultKeyFile.load(source, dataDirectory: data).keys)
            })
        options.origin = origin
        if let oldVaultKeyFile {
            let oldKeys: VaultKeys
            do { oldKeys = try VaultKeyFile.read(oldVaultKeyFile) } catch {
                printError("careledger: \(error)")
                throw ExitCode(2)
            }
            options.openOldVault = { data in try FileVault.open(directory: data + "/vault", keys: oldKeys) }
        }
        let report: MigrationReport
        do { report = try await LogMigration(options: options).run() } catch {
            printError("careledger migrate: \(error)")
            throw ExitCode(2)
        }
        print("migrated \(report.from.size) records from \(report.from.origin) (checkpoint size \(report.from.size), root \(report.from.rootHash))")
        print("into \(report.to.origin): \(report.to.size) entries (the migration record at seq 0, old seq n at n + \(report.seqOffset))")
        for (kind, count) in report.kinds.sorted(by: { $0.key < $1.key }) { print("  \(kind): \(count)") }
        print("sealed with a personal part in the vault: \(report.appended.sealed); erased in OLD (carried public-only): \(report.appended.erased); "
            + "seq references rewritten: \(report.appended.rewrittenReferences); "
            + "client signatures left out (their body changed): \(report.appended.droppedClientSignatures)")
        print("copied: \(report.copied.joined(separator: ", ")); the report is \(to)/\(LogMigration.reportFile)")
        print("new verifier key: \(report.to.verifierKey)")
        if let keyPath {
            print("created the vault key file \(keyPath) (mode 0600). Back it up now, APART from the data directory's backups "
                + "(docs/operations.md \"Vault keys\").")
        }
        print("Next: careledger verify --data \(to); announce the new origin and key beside the old; keep \(from) read-only and published; "
            + "start a new export spool (docs/operations.md \"Migrating a data directory\").")
    }
}
