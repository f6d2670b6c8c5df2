import ArgumentParser
import LedgerCore
import CreditExport
import CreditRecords
import Foundation
import LedgerCrypto
import TransparencyLog

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a background check on a person and verify the evidence in the answer.",
        discussion: """
            Asks the service (POST /v1/checks) and checks the answer's evidence: the signature of \
            the checkpoint it reflects, with the log's verifier key (--vkey or --vkey-file, from \
            `careledger log vkey` run by someone you trust), and each finding's inclusion proof \
            against that checkpoint. Without a key the answer is shown as unverified. With a key, \
            the largest checkpoint verified is remembered per log origin (--checkpoints) and every \
            later answer's checkpoint must be consistent with it (RFC 9162 consistency proof), so a \
            forked log is caught. "No findings" means none returned as of that checkpoint. \
            Exit status: 0 answered (and verified when a key was given), 1 no answer, \
            2 the evidence does not verify, or the log forked.
            """
    )

    @Option(help: "The service's base URL, e.g. https://ledger.example.org (http:// only to this machine).") var server: String
    @Option(name: .customLong("ca-file"), help: "PEM file of a private CA to trust for https://, beside the system's roots.")
    var caFile: String?
    @Option(name: .customLong("token-file"), help: "File holding the bearer token (institution, inspector or admin).") var tokenFile: String
    @Option(name: .customLong("id-type"), help: "resident_id, passport, hk_macau_permit, taiwan_permit or foreign_permanent_resident_id.")
    var idType: String = "resident_id"
    @Option(name: .customLong("id"), help: "The ID number; - reads it from standard input (keeps it out of the process list).") var id: String
    @Option(help: "The person's name as the candidate gave it.") var name: String
    @Option(help: "Why: hiring, annual_recheck or inspection (asked for at a terminal when missing).") var purpose: String?
    @Option(name: .customLong("consent-ref"), help: "Reference code of the candidate's written consent, [A-Za-z0-9._/-]{1,64} (asked for at a terminal when missing).")
    var consentRef: String?
    @Option(help: "The records log's verifier key string (C2SP signed-note form).") var vkey: String?
    @Option(name: .customLong("vkey-file"), help: "File holding the records log's verifier key string.") var vkeyFile: String?
    @Option(help: "Where the last verified checkpoint of each log is remembered (default: $XDG_STATE_HOME/careledger/checkpoints or ~/.local/state/careledger/checkpoints).")
    var checkpoints: String?
    @Flag(help: "Print the answer as JSON, with a `verification` member.") var json = false

    func validate() throws {
        guard IdType(rawValue: idType) != nil else {
            throw ValidationError("--id-type must be one of \(IdType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let purpose, CheckPurpose(rawValue: purpose) == nil {
            throw ValidationError("--purpose must be one of \(CheckPurpose.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard vkey == nil || vkeyFile == nil else { throw ValidationError("give --vkey or --vkey-file, not both") }
        if let reason = ServiceClient.refusal(url: server, option: "--server") { throw ValidationError(reason) }
    }

    func run() async throws {
        let verifier = try loadVerifier()
        guard let tokenData = FileManager.default.contents(atPath: tokenFile) else { throw ValidationError("cannot read \(tokenFile)") }
        let token = String(decoding: tokenData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let number = id == "-" ? (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces) : id
        let purpose = try self.purpose ?? ask("Purpose of the check (hiring, annual_recheck, inspection): ", option: "--purpose") {
            CheckPurpose(rawValue: $0) != nil
        }
        let consentRef = try self.consentRef ?? ask("Reference of the candidate's written consent: ", option: "--consent-ref") { !$0.isEmpty }

        let request: JSONValue = [
            "person": ["idType": .string(idType), "idNumber": .string(number), "name": .string(name)],
            "purpose": .string(purpose), "consentRef": .string(consentRef),
        ]
        let (status, body) = try await post(path: "/v1/checks", token: token, body: CanonicalJSON.encode(request))
        guard status == 200, let answer = try? JSONParser.parse(body, maxDepth: 64).objectValue else {
            printError(Self.describeFailure(status: status, body: body))
            throw ExitCode(1)
        }
        let verification = CheckEvidence.verify(answer, verifier: verifier)
        if verification.verified, let verifier, let note = answer["asOf"]?.objectValue?["checkpoint"]?.stringValue {
            try await rememberCheckpoint(note, verifier: verifier)
        }
        if json {
            var out = answer
            out["verification"] = Self.json(verification)
            print(String(decoding: try CanonicalJSON.encode(.object(out)), as: UTF8.self))
        } else {
            print(CheckEvidence.humanReport(answer, verification: verification))
        }
        if !verification.problems.isEmpty { throw ExitCode(2) }
    }

    /// The answer's checkpoint must be consistent with the one this client verified last for
    /// the log's origin; exit 2 on a fork.
    func rememberCheckpoint(_ note: String, verifier: NoteVerifier) async throws {
        let memory = CheckpointMemory(directory: checkpoints ?? Self.defaultCheckpointDirectory())
        let checkpoint = try Checkpoint.open(note: note, verifier: verifier)
        do {
            _ = try await memory.reconcile(note: note, checkpoint: checkpoint, verifier: verifier) { from, to in
                let (status, body) = try await get(path: "/v1/log/proof/consistency?from=\(from)&to=\(to)")
                guard status == 200, let items = try JSONParser.parse(body, maxDepth: 8).objectValue?["proof"]?.arrayValue else {
                    throw ValidationError("the service did not give a consistency proof from size \(from) to \(to) (\(status))")
                }
                return items.compactMap { $0.stringValue.flatMap(Digest32.init(base64:)) }
            }
        } catch let fork as CheckpointMemory.Fork {
            printError(fork.description)
            throw ExitCode(2)
        } catch let error as ValidationError {
            printError("the log's consistency could not be checked: \(error.message)")
            throw ExitCode(2)
        }
    }

    static func defaultCheckpointDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/careledger/checkpoints" }
        return (environment["HOME"] ?? ".") + "/.local/state/careledger/checkpoints"
    }

    func get(path: String) async throws -> (Int, [UInt8]) {
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        return try await ServiceClient(caFile: caFile).send("GET", url: base + path, headers: [], body: nil, timeoutSeconds: 30, limit: 1 << 20)
    }

    static func json(_ v: CheckEvidence.Verification) -> JSONValue {
        .object(JSONObject([
            ("verified", .bool(v.verified)), ("key", v.keyName.map(JSONValue.string) ?? .null),
            ("treeSize", v.treeSize.map { .number(String($0)) } ?? .null), ("findingsChecked", .number(String(v.findingsChecked))),
            ("problems", .array(v.problems.map(JSONValue.string))),
        ]))
    }

    /// A problem's title, detail and field errors (problems never carry personal data).
    static func describeFailure(status: Int, body: [UInt8]) -> String {
        guard let problem = try? JSONParser.parse(body, maxDepth: 16).objectValue else { return "the service answered \(status)" }
        var lines = ["the service answered \(status): \(problem["title"]?.stringValue ?? "") — \(problem["detail"]?.stringValue ?? "")"]
        for item in problem["errors"]?.arrayValue ?? [] {
            guard let item = item.objectValue else { continue }
            let at = item["pointer"]?.stringValue ?? item["parameter"]?.stringValue ?? ""
            lines.append("  \(at): \(item["message"]?.stringValue ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    func loadVerifier() throws -> NoteVerifier? {
        var text = vkey
        if let vkeyFile {
            guard let data = FileManager.default.contents(atPath: vkeyFile) else { throw ValidationError("cannot read \(vkeyFile)") }
            text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let text else { return nil }
        do { return try NoteVerifier(vkey: text) } catch {
            throw ValidationError("the verifier key is not a C2SP signed-note key string: \(error)")
        }
    }

    /// Asks at a terminal; refuses (naming the option) when standard input is not one.
    func ask(_ prompt: String, option: String, valid: (String) -> Bool) throws -> String {
        guard isatty(0) == 1 else { throw ValidationError("\(option) is required") }
        for _ in 0..<3 {
            FileHandle.standardError.write(Data(prompt.utf8))
            guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) else { break }
            if valid(line) { return line }
        }
        throw ValidationError("\(option) is required")
    }

    func post(path: String, token: String, body: [UInt8]) async throws -> (Int, [UInt8]) {
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        let client = try ServiceClient(caFile: caFile)
        return try await client.send("POST", url: base + path, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")],
                                     body: body, timeoutSeconds: 30, limit: 16 << 20)
    }
}
