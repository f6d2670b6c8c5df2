import ArgumentParser
import CareLedgerServer
import Foundation
import LedgerCore
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a realistic sample data set (Wenzhou institutions) through the append path, then serve it.",
        discussion: "Uses its own data directory by default, so it never mixes sample records into real ones."
    )

    @Option(help: "Data directory for the demo.") var data = "./careledger-demo"
    @Option(help: "Address to listen on, HOST:PORT.") var listen = "127.0.0.1:8080"
    @OptionGroup var vaultKeys: VaultKeyOptions

    func validate() throws {
        guard ServerConfiguration.parseListen(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080") }
        var transport = ServerConfiguration()
        transport.host = ServerConfiguration.parseListen(listen)!.host
        if let refusal = transport.transportRefusal() { throw ValidationError(refusal) }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = data
        (configuration.host, configuration.port) = ServerConfiguration.parseListen(listen)!
        func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        // Beside the demo's own data directory, never shared with a real one's key file.
        var trimmed = data
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        try vaultKeys.configure(&configuration, defaultPath: trimmed + "-vault.key", say: say)
        var logger = Logger(label: "careledger")
        logger.logLevel = .warning
        let server = try await LedgerServer.open(configuration: configuration, logger: logger)

        let started = ContinuousClock.now
        let load = try await server.ledger.loadDemo()
        let base = "http://\(listen)"
        if load.alreadyLoaded {
            say("\(data) already holds \(load.records) records; serving them (tokens are in \(data)/demo-tokens.txt).")
        } else {
            let elapsed = ContinuousClock.now - started
            say("loaded \(load.records) sample records in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))) into \(data)")
            var lines = ["# careledger demo tokens (shown once; keep this file private)"]
            for token in load.tokens { lines.append("\(token.id)\t\(token.role.rawValue)\t\(token.token)") }
            let tokenFile = data + "/demo-tokens.txt"
            guard FileManager.default.createFile(atPath: tokenFile, contents: Data((lines.joined(separator: "\n") + "\n").utf8),
                                           attributes: [.posixPermissions: 0o600]) else { throw ValidationError("cannot write \(tokenFile)") }
            let inspector = load.tokens.first { $0.id == "insp-ouhai-health" }!
            let auditor = load.tokens.first { $0.id == "auditor-demo" }!
            let institution = load.tokens.first { $0.id == "inst-demo" }!
            say("""

                tokens (also in \(tokenFile), mode 0600; the admin token is in \(data)/admin.token):
                  INSPECTOR=\(inspector.token)   # insp-ouhai-health, 温州市瓯海区卫生健康局
                  AUDITOR=\(auditor.token)   # auditor-demo
                  INSTITUTION=\(institution.token)   # inst-demo, a childcare centre's HR
                  (\(load.tokens.count - 3) more: one inspector per district bureau, an exporter)

                pages (in Chinese; docs/web.md):
                  anyone:
                    \(base)/                    search institutions by name, code or district (e.g. 330304)
                    \(base)/public/penalties    行政处罚公示
                    \(base)/public/closures     关停公示
                    \(base)/receipts            check a printed 查询回执 by its two numbers
                    \(base)/log                 verify the log
                  sign in at \(base)/signin with a token above:
                    INSTITUTION   /hr/check (从业人员查询, printable receipt), /hr/checks (本机构查询记录)
                    INSPECTOR     /records/new (录入记录), /records (本机关记录), /confirmations (待确认的终身禁入), /objections (异议)
                    admin.token   /admin/principals (账号管理: create, rotate, revoke; passwords for sign-in by id)
                  the person checked: an inspector issues a one-time code (POST /v1/subject-codes, docs/http.md),
                    then \(base)/me shows the person their records and who checked them

                try:
                  curl -s \(base)/log/checkpoint
                  curl -s -H "Authorization: Bearer $AUDITOR" '\(base)/v1/records?from=0&limit=3&purpose=audit'
                """)
            for (label, seq) in load.highlights {
                // Another bureau's record needs a case reference; the read is recorded (docs/http.md "Recorded reads").
                say("  curl -s -H \"Authorization: Bearer $INSPECTOR\" '\(base)/v1/records/\(seq)?purpose=case_review&caseRef=DEMO-2026-001'    # \(label)")
            }
            if let ban = load.highlights.first {
                say("  curl -s '\(base)/v1/log/proof/inclusion?seq=\(ban.seq)'")
            }
            say("  swift run careledger verify --data \(data)")
        }
        say("\nserving on \(base) (Ctrl-C to stop)")
        try await server.run()
    }
}
