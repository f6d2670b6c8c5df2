import ArgumentParser
import BackgroundIndex
import LedgerCore
import PersonalVault
import Foundation
import TransparencyLog

struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "The background index's snapshot (<data>/index.snapshot).",
        subcommands: [Rebuild.self, Stats.self]
    )

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the index from the whole records log and write a fresh snapshot (the service must be stopped).")
        @Option(help: "The service's data directory.") var data = "./careledger-data"
        @OptionGroup var vaultKeys: VaultKeyOptions

        func run() async throws {
            let paths = ServerDataDirectory(data)
            let log: TransparencyLog
            do {
                // Opening for writing takes the log's lock: a running service holds it.
                log = try TransparencyLog.open(directory: paths.records)
            } catch LogError.locked(_) {
                throw ValidationError("the service is running on \(data); stop it first (it rebuilds a bad snapshot by itself at start)")
            }
            do {
                let started = ContinuousClock.now
                // The people are in the vault: the index is rebuilt from the opened records.
                let vault: any PersonalVault = vaultKeys.hasVault(dataDirectory: data) ? try vaultKeys.openExistingVault(dataDirectory: data) : MemoryVault()
                let index = try IndexSnapshots.rebuild(log: log, vault: vault)
                try IndexSnapshots.write(index, log: log, path: paths.indexSnapshot)
                try await log.close()
                print("rebuilt the index from \(log.size) entries in \(ContinuousClock.now - started); wrote \(paths.indexSnapshot)")
                IndexCommand.printStats(index.stats)
            } catch {
                try? await log.close()
                throw error
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether the snapshot is usable, and what the index holds (opens the vault: run it while the service is stopped).")
        @Option(help: "The service's data directory.") var data = "./careledger-data"
        @OptionGroup var vaultKeys: VaultKeyOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let paths = ServerDataDirectory(data)
            let log = try TransparencyLog.openReadOnly(directory: paths.records)
            let loaded = try IndexSnapshots.load(log: log, path: paths.indexSnapshot, vault: vaultKeys.hasVault(dataDirectory: data) ? try vaultKeys.openExistingVault(dataDirectory: data) : MemoryVault())
            let stats = loaded.index.stats
            if json {
                struct Output: Encodable {
                    let logSize: UInt64, snapshotUsable: Bool, snapshotProblem: String?, snapshotSize: UInt64?, tailReplayed: UInt64
                    let entries: UInt64, people: Int, institutions: Int, records: Int
                }
                try printJSON(Output(logSize: log.size, snapshotUsable: loaded.problem == nil, snapshotProblem: loaded.problem,
                                     snapshotSize: loaded.problem == nil ? loaded.size - loaded.replayed : nil, tailReplayed: loaded.replayed,
                                     entries: stats.entries, people: stats.people, institutions: stats.institutions, records: stats.records))
                return
            }
            print("records log: \(log.size) entries")
            if let problem = loaded.problem {
                print("snapshot: not usable (\(problem)); the service rebuilds the index at start")
            } else {
                print("snapshot: covers \(loaded.size - loaded.replayed) entries; \(loaded.replayed) more to replay")
            }
            IndexCommand.printStats(stats)
        }
    }

    static func printStats(_ stats: BackgroundIndex.Stats) {
        print("index: \(stats.entries) entries applied, \(stats.people) people, \(stats.institutions) institutions, \(stats.records) records")
    }
}
