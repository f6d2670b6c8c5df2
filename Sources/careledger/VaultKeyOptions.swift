import ArgumentParser
import CareLedgerServer
import Foundation
import PersonalVault

/// `--vault-key-file` for the commands that open a data directory's vault (`serve`, `demo`):
/// where the key-encryption key and the index keys live (docs/operations.md "Vault keys").
struct VaultKeyOptions: ParsableArguments {
    @Option(name: .customLong("vault-key-file"),
            help: ArgumentHelp("The vault key file, outside the data directory; created (0600) if missing.",
                               discussion: "Else $CARELEDGER_VAULT_KEY_FILE, else the file's content in $CARELEDGER_VAULT_KEY, "
                                   + "else careledger-vault.key beside the data directory (for demo: <data directory>-vault.key, "
                                   + "never a real directory's key)."))
    var vaultKeyFile: String?

    /// Loads the keys (creating the file on first use, whose notice `say` prints) and sets
    /// `configuration` to open the file vault at `<data directory>/vault` with them.
    func configure(_ configuration: inout ServerConfiguration, defaultPath: String,
                   say: (String) -> Void) throws {
        let source = VaultKeySource.resolve(flag: vaultKeyFile, environment: ProcessInfo.processInfo.environment, defaultPath: defaultPath)
        let loaded: VaultKeyFile.Loaded
        do { loaded = try VaultKeyFile.load(source, dataDirectory: configuration.dataDirectory) } catch {
            // A configuration refusal, not a usage error: the message and exit status 2.
            printError("careledger: \(error)")
            throw ExitCode(2)
        }
        if let notice = loaded.createdNotice { say(notice) }
        let keys = loaded.keys
        configuration.openVault = { data in
            try FileVault.open(directory: (data.hasSuffix("/") ? String(data.dropLast()) : data) + "/vault", keys: keys)
        }
    }
}

extension VaultKeyOptions {
    /// Whether the data directory has a vault, or a key file is named: a data directory from
    /// before sealed entries (or written by tools straight into the log) has neither, and its
    /// entries are all v1.
    func hasVault(dataDirectory data: String) -> Bool {
        let trimmed = data.hasSuffix("/") ? String(data.dropLast()) : data
        return vaultKeyFile != nil || FileManager.default.fileExists(atPath: trimmed + "/vault")
    }

    /// The file vault of an existing data directory, for the commands that read it (`index`,
    /// `export --data`): the key file must exist (a new one could not open the vault anyway).
    /// The vault takes a per-process lock, so these run while the service is stopped; beside a
    /// running service, export with `--server` or the service's schedule.
    /// `mapForReading`: the caller opens every record once (the export; FileVault.open).
    func openExistingVault(dataDirectory data: String, mapForReading: Bool = false) throws -> any PersonalVault {
        let trimmed = data.hasSuffix("/") ? String(data.dropLast()) : data
        do {
            return try FileVault.open(directory: trimmed + "/vault", keys: existingKeys(dataDirectory: data), mapForReading: mapForReading)
        } catch {
            printError("careledger: the personal-data vault of \(data) cannot be opened: \(error)")
            throw ExitCode(2)
        }
    }

    /// The keys of an existing vault: from the key file named or found as `serve` would find
    /// it, which must exist.
    func existingKeys(dataDirectory data: String) throws -> VaultKeys {
        let source = VaultKeySource.resolve(flag: vaultKeyFile, environment: ProcessInfo.processInfo.environment,
                                            defaultPath: VaultKeySource.defaultPath(besideDataDirectory: data))
        switch source {
        case .content: return try VaultKeyFile.load(source, dataDirectory: data).keys
        case .file(let path):
            try VaultKeyFile.refuseInside(path, dataDirectory: data)
            return try VaultKeyFile.read(path)
        }
    }
}

struct VaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Manage the personal-data vault's keys.",
        subcommands: [RotateIndexKey.self, RotateKEK.self, Repair.self]
    )

    struct RotateIndexKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-index-key",
            abstract: "Add a new index key to the vault key file; new pseudonyms are made with it.",
            discussion: """
                The older index keys stay in the file, so subjects filed under them are still found \
                (and erased). At the next start the background index rebuilds under the new key. \
                Stop the service first, and back up the key file again afterwards (apart from the data).
                """
        )

        @Option(name: .customLong("vault-key-file"), help: "The vault key file to add the index key to.")
        var vaultKeyFile: String

        func run() throws {
            do {
                let id = try VaultKeyFile.rotateIndexKey(at: vaultKeyFile)
                print("added index key \(id) to \(vaultKeyFile); the index rebuilds under it at the next start. "
                    + "Back up the key file again, apart from the data directory.")
            } catch {
                printError("careledger: \(error)")
                throw ExitCode(2)
            }
        }
    }
}
