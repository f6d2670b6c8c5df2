import ArgumentParser
import CreditExport
import CreditRecords
import Foundation

/// `careledger erase`: asks the service to erase personal data (POST /v1/erasures, admin).
struct Erase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase a person's personal data, or named records' personal parts (PIPL art. 47).",
        discussion: """
            Asks the service (POST /v1/erasures, an admin token) to destroy the personal data of \
            one person (--id-type and --id; - reads the number from standard input, keeping it \
            out of the process list) or of the records named by --seq, on a legal --basis. The \
            service refuses a person with a ban in force and records whose retention has not \
            ended (unless revoked as data_error), naming the rule. Exit status: 0 erased, 1 refused.
            """
    )

    @Option(help: "The service's base URL, e.g. https://ledger.example.org (http:// only to this machine).") var server: String
    @Option(name: .customLong("ca-file"), help: "PEM file of a private CA to trust for https://, beside the system's roots.")
    var caFile: String?
    @Option(name: .customLong("token-file"), help: "File holding the admin bearer token.") var tokenFile: String
    @Option(name: .customLong("id-type"), help: "resident_id, passport, hk_macau_permit, taiwan_permit or foreign_permanent_resident_id.")
    var idType: String = "resident_id"
    @Option(name: .customLong("id"), help: "The person's ID number; - reads it from standard input.") var id: String?
    @Option(name: .customLong("seq"), help: "A record's seq (repeat for several).") var seqs: [UInt64] = []
    @Option(help: "data_error, retention_expired, purpose_fulfilled or consent_withdrawn.") var basis: String
    @Option(name: .customLong("authority-file"), help: "JSON file {name, uscc, region} of the deciding authority (when the token's principal has none).")
    var authorityFile: String?
    @Option(name: .customLong("public-summary"), help: "A published summary (no personal data: it is scanned and refused if it holds any).") var publicSummary: String?

    func validate() throws {
        guard (id == nil) != seqs.isEmpty else { throw ValidationError("give --id or --seq, not both") }
        guard IdType(rawValue: idType) != nil else {
            throw ValidationError("--id-type must be one of \(IdType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ErasureBasis(rawValue: basis) != nil else {
            throw ValidationError("--basis must be one of \(ErasureBasis.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let reason = ServiceClient.refusal(url: server, option: "--server") { throw ValidationError(reason) }
    }

    func run() async throws {
        guard let tokenData = FileManager.default.contents(atPath: tokenFile) else { throw ValidationError("cannot read \(tokenFile)") }
        let token = String(decoding: tokenData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var request = JSONObject([("basis", .string(basis))])
        if let id {
            let number = id == "-" ? (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces) : id
            request["subject"] = .object(JSONObject([("idType", .string(idType)), ("idNumber", .string(number))]))
        } else {
            request["seqs"] = .array(seqs.map { .number(String($0)) })
        }
        if let authorityFile {
            guard let data = FileManager.default.contents(atPath: authorityFile),
                  let authority = try? JSONParser.parse(Array(data), maxDepth: 4).objectValue else {
                throw ValidationError("\(authorityFile) must hold a JSON object {name, uscc, region}")
            }
            request["authority"] = .object(authority)
        }
        if let publicSummary { request["publicSummary"] = .string(publicSummary) }
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        let client = try ServiceClient(caFile: caFile)
        let (status, body) = try await client.send("POST", url: base + "/v1/erasures",
                                                   headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")],
                                                   body: try CanonicalJSON.encode(.object(request)), timeoutSeconds: 60, limit: 1 << 20)
        guard status == 201, let receipt = try? JSONParser.parse(body, maxDepth: 16).objectValue else {
            FileHandle.standardError.write(Data((Check.describeFailure(status: status, body: body) + "\n").utf8))
            throw ExitCode(1)
        }
        print("erased; the erasure record is seq \(receipt["seq"]?.integerValue.map(String.init) ?? "?")")
    }
}
