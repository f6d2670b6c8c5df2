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
        // Personal parts for a purpose, recorded before the answer; view=public unrecorded.
        on(router, .get, "/v1/records/:seq") { request, context in
            guard let text = context.parameters.get("seq"), let seq = RequestInput.decimal(Substring(text)) else {
                throw Problem.badRequest("seq must be a non-negative decimal integer below 2^64.", slug: "bad-path",
                                         errors: [Problem.Item(parameter: "seq", code: "not_a_number", message: "seq must be a decimal integer")])
            }
            var errors = [Problem.Item]()
            RequestInput.refuseUnknownParameters(request, known: ReadInput.parameters, errors: &errors)
            let view = ReadInput.view(request, errors: &errors)
            guard errors.isEmpty, let view else { throw Problem.badQuery(errors) }
            switch view {
            case .publicView:
                return JSONBody.response(try self.ledger.publicRecord(seq: seq), headers: [.cacheControl: "no-store"])
            case .opened(let reason):
                let record = try await self.ledger.readRecord(seq: seq, principal: context.caller(), reason: reason, logger: context.logger)
                return JSONBody.response(record, headers: [.cacheControl: "no-store"])
            }
        }
        // The subject is in the body, never the URL (docs/http.md "Erasures").
        on(router, .post, "/v1/erasures") { request, context in
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            return Self.created(try await self.ledger.erase(bytes, principal: context.caller(), logger: context.logger))
        }
        on(router, .get, "/v1/records") { request, context in
            var errors = [Problem.Item]()
            RequestInput.refuseUnknownParameters(request, known: ReadInput.parameters.union(["from", "limit"]), errors: &errors)
            let from = RequestInput.queryNumber(request, "from", errors: &errors) ?? 0
            let limit = RequestInput.queryNumber(request, "limit", max: Ledger.maxPageSize, errors: &errors) ?? Ledger.defaultPageSize
            if limit == 0 { errors.append(Problem.Item(parameter: "limit", code: "too_small", message: "limit must be at least 1.")) }
            let view = ReadInput.view(request, errors: &errors)
            guard errors.isEmpty, let view else { throw Problem.badQuery(errors) }
            switch view {
            case .publicView:
                return JSONBody.response(try self.ledger.publicRecords(from: from, limit: limit), headers: [.cacheControl: "no-store"])
            case .opened(let reason):
                let page = try await self.ledger.readRecords(from: from, limit: limit, principal: context.caller(), reason: reason, logger: context.logger)
                return JSONBody.response(page, headers: [.cacheControl: "no-store"])
            }
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
