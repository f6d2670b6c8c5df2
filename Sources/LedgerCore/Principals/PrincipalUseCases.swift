import CreditRecords
import Logging

/// Principals: create one with a new token, revoke one (admins only; the caller authorises).
extension Ledger {
    /// `{id, role, token}`; the token is shown this once and stored only as a hash.
    public func createPrincipal(_ bytes: [UInt8], by admin: Principal, logger: Logger) throws -> JSONValue {
        let document = try Refusal.parseJSON(bytes)
        let input: PrincipalRequest
        switch PrincipalRequest.parse(document) {
        case .success(let parsed): input = parsed
        case .failure(let refusal): throw refusal
        }
        let created: (principal: Principal, token: String)
        do {
            created = try principals.create(id: input.id, role: input.role, authority: input.authority, institution: input.institution,
                                            publicKey: input.publicKey, now: Timestamp.now())
        } catch PrincipalStore.CreateError.duplicate {
            throw Refusal.conflict("A principal with this id exists (or existed: ids of revoked principals are not reused).",
                                   errors: [Refusal.Item(pointer: "/id", code: "duplicate", message: "id is taken")])
        } catch {
            logger.error("could not write the principals file", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The principal could not be stored; nothing was created.")
        }
        logger.notice("principal created", metadata: ["principal": "\(input.id)", "role": "\(input.role.rawValue)", "by": "\(admin.id)"])
        return .object(JSONObject([
            ("id", .string(created.principal.id)), ("role", .string(created.principal.role.rawValue)), ("token", .string(created.token)),
        ]))
    }

    /// Returns once the token no longer works; not found for an unknown id; a conflict for the last admin.
    public func revokePrincipal(id: String, by admin: Principal, logger: Logger) throws(Refusal) {
        let outcome: PrincipalStore.RevokeOutcome
        do {
            outcome = try principals.revoke(id: id, now: Timestamp.now())
        } catch {
            // The revocation is already in force in memory; only the file lags.
            logger.error("could not write the principals file", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The revocation is in force but could not be written to disk; repeat the request.")
        }
        switch outcome {
        case .revoked:
            logger.notice("principal revoked", metadata: ["principal": "\(id)", "by": "\(admin.id)"])
        case .alreadyRevoked:
            break
        case .notFound:
            throw Refusal.notFound("There is no principal with this id.")
        case .lastAdmin:
            throw Refusal.conflict("This is the last active admin; create another admin before revoking it.")
        }
    }
}
