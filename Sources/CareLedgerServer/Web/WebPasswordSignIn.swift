import LedgerCore

/// Password sign-in (docs/web.md "Passwords"): the principal's id and the password set at
/// its creation, checked by the store against the scrypt hash. A wrong id and a wrong
/// password answer alike and cost the address alike (the caller counts the failure).
extension LedgerServer {
    func passwordSignIn(id: String, password: String) -> Principal? {
        // Ids have a fixed shape and passwords a maximum: anything else fails without hashing.
        guard PrincipalIdentifiers.isValidPrincipalId(id), !password.isEmpty,
              password.unicodeScalars.count <= PrincipalRequest.passwordLength.upperBound else { return nil }
        return principals.authenticate(id: id, password: password)
    }

    /// Where a role starts after signing in.
    static func landing(_ role: Role) -> String {
        switch role {
        case .institution: return "/hr/check"
        case .inspector: return "/records/new"
        case .admin: return "/admin/principals"
        default: return "/"
        }
    }
}
