import CreditRecords
import Hummingbird

/// Principals (admin only): create one with a new token, revoke one.
extension LedgerServer {
    func addPrincipalRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/principals") { request, context in
            try await self.createPrincipal(request, context: context)
        }
        router.delete("/v1/principals/:id") { request, context in
            try self.revokePrincipal(request, context: context)
        }
    }

    /// 201 `{id, role, token}`; the token is shown this once and stored only as a hash.
    func createPrincipal(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let admin = try principals.require(request, [.admin])
        let bytes = try await RequestInput.body(request, limit: configuration.bodyLimit)
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch let error as JSONParser.Error {
            throw Problem.malformedJSON(error)
        }
        let input: PrincipalRequest
        switch PrincipalRequest.parse(document) {
        case .success(let parsed): input = parsed
        case .failure(let problem): throw problem
        }
        let created: (principal: Principal, token: String)
        do {
            created = try principals.create(id: input.id, role: input.role, authority: input.authority, institution: input.institution,
                                            publicKey: input.publicKey, now: Timestamp.now())
        } catch PrincipalStore.CreateError.duplicate {
            throw Problem.conflict("A principal with this id exists (or existed: ids of revoked principals are not reused).",
                                   errors: [Problem.Item(pointer: "/id", code: "duplicate", message: "id is taken")])
        } catch {
            context.logger.error("could not write the principals file", metadata: ["error": "\(error)"])
            throw Problem.unavailable("The principal could not be stored; nothing was created.")
        }
        context.logger.notice("principal created", metadata: ["principal": "\(input.id)", "role": "\(input.role.rawValue)", "by": "\(admin.id)"])
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        return JSONBody.response(.object(JSONObject([
            ("id", .string(created.principal.id)), ("role", .string(created.principal.role.rawValue)), ("token", .string(created.token)),
        ])), status: .created, headers: headers)
    }

    /// 204 once the token no longer works; 404 for an unknown id; 409 for the last admin.
    func revokePrincipal(_ request: Request, context: BasicRequestContext) throws -> Response {
        let admin = try principals.require(request, [.admin])
        let id = context.parameters.get("id") ?? ""
        let outcome: PrincipalStore.RevokeOutcome
        do {
            outcome = try principals.revoke(id: id, now: Timestamp.now())
        } catch {
            // The revocation is already in force in memory; only the file lags.
            context.logger.error("could not write the principals file", metadata: ["error": "\(error)"])
            throw Problem.unavailable("The revocation is in force but could not be written to disk; repeat the request.")
        }
        switch outcome {
        case .revoked, .alreadyRevoked:
            if outcome == .revoked {
                context.logger.notice("principal revoked", metadata: ["principal": "\(id)", "by": "\(admin.id)"])
            }
            return Response(status: .noContent)
        case .notFound:
            throw Problem.notFound("There is no principal with this id.")
        case .lastAdmin:
            throw Problem.conflict("This is the last active admin; create another admin before revoking it.")
        }
    }
}
