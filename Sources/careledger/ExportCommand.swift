import ArgumentParser
import DurableStorage
import CreditExport
import Foundation
import LedgerCrypto
import LedgerCore
import PersonalVault
import CreditRecords
import TransparencyLog

/// `careledger export`: one run of the periodic export (for cron), and `verify-batch`. The
/// run is the default subcommand, so `careledger export --data DIR` works; the parent holds
/// no options, so `verify-batch … --vkey` is not taken by the run's own `--vkey`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export batches in the national credit platform's format, and verify them.",
        subcommands: [ExportRun.self, VerifyBatch.self, FeedbackCommand.self],
        defaultSubcommand: ExportRun.self
    )
}

struct ExportRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Export the next batch to the national credit platform's format (spool directory or HTTP push).",
        discussion: """
            Reads the records log from a data directory (read-only, with the service stopped: its \
            vault is opened too) or from a running service with an exporter token, verifies it against the log's key and \
            the checkpoint exported last, and writes one batch covering everything up to the latest \
            signed checkpoint. Exit status 3 is an alarm: the log is not consistent with what was \
            exported before (see docs/export.md).
            """
    )

    @Option(help: "The service's data directory (read-only; its vault is opened too, so with the service stopped).") var data: String?
    @OptionGroup var vaultKeys: VaultKeyOptions
    @Option(help: "Read from a running service instead, e.g. https://ledger.example.org (http:// only to this machine).") var server: String?
    @Option(name: .customLong("ca-file"), help: "PEM file of a private CA to trust for --server's https://, beside the system's roots.")
    var caFile: String?
    @Option(name: .customLong("token-file"), help: "File holding an exporter (or auditor, admin) token, for --server.") var tokenFile: String?
    @Option(help: "The spool directory: batches and the cursor.") var out = "./careledger-export"
    @Option(help: "Push batches to PUT URL/<batchId>/<file> after building them in the spool.") var push: String?
    @Option(name: .customLong("push-token-file"), help: "Bearer token for --push.") var pushTokenFile: String?
    @Option(name: .customLong("push-ca-file"), help: "PEM file of a private CA to trust for --push's https://, beside the system's roots.")
    var pushCAFile: String?
    @Option(name: .customLong("repush-from"), help: "With --push: push again every batch holding this seq or later.") var repushFrom: UInt64?
    @Option(help: "The log's verifier key (string or file). Default: the data directory's own key.") var vkey: String?
    @Flag(help: "Run every entry through the full record validator (slower), e.g. after the validation rules changed.") var revalidate = false
    @Option(name: .customLong("signing-key"), help: "The export's manifest key (PEM), not the log's checkpoint key. Default: the data directory's export-signing-key.pem.")
    var signingKey: String?
    @Option(name: .customLong("include"), parsing: .singleValue,
            help: ArgumentHelp("Also export these kinds, comma-separated: judgment, institution_filing, annual_review (families sfpj, djba, ndsh).",
                               discussion: "A spool keeps the setting of its first batch; a run with another one is refused (docs/export.md)."))
    var include: [String] = []
    @Option(help: ArgumentHelp("The target profile: a shipped one (national-2.0, national-2.0-split, csv-2.0) or a profile file.",
                               discussion: "Default: the spool's own profile, or national-2.0 for a new spool. A spool keeps one profile (docs/export.md)."))
    var profile: String?

    func validate() throws {
        guard (data == nil) != (server == nil) || (data == nil && server == nil) else { throw ValidationError("give --data or --server, not both") }
        if server != nil {
            guard tokenFile != nil else { throw ValidationError("--server needs --token-file") }
            guard vkey != nil, signingKey != nil else { throw ValidationError("--server needs --vkey and --signing-key") }
            if let reason = ServiceClient.refusal(url: server!, option: "--server") { throw ValidationError(reason) }
        }
        if caFile != nil && server == nil { throw ValidationError("--ca-file goes with --server") }
        if repushFrom != nil && push == nil { throw ValidationError("--repush-from needs --push") }
        if let push, let reason = ServiceClient.refusal(url: push, option: "--push", caOption: "--push-ca-file") { throw ValidationError(reason) }
        if pushTokenFile != nil && push == nil { throw ValidationError("--push-token-file goes with --push") }
        if pushCAFile != nil && push == nil { throw ValidationError("--push-ca-file goes with --push") }
        if let pushCAFile, !FileManager.default.isReadableFile(atPath: pushCAFile) { throw ValidationError("cannot read --push-ca-file \(pushCAFile)") }
        _ = try Self.mappingOptions(include, flag: "--include")
        if let profile { _ = try Self.loadProfile(profile, flag: "--profile") }
    }

    /// A profile by name or path; a bad one is a usage error naming the flag and the key.
    static func loadProfile(_ nameOrPath: String, flag: String) throws -> ExportProfile {
        do { return try ExportProfile.load(nameOrPath) } catch let error as ExportError {
            guard case .configuration(let why) = error else { throw error }
            throw ValidationError("\(flag) \(nameOrPath): \(why)")
        }
    }

    /// Without `--profile`: the spool's own (a shipped one, by name), else national-2.0.
    static func resolveProfile(_ given: String?, spool: String, flag: String) throws -> ExportProfile {
        if let given { return try loadProfile(given, flag: flag) }
        guard let state = try? ExportState.load(directory: spool) else { return ExportProfile.builtin(ExportProfile.defaultName)! }
        guard let identity = state.profile else { return ExportProfile.builtin("csv-2.0")! }
        guard let shipped = ExportProfile.builtin(identity.name), shipped.sha256 == identity.sha256 else {
            throw ValidationError("the spool \(spool) was exported with profile \(identity.name) from a file: give it with \(flag) PATH")
        }
        return shipped
    }

    /// `--include` values as `MappingOptions`; an unknown kind is a usage error naming the flag.
    static func mappingOptions(_ values: [String], flag: String) throws -> MappingOptions {
        do { return try MappingOptions.parse(values, flag: flag) } catch let error as ExportError {
            guard case .configuration(let why) = error else { throw error }
            throw ValidationError(why)
        }
    }

    func run() async throws {
        PrivateDirectory.restrictUmask()
        do {
            let exporter = try makeExporter(progress: ProgressMeter.forTerminal())
            let report = try await exporter.run()
            ProgressMeter.clearLine()
            if let built = report.built, let counts = report.counts {
                let families = counts.families.sorted { $0.key < $1.key }.map { "\($0.key) +\($0.value.added)/-\($0.value.withdrawn)" }
                print("batch \(built): \(counts.records) records; \(families.joined(separator: ", ")); \(counts.rejects) rejects; \(counts.notExported) not exported")
            } else {
                print("nothing new to export")
            }
            for pushed in report.pushed { print("pushed \(pushed)") }
        } catch let error as ExportError {
            ProgressMeter.clearLine()
            printError(error.description)
            throw ExitCode(error.isAlarm ? 3 : error.isConfiguration ? 2 : 1)
        }
    }

    func makeExporter(progress: (@Sendable (UInt64, UInt64) -> Void)?) throws -> Exporter {
        let source: ExportSource
        var logDirectory: String?
        let open: @Sendable ([UInt8]) throws -> [UInt8]
        if let server {
            let token = try Self.readFile(tokenFile!, what: "--token-file").trimmingCharacters(in: .whitespacesAndNewlines)
            let serverSource = ServerSource(base: server, token: token, client: try ServiceClient(caFile: caFile))
            source = serverSource
            open = { serverSource.open($0) }
        } else {
            let dir = DataDirectory.logDirectory(data: data ?? "./careledger-data", log: .records)
            logDirectory = dir
            source = try LogDirectorySource(logDirectory: dir)
            let directory = data ?? "./careledger-data"
            open = vaultKeys.hasVault(dataDirectory: directory) ? Self.vaultOpener(try vaultKeys.openExistingVault(dataDirectory: directory, mapForReading: true))
                                                                : Self.withoutVault
        }
        let verifier: NoteVerifier
        if let vkey {
            verifier = try Self.loadVerifier(vkey)
        } else {
            verifier = (source as! LogDirectorySource).log.verifier
        }
        // The export's own key; a data directory from before it existed falls back to the log's.
        let exportKey = (data ?? "./careledger-data") + "/export-signing-key.pem"
        let pemPath = signingKey ?? (FileManager.default.fileExists(atPath: exportKey) ? exportKey : logDirectory! + "/signing-key.pem")
        let key: Ed25519PrivateKey
        do { key = try Ed25519PrivateKey(pemRepresentation: try Self.readFile(pemPath, what: "the signing key")) } catch {
            throw ValidationError("cannot read the log's signing key \(pemPath): \(error)")
        }
        var target: BatchTarget?
        if let push {
            guard let url = URL(string: push), ServiceClient.refusal(url: push, option: "--push") == nil else { throw ValidationError("--push must be an https:// URL") }
            let token = try pushTokenFile.map { try Self.readFile($0, what: "--push-token-file").trimmingCharacters(in: .whitespacesAndNewlines) }
            target = try HTTPBatchTarget(base: url, token: token, caFile: pushCAFile)
        }
        var options = Exporter.Options(source: source, verifier: verifier, signingKey: key, spool: out, target: target, progress: progress)
        options.repushFrom = repushFrom
        options.revalidate = revalidate
        options.open = open
        options.mapping = try Self.mappingOptions(include, flag: "--include")
        options.profile = try Self.resolveProfile(profile, spool: out, flag: "--profile")
        return try Exporter(options: options)
    }

    /// A data directory without a vault holds v1 entries only; a sealed one there means the
    /// vault is missing (not restored?), so the run stops and marks nothing rather than
    /// rejecting the record as erased for good.
    static let withoutVault: @Sendable ([UInt8]) throws -> [UInt8] = { entry in
        guard SealedEnvelope.commitment(of: entry) == nil else {
            throw ExportError.configuration("a sealed record but no vault in the data directory: restore its vault/ (and name its key file with --vault-key-file)")
        }
        return entry
    }

    /// Sealed entries opened through the data directory's file vault.
    static func vaultOpener(_ vault: any PersonalVault) -> @Sendable ([UInt8]) throws -> [UInt8] {
        let sealed = SealedEntries(vault: vault)
        return { try sealed.open($0) }
    }

    static func readFile(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(what) \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A vkey string, or a file holding one.
    static func loadVerifier(_ text: String) throws -> NoteVerifier {
        var text = text
        if FileManager.default.fileExists(atPath: text) { text = try readFile(text, what: "--vkey") }
        do { return try NoteVerifier(vkey: text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
            throw ValidationError("--vkey is not a C2SP signed-note verifier key: \(error)")
        }
    }
}

struct VerifyBatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-batch",
        abstract: "Check a batch directory: manifest signature, signed checkpoint, file hashes and row counts."
    )
    @Argument(help: "The batch directory.") var directory: String
    @Option(help: "The log's verifier key (string or file), as `careledger log vkey` prints it.") var vkey: String
    @Option(name: .customLong("manifest-key"),
            help: "The export's manifest key: base64 of the raw 32-byte Ed25519 public key (printed when the data directory was created). Without it, the log's key (batches from before the split).")
    var manifestKey: String?

    func run() async throws {
        let verifier = try ExportRun.loadVerifier(vkey)
        var key: Ed25519PublicKey?
        if let manifestKey {
            var text = manifestKey
            if FileManager.default.fileExists(atPath: text) { text = try ExportRun.readFile(text, what: "--manifest-key") }
            guard let raw = Base64.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32,
                  let parsed = try? Ed25519PublicKey(rawRepresentation: raw) else {
                throw ValidationError("--manifest-key must be the base64 of a raw 32-byte Ed25519 public key")
            }
            key = parsed
        }
        do {
            let manifest = try BatchVerifier.verify(directory: directory, verifier: verifier, manifestKey: key)
            print("batch \(manifest.batchId) verifies: seqs \(manifest.range.from)..<\(manifest.range.to), \(manifest.files.count) files, checkpoint of size \(manifest.range.to) signed by \(verifier.name)")
        } catch let error as ExportError {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

/// `careledger export feedback BATCH --file REJECTED.csv`: a platform's rejection file read
/// back by the batch's profile (its `feedback` columns), each rejected row traced to its
/// record through the batch's sidecar (docs/export.md "Profiles").
struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Trace a platform's rejection file to records: writes <spool>/feedback/<batch>.jsonl (rejects lines, code platform:<code>)."
    )
    @Argument(help: "The batch directory the platform refused rows of.") var directory: String
    @Option(help: "The platform's rejection file (CSV with the columns the profile's feedback names).") var file: String

    func run() async throws {
        PrivateDirectory.restrictUmask()
        do {
            let result = try PlatformFeedback.apply(batchDirectory: directory, rejectionFile: file)
            print("\(result.matched) rejected rows traced to records, \(result.unmatched) not in the batch; written to \(result.output)")
        } catch let error as ExportError {
            printError(error.description)
            throw ExitCode(error.isConfiguration ? 2 : 1)
        }
    }
}
