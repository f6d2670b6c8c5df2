import CreditRecords

/// What a principal may do (docs/http.md, "Routes and roles").
public enum Role: String, Sendable, CaseIterable, Codable, Hashable {
    case admin
    /// Bound to an authority; appends records in that authority's name.
    case inspector
    /// Bound to an institution; runs background checks.
    case institution
    case exporter
    case auditor
    /// Reads `/metrics` and nothing else: the Prometheus scraper's token (docs/http.md).
    case metrics
}

/// A holder of a bearer token. The token itself is never stored: only its SHA-256.
public struct Principal: Sendable, Equatable, Codable {
    public let id: String
    public let role: Role
    public let authority: Organization?
    public let institution: Organization?
    /// Standard base64 of the raw 32-byte Ed25519 key that verifies its client signatures.
    public let publicKey: String?
    /// Lower-case hex SHA-256 of the token's UTF-8 bytes.
    package var tokenSHA256: String
    /// RFC 3339 UTC.
    public let createdAt: String
    public var revokedAt: String?
    /// When the current token stops working (RFC 3339 UTC); nil for a token issued before
    /// tokens expired, which works until it is rotated.
    public var expiresAt: String?
    /// When the current token was issued by a rotation.
    public var rotatedAt: String?
    /// `PasswordHash` of the web sign-in password set at creation (docs/web.md "Passwords");
    /// nil: token sign-in only. Kept in `principals.json` (0600), never answered or logged.
    package var passwordHash: String?

    public var isActive: Bool { revokedAt == nil }

    /// Active and its token not expired at `now` (fixed-width RFC 3339 UTC strings compare
    /// as the instants they name).
    public func isUsable(at now: String) -> Bool {
        isActive && (expiresAt.map { now < $0 } ?? true)
    }

    package init(id: String, role: Role, authority: Organization?, institution: Organization?, publicKey: String?,
         tokenSHA256: String, createdAt: String, revokedAt: String? = nil, expiresAt: String? = nil) {
        self.id = id
        self.role = role
        self.authority = authority
        self.institution = institution
        self.publicKey = publicKey
        self.tokenSHA256 = tokenSHA256
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.expiresAt = expiresAt
    }
}
