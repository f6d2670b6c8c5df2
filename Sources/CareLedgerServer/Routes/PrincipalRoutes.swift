import CreditRecords
import Hummingbird
import LedgerCore

/// Principals (admin only): create one with a new token, revoke one.
extension LedgerServer {
    func addPrincipalRoutes(to router: Router<LedgerRequestContext>) {
        // 201 `{id, role, token}`; the token is shown this once and stored only as a hash.
        on(router, .post, "/v1/principals") { request, context in
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let created = try self.ledger.createPrincipal(bytes, by: context.caller(), logger: context.logger)
            return JSONBody.response(created, status: .created, headers: [.cacheControl: "no-store"])
        }
        // 204 once the token no longer works; 404 for an unknown id; 409 for the last admin.
        on(router, .delete, "/v1/principals/:id") { _, context in
            try self.ledger.revokePrincipal(id: context.parameters.get("id") ?? "", by: context.caller(), logger: context.logger)
            return Response(status: .noContent)
        }
    }
}
