import CreditRecords
import LedgerCrypto
import Logging

/// Principals: create one with a new token, rotate its token, list them, revoke one (admins
/// only; the caller authorises). Each change is made durable in `principals.json` and then
/// recorded in the signed principal log before it is answered.
extension Ledger {
    /// When a token issued now stops working.
    package func tokenExpiry(now: Int64 = Timestamp.epochSeconds()) -> String {
        Timestamp.format(epochSeconds: now + configuration.tokenLifetimeSeconds)
    }

    /// Records a change in the principal log; a failure is answered 503, saying that the
    /// change itself was made (and the principal log lags).
    package func recordPrincipalChange(_ action: PrincipalLog.Action, _ principal: Principal, by: String, logger: Logger) async throws(Refusal) {
        do {
            try await principalLog.record(action, principal, by: by)
        } catch {
            logger.error("could not record a principal change in the principal log", metadata: ["error": "\(error)", "action": "\(action.rawValue)"])
            throw Refusal.unavailable("The change was made but could not be recorded in the principal log; the operator is alerted by the service's log.")
        }
    }

    /// `{id, role, token, expiresAt}`; the token is shown this once and stored only as a hash.
    public func createPrincipal(_ bytes: [UInt8], by admin: Principal, logger: Logger) async throws -> JSONValue {
        let document = try Refusal.parseJSON(bytes)
        let input: PrincipalRequest
        switch PrincipalRequest.parse(document) {
        case .success(let parsed): input = parsed
        case .failure(let refusal): throw refusal
        }
        let created: (principal: Principal, token: String)
        // Hashed before the store's lock is taken (scrypt takes tens of milliseconds).
        let passwordHash = input.password.map { PasswordHash.hash($0) }
        do {
            created = try principals.create(id: input.id, role: input.role, authority: input.authority, institution: input.institution,
                                            publicKey: input.publicKey, now: Timestamp.now(), expiresAt: tokenExpiry(), passwordHash: passwordHash)
        } catch PrincipalStore.CreateError.duplicate {
            throw Refusal.conflict("A principal with this id exists (or existed: ids of revoked principals are not reused).",
                                   errors: [Refusal.Item(pointer: "/id", code: "duplicate", message: "id is taken")])
        } catch {
            logger.error("could not write the principals file", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The principal could not be stored; nothing was created.")
        }
        logger.notice("principal created", metadata: ["principal": "\(input.id)", "role": "\(input.role.rawValue)", "by": "\(admin.id)"])
        try await recordPrincipalChange(.created, created.principal, by: admin.id, logger: logger)
        if passwordHash != nil { try await recordPrincipalChange(.passwordSet, created.principal, by: admin.id, logger: logger) }
        return .object(JSONObject([
            ("id", .string(created.principal.id)), ("role", .string(created.principal.role.rawValue)), ("token", .string(created.token)),
            ("expiresAt", created.principal.expiresAt.map(JSONValue.string) ?? .null),
        ]))
    }

    /// `{id, role, token, expiresAt}`: a new token for `id`; the old one stops working at once.
    public func rotatePrincipalToken(id: String, by admin: Principal, logger: Logger) async throws -> JSONValue {
        let outcome: PrincipalStore.RotateOutcome
        do {
            outcome = try principals.rotate(id: id, now: Timestamp.now(), expiresAt: tokenExpiry())
        } catch {
            logger.error("could not write the principals file", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The new token could not be stored; the old one still works.")
        }
        switch outcome {
        case .notFound:
            throw Refusal.notFound("There is no principal with this id.")
        case .revoked:
            throw Refusal.conflict("This principal is revoked; a revoked principal gets no new token.")
        case .rotated(let principal, let token):
            logger.notice("principal token rotated", metadata: ["principal": "\(id)", "by": "\(admin.id)"])
            try await recordPrincipalChange(.rotated, principal, by: admin.id, logger: logger)
            return .object(JSONObject([
                ("id", .string(principal.id)), ("role", .string(principal.role.rawValue)), ("token", .string(token)),
                ("expiresAt", principal.expiresAt.map(JSONValue.string) ?? .null),
            ]))
        }
    }

    /// `{principals: [{id, role, authority, institution, hasPublicKey, createdAt, expiresAt,
    /// rotatedAt, revokedAt}], next}` in creation order; never a token or its hash.
    public func listPrincipals(after: String?, limit: Int) throws(Refusal) -> JSONValue {
        guard let page = principals.page(after: after, limit: limit) else {
            throw Refusal.badQuery([Refusal.Item(parameter: "after", code: "not_found", message: "after must be the id of a principal.")])
        }
        func organization(_ o: Organization?) -> JSONValue {
            guard let o else { return .null }
            return .object(JSONObject([("name", .string(o.name)), ("uscc", .string(o.uscc)), ("region", o.region.map(JSONValue.string) ?? .null)]))
        }
        let items: [JSONValue] = page.map { p in
            .object(JSONObject([
                ("id", .string(p.id)), ("role", .string(p.role.rawValue)), ("authority", organization(p.authority)),
                ("institution", organization(p.institution)), ("hasPublicKey", .bool(p.publicKey != nil)),
                ("createdAt", .string(p.createdAt)), ("expiresAt", p.expiresAt.map(JSONValue.string) ?? .null),
                ("rotatedAt", p.rotatedAt.map(JSONValue.string) ?? .null), ("revokedAt", p.revokedAt.map(JSONValue.string) ?? .null),
            ]))
        }
        let next: JSONValue = page.count == limit ? page.last.map { .string($0.id) } ?? .null : .null
        return .object(JSONObject([("principals", .array(items)), ("next", next)]))
    }

    /// Returns once the token no longer works; not found for an unknown id; a conflict for the last admin.
    public func revokePrincipal(id: String, by admin: Principal, logger: Logger) async throws(Refusal) {
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
            if let revoked = principals.principal(id: id) {
                try await recordPrincipalChange(.revoked, revoked, by: admin.id, logger: logger)
            }
        case .alreadyRevoked:
            break
        case .notFound:
            throw Refusal.notFound("There is no principal with this id.")
        case .lastAdmin:
            throw Refusal.conflict("This is the last active admin; create another admin before revoking it.")
        }
    }
}
