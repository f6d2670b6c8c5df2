import CreditRecords
import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerCrypto

/// Records: append (`POST /v1/records`), read one with its proof, read a page.
extension LedgerServer {
    func addRecordRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .post, "/v1/records") { request, context in
            let key = try RequestInput.idempotencyKey(request)
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            switch try await self.ledger.submitRecord(bytes, principal: context.caller(), idempotencyKey: key, logger: context.logger) {
            case .created(let receipt): return Self.created(receipt)
            case .replayed(let stored): return Self.replay(stored)
            }
        }
        on(router, .get, "/v1/records/:seq") { _, context in
            guard let text = context.parameters.get("seq"), let seq = RequestInput.decimal(Substring(text)) else {
                throw Problem.badRequest("seq must be a non-negative decimal integer below 2^64.", slug: "bad-path",
                                         errors: [Problem.Item(parameter: "seq", code: "not_a_number", message: "seq must be a decimal integer")])
            }
            return JSONBody.response(try self.ledger.record(seq: seq))
        }
        // The subject is in the body, never the URL (docs/http.md "Erasures").
        on(router, .post, "/v1/erasures") { request, context in
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            return Self.created(try await self.ledger.erase(bytes, principal: context.caller(), logger: context.logger))
        }
        on(router, .get, "/v1/records") { request, _ in
            var errors = [Problem.Item]()
            RequestInput.refuseUnknownParameters(request, known: ["from", "limit"], errors: &errors)
            let from = RequestInput.queryNumber(request, "from", errors: &errors) ?? 0
            let limit = RequestInput.queryNumber(request, "limit", max: Ledger.maxPageSize, errors: &errors) ?? Ledger.defaultPageSize
            if limit == 0 { errors.append(Problem.Item(parameter: "limit", code: "too_small", message: "limit must be at least 1.")) }
            guard errors.isEmpty else { throw Problem.badQuery(errors) }
            return JSONBody.response(try self.ledger.records(from: from, limit: limit))
        }
    }

    /// 201 with the receipt and where the record is.
    static func created(_ receipt: Ledger.Receipt) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.location] = "/v1/records/\(receipt.seq)"
        headers[.cacheControl] = "no-store"
        return Response(status: .created, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: receipt.body)))
    }

    /// The first answer to this Idempotency-Key, byte for byte, marked as a replay.
    static func replay(_ stored: IdempotencyStore.Stored) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = stored.contentType
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
        let body = Base64.decode(stored.body) ?? []
        return Response(status: HTTPResponse.Status(code: stored.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
