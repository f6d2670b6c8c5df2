import CreditRecords
import Hummingbird
import LedgerCrypto
import TransparencyLog

/// Records: append (`POST /v1/records`), read one with its proof, read a page.
extension LedgerServer {
    static let recordReaders: Set<Role> = [.inspector, .auditor, .exporter, .admin]
    static let pageReaders: Set<Role> = [.auditor, .exporter, .admin]
    static let defaultPageSize: UInt64 = 100
    static let maxPageSize: UInt64 = 1000

    func addRecordRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/records") { request, context in
            try await self.submitRecord(request, context: context)
        }
        router.get("/v1/records/:seq") { request, context in
            try self.getRecord(request, context: context)
        }
        router.get("/v1/records") { request, _ in
            try self.listRecords(request)
        }
    }

    /// `{seq, entry, leafHash, inclusionProof, checkpoint}`, the proof against the latest checkpoint.
    func getRecord(_ request: Request, context: BasicRequestContext) throws -> Response {
        _ = try principals.require(request, Self.recordReaders)
        guard let text = context.parameters.get("seq"), let seq = RequestInput.decimal(Substring(text)) else {
            throw Problem.badRequest("seq must be a non-negative decimal integer below 2^64.", slug: "bad-path",
                                     errors: [Problem.Item(parameter: "seq", code: "not_a_number", message: "seq must be a decimal integer")])
        }
        let checkpoint = log.latestCheckpoint
        let size = checkpoint.checkpoint.size
        // The seq is client input and is not echoed: an 18-digit resident ID number parses as one.
        guard seq < size else { throw Problem.notFound("There is no such record; the log holds \(size).") }
        do {
            var object = try recordJSON(seq: seq, entry: log.entry(at: seq))
            object["inclusionProof"] = .array(try log.inclusionProof(seq: seq, size: size).map { .string($0.base64) })
            object["checkpoint"] = .string(checkpoint.note)
            return JSONBody.response(.object(object))
        } catch {
            throw logUnavailable(error)
        }
    }

    /// `{records: [{seq, entry, leafHash}], next}` in seq order from `from` (default 0).
    func listRecords(_ request: Request) throws -> Response {
        _ = try principals.require(request, Self.pageReaders)
        var errors = [Problem.Item]()
        RequestInput.refuseUnknownParameters(request, known: ["from", "limit"], errors: &errors)
        let from = RequestInput.queryNumber(request, "from", errors: &errors) ?? 0
        let limit = RequestInput.queryNumber(request, "limit", max: Self.maxPageSize, errors: &errors) ?? Self.defaultPageSize
        if limit == 0 { errors.append(Problem.Item(parameter: "limit", code: "too_small", message: "limit must be at least 1.")) }
        guard errors.isEmpty else { throw Problem.badQuery(errors) }

        let size = log.latestCheckpoint.checkpoint.size
        var records = [JSONValue]()
        var next: JSONValue = .null
        if from < size {
            let count = Int(min(limit, size - from))
            do {
                for (offset, entry) in try log.entries(from: from, count: count).enumerated() {
                    records.append(.object(try recordJSON(seq: from + UInt64(offset), entry: entry)))
                }
            } catch {
                throw logUnavailable(error)
            }
            if from + UInt64(count) < size { next = .uint(from + UInt64(count)) }
        }
        return JSONBody.response(.object(JSONObject([("records", .array(records)), ("next", next)])))
    }

    /// `{seq, entry, leafHash}`: the stored envelope as JSON (an entry that is not JSON, which
    /// only `careledger log append` could have written, is given as `entryBase64`).
    func recordJSON(seq: UInt64, entry: [UInt8]) throws -> JSONObject {
        var object = JSONObject([("seq", .uint(seq))])
        if let value = try? JSONParser.parse(entry, maxDepth: 64) {
            object["entry"] = value
        } else {
            object["entry"] = .null
            object["entryBase64"] = .string(Base64.encode(entry))
        }
        object["leafHash"] = .string(try log.leafHash(at: seq).base64)
        return object
    }

    func logUnavailable(_ error: any Error) -> Problem {
        if let problem = error as? Problem { return problem }
        logger.error("log read failed", metadata: ["error": "\(error)"])
        return Problem.unavailable("The log could not be read. Retry later.")
    }
}
