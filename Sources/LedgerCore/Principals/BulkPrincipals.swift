import TransparencyLog

extension Ledger {
    /// Creates many principals at once (a migration, a benchmark): one write of the principals
    /// file and one batch of `created` entries in the principal log, instead of a file rewrite
    /// and an fsync'd append each. Returns the tokens, shown this once.
    package func createPrincipals(_ specs: [PrincipalStore.NewPrincipal], by admin: Principal) async throws -> [(Principal, token: String)] {
        let now = Timestamp.now()
        let created = try principals.createMany(specs, now: now, expiresAt: tokenExpiry())
        // The principal log takes at most 4,096 entries a batch; it batches them itself.
        _ = try await principalLog.log.append(contentsOf: created.map { PrincipalLog.entry(.created, $0.0, by: admin.id, at: now) })
        return created
    }
}
