import Hummingbird
import LedgerCore

/// The person checked (PIPL arts. 44–46; docs/http.md "Subject codes", "Objections"): an
/// inspector issues a one-time access code for /me, and the authority answers objections.
extension LedgerServer {
    func addSubjectRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .post, "/v1/subject-codes") { request, context in
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let answer = try self.ledger.issueSubjectCode(bytes, principal: context.caller())
            return JSONBody.response(answer, status: .created, headers: [.cacheControl: "no-store"])
        }
        on(router, .post, "/v1/objections/:id/replies") { request, context in
            // Objection ids are 32 lower-case hex characters; anything else names none.
            guard let id = context.parameters.get("id"), id.utf8.count == 32, id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw Problem.badRequest("id must be an objection id (32 hexadecimal characters).", slug: "bad-path",
                                         errors: [Problem.Item(parameter: "id", code: "format", message: "id must be 32 lower-case hexadecimal characters")])
            }
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let answer = try self.ledger.answerObjection(id: id, bytes, principal: context.caller())
            return JSONBody.response(answer.json, headers: [.cacheControl: "no-store"])
        }
    }
}
