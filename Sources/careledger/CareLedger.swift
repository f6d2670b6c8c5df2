import ArgumentParser

@main
struct CareLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "careledger",
        abstract: "Credit and blacklist records of childcare institutions and their staff, in a tamper-evident log.",
        subcommands: [Serve.self, Demo.self, Sign.self, LogCommand.self, VerifyCommand.self, Check.self, Erase.self, IndexCommand.self, ExportCommand.self, VaultCommand.self, MigrateCommand.self]
    )
}
