import CreditRecords
import TransparencyLog

/// The principal log (`<data>/principal-log`, a TransparencyLog with its own key): one entry
/// per create, rotate, revoke and password set, so that who could act, from when, and on whose say-so is
/// signed and cannot be rewritten with `principals.json`. Entries hold ids, roles and the
/// organisation's USCC (public codes), and the Ed25519 public key that verifies the
/// principal's client signatures (an auditor checks a ban's signature against it), never a
/// token or its hash.
package final class PrincipalLog: Sendable {
    package enum Action: String, Sendable {
        case created
        case rotated
        case revoked
        /// Written once when the log is new, for each principal that predates it.
        case existing
        /// A web sign-in password was set (that it was, never the password or its hash).
        case passwordSet = "password_set"
    }

    package let log: TransparencyLog

    init(log: TransparencyLog) { self.log = log }

    /// Canonical `{action, at, by, expiresAt?, organization?, principal, publicKey?, revokedAt?, role, v}`.
    package static func entry(_ action: Action, _ principal: Principal, by: String, at: String) -> [UInt8] {
        var out = JSONWriter(capacity: 256)
        out.beginObject()
        out.key("action"); out.string(action.rawValue)
        out.key("at"); out.string(at)
        out.key("by"); out.string(by)
        if let expiresAt = principal.expiresAt { out.key("expiresAt"); out.string(expiresAt) }
        if let organization = principal.authority ?? principal.institution { out.key("organization"); out.string(organization.uscc) }
        out.key("principal"); out.string(principal.id)
        if let publicKey = principal.publicKey { out.key("publicKey"); out.string(publicKey) }
        if let revokedAt = principal.revokedAt { out.key("revokedAt"); out.string(revokedAt) }
        out.key("role"); out.string(principal.role.rawValue)
        out.key("v"); out.uint(1)
        out.endObject()
        return out.bytes
    }

    package func record(_ action: Action, _ principal: Principal, by: String, at: String = Timestamp.now()) async throws {
        _ = try await log.append(Self.entry(action, principal, by: by, at: at))
    }

    /// On a new (empty) log, one `existing` entry per principal already in the store, so the
    /// log accounts for every principal from its first entry on.
    func baseline(_ principals: [Principal]) async throws {
        guard log.size == 0, !principals.isEmpty else { return }
        let now = Timestamp.now()
        _ = try await log.append(contentsOf: principals.map { Self.entry(.existing, $0, by: "-", at: now) })
    }
}
