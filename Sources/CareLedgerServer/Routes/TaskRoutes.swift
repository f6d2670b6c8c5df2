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
            let principal = try context.caller()
            var answer = try self.ledger.managerTasks(principal: principal).objectValue ?? JSONObject()
            // Objections (异议) the authority must answer, beside the manager tasks (SubjectRoutes.swift).
            answer["objections"] = .array(try self.ledger.objectionTasks(principal: principal).map(\.json))
            return JSONBody.response(.object(answer), headers: [.cacheControl: "no-store"])
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
