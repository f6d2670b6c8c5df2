import CreditRecords

/// What the two-person rule for lifetime bans (docs/records.md "Bans need two people") means
/// to the exporter: a ban that waits for a second inspector is not in force, so it must not
/// reach the national 失信名单 before its `ban_confirmation`; a revocation of a lifetime ban
/// that waits likewise withdraws nothing yet. Both are decided from the envelope alone, as the
/// index decides them, and acted on at the confirmation's seq (docs/export.md "Bans that need
/// two people").
enum ConfirmationNote: Sendable, Equatable {
    /// A lifetime ban an inspector submitted under the rule: its 新增 row is held.
    case banAwaitsConfirmation
    /// A revocation an inspector submitted under the rule: held when its target is a lifetime ban.
    case revocationUnderRule
    /// A `ban_confirmation` of the record at this seq.
    case confirms(UInt64)

    /// The note for an entry, read only for the outcomes the rule can touch (bans' rows,
    /// revocations, confirmations: rare kinds, so decoding them again costs nothing measurable).
    static func of(_ entry: [UInt8], outcome: MappedEntry.Outcome) -> ConfirmationNote? {
        switch outcome {
        case .added(.sxmd, _, _), .mapped(.row, .ban), .mapped(.withdrawal, .revocation), .mapped(.notExported, .banConfirmation):
            break
        case .profiled(let row) where row.family == .sxmd:
            break
        default:
            return nil
        }
        guard let envelope = try? Envelope.decode(entry) else { return nil }
        let underRule = BanConfirmationRule.applies(submittedAt: envelope.submittedAt, inspector: envelope.submittedBy.authority != nil)
        switch envelope.kind {
        case .ban: return underRule && envelope.isLifetimeBan ? .banAwaitsConfirmation : nil
        case .revocation: return underRule ? .revocationUnderRule : nil
        case .banConfirmation: return envelope.body["target"]?.integerValue.flatMap { UInt64(exactly: $0) }.map(ConfirmationNote.confirms)
        default: return nil
        }
    }
}

extension MappedEntry.Outcome {
    /// A 新增 row (written as it is, or the profile's).
    var isAddRow: Bool {
        switch self {
        case .added, .profiled, .mapped(.row, _): return true
        default: return false
        }
    }
}
