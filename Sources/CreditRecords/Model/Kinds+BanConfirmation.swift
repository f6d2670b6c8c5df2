// MARK: - ban_confirmation

/// 终身禁入确认: a second inspector of the recording authority confirms the lifetime ban, or
/// the revocation of one, at `target`; until then it does not take effect (docs/records.md
/// "Bans need two people"). Holds no personal data: the confirmer is the envelope's
/// submitter and the signature its `clientSignature`.
public struct BanConfirmation: Sendable, Equatable {
    public let target: UInt64
    public let decidedAt: LocalDate
    public let authority: Authority

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.banConfirmation.keys)
        let target = readTarget(r)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        guard let target, let decidedAt, let authority else { return nil }
        (self.target, self.decidedAt, self.authority) = (target, decidedAt, authority)
    }
}

/// Which records need a second inspector (docs/records.md "Bans need two people"): a lifetime
/// ban, or a revocation of one, that an inspector submitted from `since` on. Earlier ones
/// (grandfathered by this rule-version date) and an admin's (the operator's role, which can
/// make inspectors and keys anyway) take effect as before. Decided from the envelope alone,
/// so an index rebuilt from the log decides the same.
public enum BanConfirmationRule {
    /// RFC 3339 UTC, compared as text with `submittedAt` (both fixed-width, to the second).
    public static let since = "2026-12-06T00:00:00Z"

    /// An envelope submitted by an inspector (its `submittedBy.authority` is set) from `since` on.
    public static func applies(submittedAt: String, inspector: Bool) -> Bool {
        inspector && submittedAt >= since
    }
}

extension BanScope {
    /// Whether a ban's body is a lifetime ban: the rule's test, in one place for the index and
    /// the exporter. `scope` is a public member, so a sealed leaf answers as an opened one.
    public static func isLifetime(kind: RecordKind, body: JSONObject) -> Bool {
        kind == .ban && body["scope"]?.stringValue == BanScope.lifetime.rawValue
    }
}

extension Envelope {
    /// A lifetime ban (`BanScope.isLifetime`), whether this envelope is sealed or opened.
    public var isLifetimeBan: Bool { BanScope.isLifetime(kind: kind, body: body) }
}
