import CreditRecords
import Hummingbird
import LedgerCore

/// The responsible-manager tasks (docs/records.md "Responsible managers"): the list
/// (`GET /v1/tasks`) and naming a manager on one (`POST /v1/tasks/{seq}/managers`).
extension LedgerServer {
    func addTaskRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .get, "/v1/tasks") { request, context in
            var errors = [Problem.Item]()
            RequestInput.refuseUnknownParameters(request, known: [], errors: &errors)
            guard errors.isEmpty else { throw Problem.badQuery(errors) }
            return JSONBody.response(try self.ledger.managerTasks(principal: context.caller()), headers: [.cacheControl: "no-store"])
        }
        on(router, .post, "/v1/tasks/:seq/managers") { request, context in
            guard let text = context.parameters.get("seq"), let seq = RequestInput.decimal(Substring(text)) else {
                throw Problem.badRequest("seq must be a non-negative decimal integer below 2^64.", slug: "bad-path",
                                         errors: [Problem.Item(parameter: "seq", code: "not_a_number", message: "seq must be a decimal integer")])
            }
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let receipt = try await self.ledger.nameManager(task: seq, bytes, principal: context.caller(), logger: context.logger)
            return Self.created(receipt)
        }
    }
}
