import CreditExport
import CreditRecords
import Foundation
import LedgerCrypto
import Testing
import TransparencyLog

/// Records for the export tests: the project's valid examples (schemas/examples/valid),
/// appended to a fresh log as the service would store them.
enum ExportFixtures {
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func example(_ name: String) -> JSONValue {
        let data = FileManager.default.contents(atPath: repository + "/schemas/examples/valid/\(name).json")!
        return try! JSONParser.parse(Array(data))
    }

    static let authority: JSONValue = ["name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855", "region": "330304"]

    static func revocation(target: UInt64, n: Int = 1) -> JSONValue {
        ["kind": "revocation", "body": ["target": .number(String(target)), "reason": "data_error", "decisionNo": .string("瓯卫撤〔2026〕\(n)号"),
                                        "decidedAt": "2026-09-01", "authority": authority]]
    }

    static func creditRepair(target: UInt64, n: Int = 1) -> JSONValue {
        ["kind": "credit_repair", "body": ["target": .number(String(target)), "decisionNo": .string("瓯卫修〔2026〕\(n)号"),
                                           "decidedAt": "2026-10-01", "authority": authority]]
    }

    /// An example with its body edited (a variant the examples do not hold).
    static func variant(_ name: String, _ edit: (inout JSONObject) -> Void) -> JSONValue {
        var document = example(name).objectValue!
        var body = document["body"]!.objectValue!
        edit(&body)
        document["body"] = .object(body)
        return .object(document)
    }

    static func entry(_ document: JSONValue) -> [UInt8] {
        let object = document.objectValue!
        let envelope = Envelope(kind: RecordKind(rawValue: object["kind"]!.stringValue!)!, body: object["body"]!.objectValue!,
                                submittedAt: "2026-11-23T00:00:00Z", submittedBy: Submitter(principal: "test", authority: nil), clientSignature: nil)
        return try! envelope.canonicalBytes()
    }

    static func record(_ document: JSONValue) -> Record {
        let object = document.objectValue!
        return try! Record(kind: RecordKind(rawValue: object["kind"]!.stringValue!)!, validated: object["body"]!.objectValue!)
    }

    /// The ID numbers the examples carry.
    static let idNumbers = ["330302199003150044", "330303199506302827", "330381199211083443", "11010519491231002X"]

    /// Every exportable example, one of each non-exported kind, and the examples' mix of
    /// parties: seqs 0…11.
    static let mixedNames = ["penalty-organization", "penalty-person", "penalty-individual-business", "penalty-foreign-person",
                             "ban-lifetime", "ban-until-manager", "inspection-pass", "inspection-rectification", "enforcement-seal",
                             "judgment-practice-ban", "institution_filing-filed", "annual_review-fail"]
    static var mixed: [[UInt8]] { mixedNames.map { entry(example($0)) } }
}

/// A temporary log (records log of a data directory: `<root>/data/records`) and spool.
final class TestLog: Sendable {
    let root: String
    let key = Ed25519PrivateKey()
    let origin = "careledger.test/records"
    var logDirectory: String { root + "/data/records" }
    var spool: String { root + "/spool" }

    init() throws {
        root = FileManager.default.temporaryDirectory.path + "/export-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        try TransparencyLog.create(directory: logDirectory, origin: origin, signingKey: key)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var verifier: NoteVerifier { try! NoteVerifier(name: origin, publicKey: key.publicKey) }

    @discardableResult
    func append(_ entries: [[UInt8]]) async throws -> UInt64 {
        let log = try TransparencyLog.open(directory: logDirectory)
        let receipts = try await log.append(contentsOf: entries)
        try await log.close()
        return receipts.first?.seq ?? 0
    }

    func exporter(spool: String? = nil, target: BatchTarget? = nil, pushAttempts: Int = 8, mapping: MappingOptions = MappingOptions(),
                  profile: ExportProfile? = nil, io: StorageIO = PosixIO()) throws -> Exporter {
        var options = Exporter.Options(source: try LogDirectorySource(logDirectory: logDirectory), verifier: verifier, signingKey: key,
                                       spool: spool ?? self.spool, target: target)
        if let profile { options.profile = profile }
        options.mapping = mapping
        options.pushAttempts = pushAttempts
        options.pushBaseDelay = .milliseconds(5)
        options.io = io
        return try Exporter(options: options)
    }

    func export(spool: String? = nil) async throws -> Exporter.Report {
        try await exporter(spool: spool).run()
    }

    func batches(spool: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool ?? self.spool)) ?? []).filter { !$0.hasPrefix(".") && $0 != ExportState.fileName }.sorted()
    }

    func file(_ batch: String, _ name: String, spool: String? = nil) -> [UInt8] {
        Array(FileManager.default.contents(atPath: (spool ?? self.spool) + "/" + batch + "/" + name) ?? Data())
    }

    /// The JSON Lines of a family file, parsed.
    func rows(_ batch: String, _ family: ExportFamily, spool: String? = nil) -> [JSONObject] {
        let bytes = file(batch, "\(family.rawValue).jsonl", spool: spool)
        return bytes.split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
    }
}

/// The built `careledger` for the tests that run it as a child process, and their scratch
/// directories.
enum CareLedgerCommand {
    /// The binary beside the test binary; nil, with the issue recorded, when it is not built
    /// (the test then returns).
    static func binary() -> String? {
        guard let path = ExactlyOnceCrashTests.careledger else {
            Issue.record("careledger is not built next to the test binary; run 'swift build --build-tests' first")
            return nil
        }
        return path
    }

    /// A new empty directory `<tmp>/<prefix>-<uuid>` for one test; the test removes it.
    static func scratch(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/" + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
