import CreditRecords
import LedgerCrypto
import TransparencyLog

/// The service's data directory:
///
/// | path | what |
/// |---|---|
/// | `records/` | the records log (TransparencyLog) |
/// | `access/` | the access log: one entry per background check (TransparencyLog, its own key) |
/// | `index.snapshot` | the background index as of a tree size (rebuilt from the log when unusable) |
/// | `export-signing-key.pem` | the key that signs export manifests (not the log's key), mode 0600 |
/// | `server-secret` | 32 random bytes, mode 0600, the key of the service's HMACs |
/// | `principals.json` | principals and their token hashes, mode 0600 |
/// | `principal-log/` | every create, rotate and revoke of a principal (TransparencyLog, its own key) |
/// | `admin.token` | the first admin's token, mode 0600, written once |
/// | `idempotency.jsonl` | remembered Idempotency-Key answers |
/// | `subject-codes.json` | issued subject codes, keyed hashes only (Subjects/SubjectCodes.swift) |
/// | `objections.json` | objections and their state, texts in the vault (Subjects/Objections.swift) |
public struct ServerDataDirectory: Sendable {
    public let root: String

    public init(_ root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    public var records: String { root + "/records" }
    public var access: String { root + "/access" }
    public var indexSnapshot: String { root + "/index.snapshot" }
    public var serverSecret: String { root + "/server-secret" }
    public var principals: String { root + "/principals.json" }
    public var principalLog: String { root + "/principal-log" }
    /// The key that signs export manifests, apart from the records log's checkpoint key.
    public var exportSigningKey: String { root + "/export-signing-key.pem" }
    public var adminToken: String { root + "/admin.token" }
    public var idempotency: String { root + "/idempotency.jsonl" }

    public static let adminId = "admin"
    package static let secretLength = 32

    /// What the first start created, worded for the operator (never a token).
    public struct Report: Sendable {
        public var messages: [String] = []
        public var createdLog = false
        public var createdAccessLog = false
        public var createdSecret = false
        public var createdAdmin = false
    }

    /// Creates whatever is missing: the directory (0700), the records log with `origin`, the
    /// server secret and the principal store with an admin whose token goes to `admin.token`.
    /// Existing pieces are left alone, so this runs on every start.
    ///
    /// A directory that group or others can read (it, or an entry directly in it) is refused
    /// with `NotPrivate`, whose message names the `chmod` to run (docs/operations.md "File
    /// permissions"); what this creates is 0700 (directories) and 0600 (files).
    public func bootstrap(origin: String, tokenLifetimeSeconds: Int64 = LedgerConfiguration().tokenLifetimeSeconds) throws -> Report {
        var report = Report()
        try PrivateDirectory.create(root)
        if let why = PrivateDirectory.exposure(of: root, what: "data directory") { throw NotPrivate(message: why) }
        // The logs' own directories, before TransparencyLog makes them as intermediates.
        try DurableFile.makeDirectory(records, mode: 0o700)
        try DurableFile.makeDirectory(access, mode: 0o700)
        try DurableFile.makeDirectory(principalLog, mode: 0o700)

        if !DurableFile.exists(records + "/log.json") {
            let verifier = try TransparencyLog.create(directory: records, origin: origin)
            report.createdLog = true
            report.messages.append("created the records log in \(records) (origin \(origin))")
            report.messages.append("verifier key: \(verifier.vkey)")
        }

        if !DurableFile.exists(access + "/log.json") {
            // Named after the records log as it is (its origin may predate --origin).
            let accessOrigin = Self.accessOrigin(recordsOrigin: Self.origin(ofLog: records) ?? origin)
            let verifier = try TransparencyLog.create(directory: access, origin: accessOrigin)
            report.createdAccessLog = true
            report.messages.append("created the access log in \(access) (origin \(accessOrigin))")
            report.messages.append("access log verifier key: \(verifier.vkey)")
        }

        if !DurableFile.exists(principalLog + "/log.json") {
            let logOrigin = Self.siblingOrigin(recordsOrigin: Self.origin(ofLog: records) ?? origin, name: "principals")
            let verifier = try TransparencyLog.create(directory: principalLog, origin: logOrigin)
            report.messages.append("created the principal log in \(principalLog) (origin \(logOrigin))")
            report.messages.append("principal log verifier key: \(verifier.vkey)")
        }

        let exportKey = Ed25519PrivateKey()
        if try DurableFile.createExclusive(exportSigningKey, with: Array(exportKey.pemRepresentation.utf8), mode: 0o600) {
            report.messages.append("created the export manifest key in \(exportSigningKey) (mode 0600)")
            report.messages.append("export manifest key (verify-batch --manifest-key): \(Base64.encode(exportKey.publicKey.rawRepresentation))")
        }

        if try DurableFile.createExclusive(serverSecret, with: SecureRandom.bytes(Self.secretLength), mode: 0o600) {
            report.createdSecret = true
            report.messages.append("created the server secret in \(serverSecret) (mode 0600)")
        }

        if !DurableFile.exists(principals) {
            // The token file first: a crash between the two leaves a token nobody holds,
            // and the next start makes a new admin and overwrites it.
            let token = BearerToken.generate()
            try DurableFile.replace(adminToken, with: Array((token + "\n").utf8), mode: 0o600)
            // A bootstrap credential: it expires like any token, and docs/operations.md tells
            // the operator to rotate it (POST /v1/principals/admin/token) at once.
            let now = Timestamp.epochSeconds()
            _ = try PrincipalStore.create(path: principals, adminId: Self.adminId, token: token, now: Timestamp.format(epochSeconds: now),
                                          expiresAt: Timestamp.format(epochSeconds: now + tokenLifetimeSeconds))
            report.createdAdmin = true
            report.messages.append("created the admin principal '\(Self.adminId)'; its token is in \(adminToken) (mode 0600)")
        }
        return report
    }

    /// The data directory grants group or others access: the service does not start.
    public struct NotPrivate: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// The access log's origin: the records origin with its last path element replaced by
    /// `access` (`careledger.local/records` → `careledger.local/access`); an origin without a
    /// path gains one (`example.org` → `example.org/access`).
    public static func accessOrigin(recordsOrigin: String) -> String { siblingOrigin(recordsOrigin: recordsOrigin, name: "access") }

    /// The records origin with its last path element replaced by `name`.
    public static func siblingOrigin(recordsOrigin: String, name: String) -> String {
        guard let slash = recordsOrigin.lastIndex(of: "/") else { return recordsOrigin + "/" + name }
        return String(recordsOrigin[...slash]) + name
    }

    /// The origin a log directory's `log.json` names, if it can be read.
    package static func origin(ofLog directory: String) -> String? {
        guard let bytes = try? DurableFile.read(directory + "/log.json"),
              let config = try? JSONParser.parse(bytes).objectValue else { return nil }
        return config["origin"]?.stringValue
    }

    /// The server secret (32 bytes).
    package func loadSecret() throws -> [UInt8] {
        guard let bytes = try DurableFile.read(serverSecret) else { throw MalformedFile(path: serverSecret, reason: "missing") }
        guard bytes.count == Self.secretLength else {
            throw MalformedFile(path: serverSecret, reason: "holds \(bytes.count) bytes; a server secret is \(Self.secretLength)")
        }
        return bytes
    }
}
