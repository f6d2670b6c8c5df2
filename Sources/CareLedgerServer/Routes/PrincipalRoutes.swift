import CreditRecords
import Hummingbird
import LedgerCore

/// Principals (admin only): create one with a new token, list them, rotate a token, revoke one.
extension LedgerServer {
    static let defaultPrincipalPage = 100
    static let maxPrincipalPage = 1000

    func addPrincipalRoutes(to router: Router<LedgerRequestContext>) {
        // 201 `{id, role, token, expiresAt}`; the token is shown this once and stored only as a hash.
        on(router, .post, "/v1/principals") { request, context in
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let created = try await self.ledger.createPrincipal(bytes, by: context.caller(), logger: context.logger)
            return JSONBody.response(created, status: .created, headers: [.cacheControl: "no-store"])
        }
        // `{principals, next}` in creation order (`after`, `limit`); never a token or its hash.
        on(router, .get, "/v1/principals") { request, _ in
            var errors = [Problem.Item]()
            RequestInput.refuseUnknownParameters(request, known: ["after", "limit"], errors: &errors)
            let afterValues = request.uri.queryParameters[values: "after"]
            if afterValues.count > 1 { errors.append(Problem.Item(parameter: "after", code: "repeated", message: "after may be given once.")) }
            let after = afterValues.first.map(String.init)
            if let after, !PrincipalIdentifiers.isValidPrincipalId(after) {
                errors.append(Problem.Item(parameter: "after", code: "pattern", message: "after must be the id a previous page ended with."))
            }
            let limit = RequestInput.queryNumber(request, "limit", max: UInt64(Self.maxPrincipalPage), errors: &errors)
                .map(Int.init) ?? Self.defaultPrincipalPage
            if limit == 0 { errors.append(Problem.Item(parameter: "limit", code: "too_small", message: "limit must be at least 1.")) }
            guard errors.isEmpty else { throw Problem.badQuery(errors) }
            return JSONBody.response(try self.ledger.listPrincipals(after: after, limit: limit), headers: [.cacheControl: "no-store"])
        }
        // 200 `{id, role, token, expiresAt}`: the old token stops working at once. The bootstrap
        // admin rotates its own `admin.token` this way (docs/operations.md).
        on(router, .post, "/v1/principals/:id/token") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard PrincipalIdentifiers.isValidPrincipalId(id) else {
                throw Problem.badRequest("id must be a principal id.", slug: "bad-path",
                                         errors: [Problem.Item(parameter: "id", code: "pattern", message: "id must match ^[a-z0-9][a-z0-9._-]{0,63}$.")])
            }
            let rotated = try await self.ledger.rotatePrincipalToken(id: id, by: context.caller(), logger: context.logger)
            return JSONBody.response(rotated, headers: [.cacheControl: "no-store"])
        }
        // 204 once the token no longer works; 404 for an unknown id; 409 for the last admin.
        on(router, .delete, "/v1/principals/:id") { _, context in
            try await self.ledger.revokePrincipal(id: context.parameters.get("id") ?? "", by: context.caller(), logger: context.logger)
            return Response(status: .noContent)
        }
    }
}
