import ArgumentParser
import DurableStorage
import Foundation
import LedgerCrypto
import PersonalVault

extension VaultCommand {
    /// `careledger vault rotate-kek`: re-wraps every data key under a new key-encryption key
    /// (docs/operations.md "Key rotation"). The crash-safe order is `FileVault.rotateKEK`'s.
    struct RotateKEK: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-kek",
            abstract: "Re-wrap every subject's data key under a new key-encryption key (the service stopped).",
            discussion: """
                Writes NEW (0600) with a new KEK and the old index keys, then replaces the vault's keys \
                file with the re-wrapped one in one atomic rename: until then OLD opens the vault, after it \
                only NEW does. Erased subjects stay erased. A run interrupted after the rename says so when \
                run again. Afterwards start the service with NEW, back NEW up apart from the data, then destroy OLD.
                """
        )

        @Option(help: "The service's data directory (its vault is <data>/vault).") var data = "./careledger-data"
        @Option(name: .customLong("vault-key-file"), help: "The vault key file in use now.") var vaultKeyFile: String
        @Option(name: .customLong("new-key-file"), help: "Where to write the new key file (must not exist, or hold the new keys of an interrupted run).")
        var newKeyFile: String

        func run() throws {
            do {
                for path in [vaultKeyFile, newKeyFile] { try VaultKeyFile.refuseInside(path, dataDirectory: data) }
                let old = try VaultKeyFile.read(vaultKeyFile)
                // An interrupted run left NEW behind: its keys are the ones to finish with.
                let new = try DurableFile.exists(newKeyFile)
                    ? VaultKeyFile.read(newKeyFile)
                    : VaultKeys(kek: SecureRandom.bytes(32), indexKeys: old.indexKeys)
                let vault = (data.hasSuffix("/") ? String(data.dropLast()) : data) + "/vault"
                let done = try FileVault.rotateKEK(directory: vault, from: old, to: new, newKeyFile: newKeyFile)
                if done.alreadyRotated {
                    print("the vault at \(vault) is already under the key-encryption key of \(newKeyFile) (an earlier run finished its rename); "
                        + "\(done.rewrapped) data keys open with it.")
                } else {
                    print("re-wrapped \(done.rewrapped) data keys under the new key-encryption key in \(newKeyFile); "
                        + "\(done.erased) erased subjects stay erased.")
                }
                print("Start the service with --vault-key-file \(newKeyFile). Back it up now, apart from the data directory's backups; "
                    + "then destroy \(vaultKeyFile) and its backups: it no longer opens this vault, but it opens any backup of the vault taken before.")
            } catch {
                printError("careledger: \(error)")
                throw ExitCode(2)
            }
        }
    }
}
