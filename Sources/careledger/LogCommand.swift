import ArgumentParser
import Foundation
import LedgerCrypto
import TransparencyLog

struct LogOptions: ParsableArguments {
    @Option(help: "The service's data directory.") var data = "./careledger-data"
    @Option(help: "Which log: records, access or principal-log.") var log: LogName = .records

    var directory: String { DataDirectory.logDirectory(data: data, log: log) }
}

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Operate on a log directly. checkpoint, vkey, get, proof and verify only read, and work while the service runs.",
        subcommands: [Init.self, Append.self, Get.self, CheckpointCommand.self, VKey.self, Proof.self, LogVerify.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty log with a new signing key.")
        @OptionGroup var options: LogOptions
        @Option(help: "Origin line of its checkpoints (also the key name).") var origin: String?

        func run() async throws {
            let origin = origin ?? (options.log == .records ? DataDirectory.defaultOrigin : "careledger.local/access")
            let verifier = try TransparencyLog.create(directory: options.directory, origin: origin)
            print("created \(options.directory)")
            print("verifier key: \(verifier.vkey)")
        }
    }

    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append a file's bytes as one entry; prints the receipt.")
        @OptionGroup var options: LogOptions
        @Option(help: "The file whose bytes become the entry (- for standard input).") var file: String

        func run() async throws {
            let bytes: [UInt8]
            if file == "-" {
                bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            } else {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                bytes = Array(data)
            }
            let log = try TransparencyLog.open(directory: options.directory)
            do {
                let receipt = try await log.append(bytes)
                try await log.close()
                try printJSON(AppendOutput(seq: receipt.seq, leafHash: receipt.leafHash.base64))
            } catch {
                try? await log.close()
                throw error
            }
        }

        struct AppendOutput: Encodable { let seq: UInt64; let leafHash: String }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the entry at a seq to standard output, byte for byte.")
        @OptionGroup var options: LogOptions
        @Option(help: "The entry's seq (leaf index, from 0).") var seq: UInt64

        func run() async throws {
            let log = try TransparencyLog.openReadOnly(directory: options.directory)
            FileHandle.standardOutput.write(Data(try log.entry(at: seq)))
        }
    }

    struct CheckpointCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Print the latest signed checkpoint.")
        @OptionGroup var options: LogOptions

        func run() async throws {
            let log = try TransparencyLog.openReadOnly(directory: options.directory)
            print(log.latestCheckpoint.note, terminator: "")
        }
    }

    struct VKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "vkey", abstract: "Print the log's verifier key (C2SP signed-note form).")
        @OptionGroup var options: LogOptions

        func run() async throws {
            let log = try TransparencyLog.openReadOnly(directory: options.directory)
            print(log.verifier.vkey)
        }
    }

    struct LogVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Re-derive the log from its entries; exit 1 naming the first bad seq, file and offset.")
        @OptionGroup var options: LogOptions
        @Option(help: SignatureOption.help) var signatures: SignatureOption = .every

        func run() async throws {
            guard try verifyLog(directory: options.directory, signatures: signatures.check) else { throw ExitCode(1) }
        }
    }
}

/// `--signatures`: which checkpoint signatures a verify checks (docs/log-format.md, "What a
/// full verify proves").
enum SignatureOption: String, ExpressibleByArgument, CaseIterable {
    case every, latest

    static let help: ArgumentHelp = "every: verify every checkpoint's signature (a full verify). latest: only the latest checkpoint's; the others must still name the log's key and the root their entries give."
    var check: SignatureCheck { self == .every ? .every : .latest }
}

/// Prints the verification of one log; false when it does not verify.
func verifyLog(directory: String, signatures: SignatureCheck = .every) throws -> Bool {
    let started = ContinuousClock.now
    let report = LogVerifier.verify(directory: directory, signatures: signatures)
    let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
    for warning in report.warnings { printError("warning: \(warning)") }
    if let first = report.firstProblem {
        printError("\(directory): FAILED: \(first)")
        if report.problems.count > 1 { printError("(\(report.problems.count - 1) more problems)") }
        return false
    }
    let megabytes = Double(report.segmentBytes) / 1_000_000
    let which = signatures == .every ? "" : " (\(report.signaturesVerified) signatures verified: the latest and the published checkpoint's)"
    print(String(format: "%@: OK: %llu entries, %llu checkpoints%@, %.1f MB in %.2f s (%.0f MB/s)",
                 directory, report.entries, report.checkpoints, which, megabytes, seconds, seconds > 0 ? megabytes / seconds : 0))
    return true
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify every log in the data directory.")
    @Option(help: "The service's data directory.") var data = "./careledger-data"
    @Option(help: SignatureOption.help) var signatures: SignatureOption = .every

    func run() async throws {
        var ok = true
        var found = false
        for name in LogName.allCases {
            let directory = DataDirectory.logDirectory(data: data, log: name)
            guard FileManager.default.fileExists(atPath: directory + "/log.json") else { continue }
            found = true
            ok = try verifyLog(directory: directory, signatures: signatures.check) && ok
        }
        guard found else { throw ValidationError("\(data) holds no log (looked for records/ and access/)") }
        if !ok { throw ExitCode(1) }
    }
}
