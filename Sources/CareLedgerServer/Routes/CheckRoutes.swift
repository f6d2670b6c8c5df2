import CreditRecords
import Hummingbird
import LedgerCore

/// Background checks (`POST /v1/checks`), who checked whom (`POST /v1/audit/checks`), the
/// public institution disclosure, and the access log's public read side (`/access-log/…`).
extension LedgerServer {
    func addCheckRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .post, "/v1/checks") { request, context in
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let answer = try await self.ledger.check(bytes, principal: context.caller(), logger: context.logger)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        on(router, .post, "/v1/audit/checks") { request, context in
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let answer = try await self.ledger.checksOnRecord(searchBody: bytes, principal: context.caller(), logger: context.logger)
            return JSONBody.response(answer, headers: [.cacheControl: "no-store"])
        }
        on(router, .get, "/v1/institutions/:uscc") { _, context in
            let code = context.parameters.get("uscc") ?? ""
            if let problem = USCC.validate(code) {
                throw Problem.badRequest("uscc must be an 18-character unified social credit code with a valid check character.", slug: "bad-path",
                                         errors: [Problem.Item(parameter: "uscc", code: problem.code, message: problem.message)])
            }
            return JSONBody.response(try self.ledger.institution(uscc: code), headers: [.cacheControl: "no-store"])
        }
        on(router, .get, "/v1/institutions") { request, _ in
            try self.institutionList(request)
        }
        on(router, .get, "/access-log/checkpoint") { _, _ in
            self.checkpoint(of: self.access.log)
        }
        on(router, .get, "/access-log/tile/**") { request, context in
            try self.tile(request, context, log: self.access.log, route: "/access-log/tile/**")
        }
    }
}
