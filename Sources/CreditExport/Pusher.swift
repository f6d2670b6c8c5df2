import Foundation

/// Where batches are pushed. `put` must be idempotent: after a crash a batch is pushed again
/// from its first file, with the same bytes under the same names.
public protocol BatchTarget: Sendable {
    func put(batchId: String, file: String, bytes: [UInt8]) async throws
}

/// `PUT <base>/<batchId>/<file>`; any 2xx is success. 4xx other than 408/429 is permanent.
/// HTTPS, or plain HTTP to this machine only: the token and the records travel in every PUT.
/// It goes through `ServiceClient`'s async-http-client, so the push and the other clients share
/// one transport: TLS 1.2 or later, the system's roots plus an optional private CA (a provincial
/// front end often has one), and no redirect followed.
public struct HTTPBatchTarget: BatchTarget {
    public let base: URL
    public let token: String?
    private let client: ServiceClient

    /// Throws `ExportError.configuration` for a URL the clients refuse (`ServiceClient.refusal`),
    /// so no caller can push in clear off the machine whatever it checked before. `caFile`: PEM
    /// certificates trusted beside the system's roots.
    public init(base: URL, token: String? = nil, caFile: String? = nil) throws {
        if let reason = ServiceClient.refusal(url: base.absoluteString, option: "the push URL", caOption: nil) { throw ExportError.configuration(reason) }
        self.base = base
        self.token = token
        client = try ServiceClient(caFile: caFile)
    }

    public func put(batchId: String, file: String, bytes: [UInt8]) async throws {
        let url = base.appendingPathComponent(batchId).appendingPathComponent(file).absoluteString
        var headers = [("Content-Type", file.hasSuffix(".csv") ? "text/csv; charset=utf-8" : file.hasSuffix(".json") ? "application/json" : "application/octet-stream")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        // A redirect is not followed (the client disallows them): every PUT carries the token and
        // the records, and a target that moved answers 3xx, which fails the push until the URL
        // is changed. The answer's body (up to 1 MiB, an error page) is read and dropped.
        let answer = try await client.send("PUT", url: url, headers: headers, body: bytes, timeoutSeconds: 60, limit: 1 << 20)
        guard (200..<300).contains(answer.status) else { throw PushFailure(status: answer.status, file: file) }
    }
}

public struct PushFailure: Error, CustomStringConvertible {
    public let status: Int
    public let file: String
    /// A redirect (not followed) or a client error other than timeout and rate limit: trying
    /// again cannot help.
    public var permanent: Bool { (300..<500).contains(status) && status != 408 && status != 429 }
    public var description: String { "PUT \(file) answered \(status)" }
}

/// Pushes one batch: every file its manifest lists (in the manifest's order, whatever the
/// profile), then manifest.sig, then manifest.json last (a receiver treats the manifest as
/// "the batch is complete"). Each PUT is retried with exponential backoff and full jitter.
public struct Pusher: Sendable {
    public var target: BatchTarget
    public var attempts = 8
    public var baseDelay: Duration = .milliseconds(200)
    public var maxDelay: Duration = .seconds(30)
    /// Told `before-push:<file>` and `after-push:<file>` (crash tests only).
    public var stepHook: ExportStepHook?

    public init(target: BatchTarget) { self.target = target }

    public func push(directory: String, batchId: String) async throws {
        // The manifest was verified when the batch was built; its list is the batch.
        guard let data = FileManager.default.contents(atPath: directory + "/" + Manifest.fileName),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            throw ExportError.push("\(batchId)/\(Manifest.fileName) is missing from the spool or unreadable")
        }
        let names = manifest.files.map(\.name)
        // Each name becomes one URL path segment.
        if let odd = names.first(where: { $0.isEmpty || $0.hasPrefix(".") || $0.contains("/") || $0 == Manifest.fileName || $0 == Manifest.signatureFileName }) {
            throw ExportError.push("\(batchId)/\(Manifest.fileName) lists a file named \(odd), which is not a batch file")
        }
        for file in names + [Manifest.signatureFileName, Manifest.fileName] {
            guard let data = FileManager.default.contents(atPath: directory + "/" + file) else {
                throw ExportError.push("\(batchId)/\(file) is missing from the spool")
            }
            stepHook?("before-push:\(file)")
            try await putWithRetries(batchId: batchId, file: file, bytes: Array(data))
            stepHook?("after-push:\(file)")
        }
    }

    func putWithRetries(batchId: String, file: String, bytes: [UInt8]) async throws {
        var attempt = 0
        while true {
            do {
                try await target.put(batchId: batchId, file: file, bytes: bytes)
                return
            } catch {
                attempt += 1
                if let failure = error as? PushFailure, failure.permanent { throw ExportError.push("\(batchId)/\(file): \(failure)") }
                guard attempt < attempts else { throw ExportError.push("\(batchId)/\(file) failed \(attempt) times, last: \(error)") }
                let ceiling = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
                let jittered = Double.random(in: 0...1) * Double(ceiling.components.attoseconds) / 1e18 + Double(ceiling.components.seconds)
                try await Task.sleep(for: .seconds(jittered))
            }
        }
    }
}
