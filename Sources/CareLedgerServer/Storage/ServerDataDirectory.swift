import LedgerCrypto
import TransparencyLog

/// The service's data directory:
///
/// | path | what |
/// |---|---|
/// | `records/` | the records log (TransparencyLog) |
/// | `server-secret` | 32 random bytes, mode 0600, the key of the service's HMACs |
/// | `principals.json` | principals and their token hashes, mode 0600 |
/// | `admin.token` | the first admin's token, mode 0600, written once |
/// | `idempotency.jsonl` | remembered Idempotency-Key answers |
public struct ServerDataDirectory: Sendable {
    public let root: String

    public init(_ root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    public var records: String { root + "/records" }
    public var serverSecret: String { root + "/server-secret" }
    public var principals: String { root + "/principals.json" }
    public var adminToken: String { root + "/admin.token" }
    public var idempotency: String { root + "/idempotency.jsonl" }

    public static let adminId = "admin"
    static let secretLength = 32

    /// What the first start created, worded for the operator (never a token).
    public struct Report: Sendable {
        public var messages: [String] = []
        public var createdLog = false
        public var createdSecret = false
        public var createdAdmin = false
    }

    /// Creates whatever is missing: the directory (0700), the records log with `origin`, the
    /// server secret and the principal store with an admin whose token goes to `admin.token`.
    /// Existing pieces are left alone, so this runs on every start.
    public func bootstrap(origin: String) throws -> Report {
        var report = Report()
        try DurableFile.makeDirectory(root, mode: 0o700)

        if !DurableFile.exists(records + "/log.json") {
            let verifier = try TransparencyLog.create(directory: records, origin: origin)
            report.createdLog = true
            report.messages.append("created the records log in \(records) (origin \(origin))")
            report.messages.append("verifier key: \(verifier.vkey)")
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
            _ = try PrincipalStore.create(path: principals, adminId: Self.adminId, token: token, now: Timestamp.now())
            report.createdAdmin = true
            report.messages.append("created the admin principal '\(Self.adminId)'; its token is in \(adminToken) (mode 0600)")
        }
        return report
    }

    /// The server secret (32 bytes).
    func loadSecret() throws -> [UInt8] {
        guard let bytes = try DurableFile.read(serverSecret) else { throw MalformedFile(path: serverSecret, reason: "missing") }
        guard bytes.count == Self.secretLength else {
            throw MalformedFile(path: serverSecret, reason: "holds \(bytes.count) bytes; a server secret is \(Self.secretLength)")
        }
        return bytes
    }
}
