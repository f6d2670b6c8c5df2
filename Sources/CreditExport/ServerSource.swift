import CreditRecords
import Foundation
import LedgerCrypto
import Synchronization

/// A running service read with an exporter token: `/log/checkpoint`, `GET /v1/records`
/// pages (purpose `export`: each page's opened records are recorded in the access log), and
/// the proof routes. Entries come back as JSON; the log stores their RFC 8785
/// bytes, so re-encoding them canonically gives the exact leaf the checkpoint covers — and
/// if it does not, the frontier check raises the alarm.
public struct ServerSource: ExportSource {
    public let base: String
    let token: String
    let client: ServiceClient
    public static let pageSize = 1000
    /// Opened envelopes the service sent beside sealed entries, by commitment, until the
    /// exporter asks for them (`open`); each is taken once.
    private let openedEntries = OpenedEntries()

    /// Refuses `http://` to a host other than this machine (`ServiceClient.refusal`).
    public init(base: String, token: String, client: ServiceClient) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token
        self.client = client
    }

    func get(_ path: String) async throws -> [UInt8] {
        let (status, body) = try await client.send("GET", url: base + path, headers: [("Authorization", "Bearer \(token)")])
        guard status == 200 else { throw ExportError.source("GET \(path) answered \(status)") }
        return body
    }

    func object(_ path: String) async throws -> JSONObject {
        guard let object = try JSONParser.parse(try await get(path), maxDepth: 64).objectValue else {
            throw ExportError.source("GET \(path) did not answer a JSON object")
        }
        return object
    }

    static func proof(_ object: JSONObject) throws -> [Digest32] {
        guard let items = object["proof"]?.arrayValue else { throw ExportError.source("the answer has no proof") }
        return try items.map {
            guard let d = $0.stringValue.flatMap(Digest32.init(base64:)) else { throw ExportError.source("a proof hash is not base64 of 32 bytes") }
            return d
        }
    }

    public func latestCheckpoint() async throws -> String { String(decoding: try await get("/log/checkpoint"), as: UTF8.self) }

    public func consistencyProof(from: UInt64, to: UInt64) async throws -> [Digest32] {
        try Self.proof(try await object("/v1/log/proof/consistency?from=\(from)&to=\(to)"))
    }

    public func inclusionProof(seq: UInt64, size: UInt64) async throws -> [Digest32] {
        try Self.proof(try await object("/v1/log/proof/inclusion?seq=\(seq)&size=\(size)"))
    }

    public func entries(from seq: UInt64, count: Int) async throws -> [[UInt8]] {
        var out = [[UInt8]]()
        while out.count < count {
            let start = seq + UInt64(out.count)
            let page = try await object("/v1/records?from=\(start)&limit=\(min(Self.pageSize, count - out.count))&purpose=export")
            guard let records = page["records"]?.arrayValue else { throw ExportError.source("a records page has no records") }
            for (i, item) in records.enumerated() {
                guard let record = item.objectValue, record["seq"]?.integerValue == Int64(start) + Int64(i), let entry = record["entry"] else {
                    throw ExportError.source("the records page from \(start) is out of order")
                }
                let bytes = try CanonicalJSON.encode(entry)
                openedEntries.keep(entry: entry, bytes: bytes, opened: record["opened"])
                out.append(bytes)
            }
            if records.isEmpty || page["next"]?.isNull ?? true { break }
        }
        return Array(out.prefix(count))
    }

    public func entry(at seq: UInt64) async throws -> [UInt8] {
        guard let entry = try await object("/v1/records/\(seq)?view=public")["entry"] else { throw ExportError.source("record \(seq) has no entry") }
        return try CanonicalJSON.encode(entry)
    }

    /// The opened envelope of a sealed entry this source read (`Exporter.Options.open`): the
    /// v1 envelope with the full body the service sent as `opened`, once its commitment
    /// SHA-256(salt ‖ JCS(body)) matched the leaf's; else the entry as it is (erased).
    public func open(_ entry: [UInt8]) -> [UInt8] {
        guard let commitment = SealedEnvelope.commitment(of: entry) else { return entry }
        return openedEntries.take(commitment) ?? entry
    }
}

/// See `ServerSource.open`.
final class OpenedEntries: Sendable {
    private let entries = Mutex<[Digest32: [UInt8]]>([:])

    func keep(entry: JSONValue, bytes: [UInt8], opened: JSONValue?) {
        guard let commitment = SealedEnvelope.commitment(of: bytes), var envelope = entry.objectValue,
              let body = opened?.objectValue?["body"], let salt = opened?.objectValue?["salt"]?.stringValue.flatMap({ Hex.decode($0) }),
              let canonicalBody = try? CanonicalJSON.encode(body), SHA256.hash(salt + canonicalBody) == commitment else { return }
        envelope["v"] = .number("1")
        envelope["personal"] = nil
        envelope["body"] = body
        guard let opened = try? CanonicalJSON.encode(.object(envelope)) else { return }
        entries.withLock { $0[commitment] = opened }
    }

    func take(_ commitment: Digest32) -> [UInt8]? {
        entries.withLock { $0.removeValue(forKey: commitment) }
    }
}

