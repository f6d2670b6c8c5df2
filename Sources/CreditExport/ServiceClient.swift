import AsyncHTTPClient
import Foundation
import NIOSSL
import Synchronization
import TransportPolicy

/// The clients' transport to a CareLedger service (`check --server`, `export --server`):
/// HTTPS, or plain HTTP to this machine only, since a bearer token and ID numbers travel in
/// every request (docs/http.md, "Transport"). `--ca-file` adds a private CA to the system's
/// trust roots.
public struct ServiceClient: Sendable {
    let http: HTTPClient

    /// Why `text` is not a service URL the clients will use (nil when it is). `option` names
    /// the flag in the message, `caOption` the flag that trusts a private CA for it; the URL
    /// itself is not repeated.
    public static func refusal(url text: String, option: String, caOption: String? = "--ca-file") -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              scheme == "https" || scheme == "http" else {
            return "\(option) must be an https:// URL, e.g. https://ledger.example.org (http:// only to 127.0.0.1, ::1 or localhost)"
        }
        if scheme == "http" && !Loopback.isLoopback(host: host) {
            return "\(option): refusing plain http:// to a host other than 127.0.0.1, ::1 or localhost, which would send the " +
                "bearer token and ID numbers in clear; use https://" + (caOption.map { " (with \($0) for a private CA)" } ?? "")
        }
        return nil
    }

    /// One HTTP client per trust setting for the life of the process (a command-line run),
    /// so connections are reused and no client is torn down with requests in flight.
    private static let clients = Mutex<[String: HTTPClient]>([:])

    /// A client trusting the system's roots, plus the PEM certificates in `caFile`.
    public init(caFile: String? = nil) throws {
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ExportError.source("cannot read the CA file \(caFile)")
        }
        http = Self.clients.withLock { clients in
            if let client = clients[caFile ?? ""] { return client }
            var configuration = HTTPClient.Configuration()
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv12
            if let caFile { tls.additionalTrustRoots = [.file(caFile)] }
            configuration.tlsConfiguration = tls
            configuration.redirectConfiguration = .disallow
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[caFile ?? ""] = client
            return client
        }
    }

    /// Sends one request and reads the whole answer (at most `limit` bytes): status and body.
    public func send(_ method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                     timeoutSeconds: Int64 = 60, limit: Int = 64 << 20) async throws -> (status: Int, body: [UInt8]) {
        if let reason = Self.refusal(url: url, option: "the service URL", caOption: nil) { throw ExportError.source(reason) }
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await http.execute(request, timeout: .seconds(timeoutSeconds))
        let buffer = try await response.body.collect(upTo: limit)
        return (Int(response.status.code), Array(buffer.readableBytesView))
    }
}
