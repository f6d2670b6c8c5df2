import ArgumentParser

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @Option(help: "The service's data directory.") var data = "./careledger-data"
    @Option(help: "Address to listen on.") var listen = "127.0.0.1:8080"
    @Option(help: "The log's origin (checkpoint and key name).") var origin = DataDirectory.defaultOrigin

    func run() async throws {
        // The HTTP service is the next piece of work (records, validation, routes). Until it
        // lands, say so plainly rather than pretend to serve.
        printError("careledger serve: the HTTP service is not built yet; the log commands work today: careledger log --help")
        throw ExitCode(2)
    }
}
