import Hummingbird

/// Who may call a route: nobody needs a token for public routes (they never look at one);
/// the others answer 401 without a valid, unrevoked bearer token and 403 for a role the
/// route does not admit.
public enum Access: Sendable, Equatable {
    case publicRoute
    case roles(Set<Role>)
}

extension PrincipalStore {
    /// The principal behind the request's bearer token, if it may call a route open to `roles`.
    func require(_ request: Request, _ roles: Set<Role>) throws -> Principal {
        let values = request.headers[values: .authorization]
        guard !values.isEmpty else {
            throw Problem.unauthorized("This resource needs a bearer token (Authorization: Bearer …).", invalidToken: false)
        }
        guard values.count == 1, let token = BearerToken.parse(authorization: values[0]),
              let principal = authenticate(token: token) else {
            throw Problem.unauthorized("The bearer token is not valid or has been revoked.", invalidToken: true)
        }
        guard roles.contains(principal.role) else {
            let allowed = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ", ")
            throw Problem.forbidden("The \(principal.role.rawValue) role may not do this; allowed: \(allowed).")
        }
        return principal
    }
}
