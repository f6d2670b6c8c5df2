// MARK: - erasure

/// What an erasure destroyed: everything the vault holds of one subject, or named records.
public enum ErasureScope: String, CaseIterable, Sendable, Codable {
    case subject, records
}

/// Why personal data was erased: the grounds of 个人信息保护法 (PIPL) art. 47 that apply to a
/// register kept by an authority (docs/operations.md "Erasure").
public enum ErasureBasis: String, CaseIterable, Sendable, Codable {
    /// The record was about the wrong person or wrong in substance (revoked as `data_error`).
    case dataError = "data_error"
    /// The retention period ended (art. 47 (一) 保存期限已届满).
    case retentionExpired = "retention_expired"
    /// The purpose of processing was achieved or can no longer be (art. 47 (一)).
    case purposeFulfilled = "purpose_fulfilled"
    /// The person withdrew consent, for data held on consent (art. 47 (三)).
    case consentWithdrawn = "consent_withdrawn"
}

/// 个人信息删除: the personal parts of the records at `seqs` were destroyed in the vault. Holds
/// no personal data: which records, on what ground, by whom; never the subject's identity.
public struct Erasure: Sendable, Equatable {
    public let seqs: [UInt64]
    public let scope: ErasureScope
    public let basis: ErasureBasis
    public let decidedAt: LocalDate
    public let authority: Authority
    public let publicSummary: String?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.erasure.keys)
        var seqs: [UInt64]?
        if let items = r.array("seqs") {
            var out = [UInt64]()
            for (i, item) in items.enumerated() {
                guard let n = item.integerValue, n >= 0 else {
                    r.sink.add(r.at("seqs") + "/\(i)", "type", "each of seqs is a log seq, a non-negative integer")
                    continue
                }
                out.append(UInt64(n))
            }
            if items.isEmpty { r.sink.add(r.at("seqs"), "too_small", "seqs names at least one record") }
            if Set(out).count != out.count { r.sink.add(r.at("seqs"), "duplicate", "seqs must not repeat a seq") }
            if out.count == items.count, !items.isEmpty, Set(out).count == out.count { seqs = out }
        }
        let scope = r.enumValue("scope", ErasureScope.self)
        let basis = r.enumValue("basis", ErasureBasis.self)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        let summary = r.string("publicSummary", required: false, maxLength: FieldLimit.publicSummary)
        guard let seqs, let scope, let basis, let decidedAt, let authority, summary != nil || !r.has("publicSummary") else { return nil }
        (self.seqs, self.scope, self.basis, self.decidedAt, self.authority, self.publicSummary) = (seqs, scope, basis, decidedAt, authority, summary)
    }
}
