import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
@testable import CareLedgerServer
@testable import LedgerCore
import PersonalVault

/// Every line the server logs during a test, rendered with its metadata, so tests can check
/// that none carries an ID number or a token.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    func logger() -> Logger {
        var logger = Logger(label: "careledger-test") { _ in CaptureHandler(capture: self) }
        logger.logLevel = .debug
        return logger
    }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(event.message) \(rendered)")
        }
    }
}

/// A server on a fresh data directory, with one principal per role.
final class TestServer: Sendable {
    let directory: String
    let capture: LogCapture
    let server: LedgerServer
    /// The personal-data vault, kept across restarts as a file vault would be.
    let vault: MemoryVault

    private init(directory: String, capture: LogCapture, server: LedgerServer, vault: MemoryVault) {
        self.directory = directory
        self.capture = capture
        self.server = server
        self.vault = vault
    }

    static func makeDirectory() -> String {
        let path = NSTemporaryDirectory() + "careledger-server-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func start(directory: String = makeDirectory(), capture: LogCapture = LogCapture(), vault: MemoryVault = MemoryVault(),
                      configure: @Sendable (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory + "/data"
        configuration.openVault = { _ in vault }
        // Router tests send hundreds of requests a second from one "address"; the tests of
        // the rate limits set their own.
        configuration.principalRate = RateLimit(burst: 100_000, perSecond: 100_000)
        configuration.addressRate = RateLimit(burst: 100_000, perSecond: 100_000)
        configuration.failedAuthenticationRate = RateLimit(burst: 100_000, perSecond: 100_000)
        configure(&configuration)
        let server = try await LedgerServer.open(configuration: configuration, logger: capture.logger())
        return TestServer(directory: directory, capture: capture, server: server, vault: vault)
    }

    /// Closes this server and opens another on the same data directory (and vault, unless
    /// another is given: a restored backup).
    func restart(vault: MemoryVault? = nil, configure: @Sendable (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        try await server.close()
        return try await TestServer.start(directory: directory, capture: capture, vault: vault ?? self.vault, configure: configure)
    }

    func close() async throws { try await server.close() }

    /// The service on a live loopback port (`body` gets the port), its tasks on threads of
    /// their own (`ServerThreads`): under the full suite, crash tests and exports keep the
    /// cooperative pool busy for minutes, and a request waiting for it would time out.
    func live(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withTaskExecutorPreference(ServerThreads.shared) {
            try await server.application().test(.live) { client in try await body(try #require(client.port)) }
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    var dataDirectory: String { directory + "/data" }

    var adminToken: String {
        String(decoding: FileManager.default.contents(atPath: dataDirectory + "/admin.token")!, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `body` against the router (no sockets).
    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await server.application().test(.router) { client in try await body(client) }
    }
}

/// Tokens of one principal per role, plus a revoked one.
struct RoleTokens: Sendable {
    var tokens: [Role: String]
    var revoked: String
    var inspectorId = "insp-ouhai-01"

    subscript(role: Role) -> String { tokens[role]! }
}

extension TestClientProtocol {
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: [UInt8]? = nil,
              headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: JSONValue,
              headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(method, uri, token: token, body: Fixtures.bytes(json), headers: headers)
    }

    /// Creates a principal through the API and returns its token.
    /// An inspector of another authority (瓯海区市场监督管理局), for the tests of what an
    /// inspector may do for its own authority only.
    func createMarketInspector(admin: String) async throws -> String {
        try await createPrincipal(admin: admin, ["id": "insp-market-01", "role": "inspector", "authority": Fixtures.authority(Fixtures.ouhaiMarket)])
    }

    func createPrincipal(admin: String, _ spec: JSONValue) async throws -> String {
        let response = try await send(.post, "/v1/principals", token: admin, json: spec)
        guard response.status == .created, let token = try response.json()["token"]?.stringValue else {
            throw TestFailure("creating a principal answered \(response.status): \(response.summary)")
        }
        return token
    }

    /// One principal per role (the inspector bound to 瓯海区卫生健康局) and a revoked admin.
    func makeRoles(admin: String) async throws -> RoleTokens {
        var tokens: [Role: String] = [.admin: admin]
        tokens[.inspector] = try await createPrincipal(admin: admin, [
            "id": "insp-ouhai-01", "role": "inspector", "authority": Fixtures.authority(Fixtures.ouhaiHealth),
            // Its lifetime bans are signed (Support/BanSigning.swift).
            "publicKey": TestKeys.publicKey(TestKeys.inspector),
        ])
        tokens[.institution] = try await createPrincipal(admin: admin, [
            "id": "inst-xiaoxingxing", "role": "institution",
            "institution": ["name": .string(Fixtures.xiaoxingxing.name), "uscc": .string(Fixtures.xiaoxingxing.uscc), "region": "330304"],
        ])
        tokens[.exporter] = try await createPrincipal(admin: admin, ["id": "exporter-1", "role": "exporter"])
        tokens[.auditor] = try await createPrincipal(admin: admin, ["id": "auditor-1", "role": "auditor"])
        tokens[.metrics] = try await createPrincipal(admin: admin, ["id": "scraper-1", "role": "metrics"])
        let revoked = try await createPrincipal(admin: admin, ["id": "admin-revoked", "role": "admin"])
        let response = try await send(.delete, "/v1/principals/admin-revoked", token: admin)
        guard response.status == .noContent else { throw TestFailure("revoking answered \(response.status)") }
        return RoleTokens(tokens: tokens, revoked: revoked)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }
    var bytes: [UInt8] { body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [] }

    func json() throws -> JSONObject {
        guard let object = try JSONParser.parse(bytes, maxDepth: 64).objectValue else { throw TestFailure("not a JSON object: \(text)") }
        return object
    }

    /// For failure messages: a problem's text (problems never carry personal data), or only
    /// the size of anything else, so no test output can show an ID number.
    var summary: String { isProblem ? "\(status) \(text)" : "\(status), \(body.readableBytes) bytes" }

    var isProblem: Bool { headers[.contentType] == "application/problem+json" }

    /// The pointers (or parameters) a problem names.
    func problemPointers() throws -> [String] {
        try json()["errors"]?.arrayValue?.compactMap { $0.objectValue?["pointer"]?.stringValue ?? $0.objectValue?["parameter"]?.stringValue } ?? []
    }
}
