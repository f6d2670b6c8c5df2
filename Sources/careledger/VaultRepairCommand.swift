import ArgumentParser
import Foundation
import LedgerCore

extension VaultCommand {
    /// `careledger vault repair`: after a power loss, a vault whose `sealed` file has a broken
    /// frame followed by valid ones is cut at the break when the records log shows that no
    /// committed record needs what is cut (`VaultRepair`); otherwise it is left as it is.
    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "repair",
            abstract: "Cut frames a power loss left half-written in the vault, if no committed record needs them (the service stopped).",
            discussion: """
                Reads the records log, then opens the vault and, where `sealed` holds a broken frame followed by \
                valid ones, cuts it at the break only if every committed record's personal part lies before it and \
                none after it. Exit status 0: repaired or nothing to repair; 1: damage to acknowledged data, the \
                vault left as it is (docs/operations.md "Recovery after a crash").
                """
        )

        @Option(help: "The service's data directory.") var data = "./careledger-data"
        @OptionGroup var vault: VaultKeyOptions

        func run() throws {
            let report: VaultRepair.Report
            do {
                report = try VaultRepair.run(data: ServerDataDirectory(data), keys: vault.existingKeys(dataDirectory: data))
            } catch let refused as VaultRepair.Refused {
                printError("careledger: \(refused)")
                throw ExitCode(1)
            } catch {
                printError("careledger: \(error)")
                throw ExitCode(2)
            }
            let messages = report.recovery.messages
            for message in messages { print(message) }
            guard report.missing.isEmpty else {
                printError("careledger: the vault holds nothing for \(report.missing.count) of the \(report.committedSealed) committed sealed "
                    + "records (seqs \(report.missing.prefix(10).map(String.init).joined(separator: ", "))\(report.missing.count > 10 ? ", …" : "")): "
                    + "their personal parts are lost, and they would read as erased. Keep the data directory for investigation.")
                throw ExitCode(1)
            }
            print((messages.isEmpty ? "nothing to repair: " : "repaired: ")
                + "all \(report.committedSealed) committed sealed records have their personal part in the vault.")
        }
    }
}
