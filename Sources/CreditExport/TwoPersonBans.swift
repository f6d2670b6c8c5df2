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
        case .profiledBytes(.sxmd, _, _):
            break
        default:
            return nil
        }
        if let note = scanned(entry) { return note }
        return decoded(entry)
    }

    /// The note from the decoded envelope.
    static func decoded(_ entry: [UInt8]) -> ConfirmationNote? {
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

extension ConfirmationNote {
    /// The note of a ban or revocation from the entry scanner's tape, without decoding the
    /// envelope (a third of a million bans and revocations in 1M records made that decode 6 %
    /// of the export's CPU). `.some(nil)` is "no note"; `nil` is "ask the decoder" (an escaped
    /// string, an unexpected shape, a confirmation), so both always agree
    /// (`TwoPersonBanExportTests` run both ways).
    static func scanned(_ entry: [UInt8]) -> ConfirmationNote?? {
        entry.withUnsafeBufferPointer { bytes -> ConfirmationNote?? in
            var tape = [EntryScanner.Value]()
            guard EntryScanner.scan(bytes, tape: &tape) else { return nil }
            return tape.withUnsafeBufferPointer { tape -> ConfirmationNote?? in
                let s = EntryScanner(bytes: bytes, tape: tape)
                guard s.root.type == .object, let kind = s.get(s.root, "kind"), let at = s.get(s.root, "submittedAt"),
                      let by = s.get(s.root, "submittedBy"), by.type == .object, let body = s.get(s.root, "body"), body.type == .object,
                      at.type == .string else { return nil }
                let inspector: Bool
                switch s.get(by, "authority")?.type {
                case nil: inspector = false
                case .string?: inspector = true
                default: return nil
                }
                let underRule = BanConfirmationRule.applies(submittedAt: String(decoding: s.text(at), as: UTF8.self), inspector: inspector)
                if s.equals(kind, "revocation") { return .some(underRule ? .revocationUnderRule : nil) }
                guard s.equals(kind, "ban") else { return nil }
                guard underRule else { return .some(nil) }
                switch s.get(body, "scope")?.type {
                case nil: return .some(nil)
                case .string?: return .some(s.equals(s.get(body, "scope")!, BanScope.lifetime.rawValue) ? .banAwaitsConfirmation : nil)
                default: return nil
                }
            }
        }
    }
}

extension MappedEntry.Outcome {
    /// A 新增 row (written as it is, or the profile's).
    var isAddRow: Bool {
        switch self {
        case .added, .profiled, .profiledBytes, .mapped(.row, _): return true
        default: return false
        }
    }
}
