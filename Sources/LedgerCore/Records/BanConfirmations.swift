import BackgroundIndex
import CreditRecords
import LedgerCrypto
import Logging

/// Bans need two people and a key (issue 17, part 6; docs/records.md "Bans need two people"):
/// an inspector's lifetime ban, or revocation of one, carries a client signature by the key
/// registered to the inspector, and takes effect when a second inspector of the same
/// authority confirms it with a signed `ban_confirmation`. Until then the index holds it as
/// pending and checks show it as a pending finding.
extension Ledger {
    /// Whether `record`, submitted by `principal`, falls under the rule: an inspector's
    /// lifetime ban, or an inspector's revocation of a lifetime ban.
    func needsTwoPeople(_ record: ValidatedRecord, principal: Principal) -> Bool {
        guard principal.role == .inspector else { return false }
        switch record.record {
        case .ban(let ban): return ban.scope == .lifetime
        case .revocation(let revocation): return index.isLifetimeBan(revocation.target)
        default: return false
        }
    }

    /// A record under the rule must carry a client signature (checked against the key next).
    func requireBanSignature(_ record: ValidatedRecord, principal: Principal) throws(Refusal) {
        guard needsTwoPeople(record, principal: principal), record.clientSignature == nil else { return }
        throw Refusal.invalidInput([Refusal.Item(pointer: "/clientSignature", code: "signature_required",
                                                 message: "a lifetime ban, or the revocation of one, must be signed with the key registered to this inspector (careledger sign)")],
                                   detail: "This record needs a client signature.")
    }

    /// `POST /v1/records/{seq}/confirmations`: the body is a signed record
    /// `{"kind":"ban_confirmation","body":{"target","decidedAt","authority"},"clientSignature"}`
    /// (what `careledger sign` writes), whose `target` is `seq`. The confirming inspector is of
    /// the target's authority and is not the one who submitted it; the target is a lifetime
    /// ban or a revocation of one that still waits.
    public func confirmBan(seq: UInt64, _ bytes: [UInt8], principal: Principal, logger: Logger) async throws -> Receipt {
        let document = try Refusal.parseJSON(bytes)
        guard principal.role == .inspector, let own = principal.authority else {
            throw Refusal.forbidden("Only an inspector of the recording authority may confirm a ban.")
        }
        try authorizeAuthority(document, principal: principal)
        guard document.objectValue?["kind"]?.stringValue == RecordKind.banConfirmation.rawValue else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "/kind", code: "enum", message: "kind must be ban_confirmation")],
                                       detail: "The request is not a ban confirmation.")
        }
        let keys = ["confirm\u{1F}\(seq)"]
        guard reservations.reserve(keys) else {
            throw Refusal.conflict("Another request is confirming the same record; retry once it has answered.", slug: "in-progress")
        }
        defer { reservations.release(keys) }
        try catchUpIndex()
        let record: ValidatedRecord
        switch RecordValidator.validate(document, context: ValidationContext(today: LocalDate.today(), lookup: index)) {
        case .success(let valid): record = valid
        case .failure(let failure): throw Refusal.validation(failure.errors)
        }
        guard record.target == seq else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "/body/target", code: "target_mismatch", message: "target must be the seq in the path")],
                                       detail: "The confirmation names another record than the path.")
        }
        guard let pending = index.pending(at: seq) else {
            let known = index.summary(of: seq) != nil
            throw Refusal.invalidInput([Refusal.Item(pointer: "/body/target", code: known ? "not_pending" : "target_not_found",
                                                     message: known ? "target is not a lifetime ban or revocation waiting for a confirmation"
                                                                    : "target must be the seq of a record in the log")],
                                       detail: "There is nothing to confirm at this seq.")
        }
        guard pending.authority.uppercased() == own.uscc.uppercased() else {
            throw Refusal(.forbidden, slug: "forbidden", title: "Not allowed",
                          detail: "Only an inspector of the authority that recorded it may confirm a ban.",
                          errors: [Refusal.Item(pointer: "/body/target", code: "other_authority",
                                                message: "target was recorded by another authority")])
        }
        guard try submitter(at: seq) != principal.id else {
            throw Refusal(.forbidden, slug: "forbidden", title: "Not allowed",
                          detail: "A ban takes two people: the inspector who submitted it cannot confirm it.",
                          errors: [Refusal.Item(pointer: "/body/target", code: "self_confirmation",
                                                message: "a second inspector of the same authority must confirm; the submitter cannot")])
        }
        guard record.clientSignature != nil else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "/clientSignature", code: "signature_required",
                                                     message: "a confirmation must be signed with the key registered to this inspector (careledger sign)")],
                                       detail: "This record needs a client signature.")
        }
        let signature = try checkClientSignature(record, document: document, principal: principal)
        let envelope = Envelope(kind: .banConfirmation, body: record.body, submittedAt: Timestamp.now(),
                                submittedBy: Submitter(principal: principal.id, authority: own.uscc), clientSignature: signature)
        return try await appendPrepared(envelope, kind: .banConfirmation, principal: principal, logger: logger)
    }

    /// The principal who submitted the entry at `seq`, from the leaf's public part.
    private func submitter(at seq: UInt64) throws -> String? {
        let leaf: [UInt8]
        do { leaf = try log.entry(at: seq) } catch { throw logUnavailable(error) }
        return (try? JSONParser.parse(leaf))?.objectValue?["submittedBy"]?.objectValue?["principal"]?.stringValue
    }

    /// The authority's records waiting for a confirmation (the inspectors' page).
    public func pendingBans(principal: Principal) throws(Refusal) -> [BackgroundIndex.PendingRecord] {
        try catchUpIndex()
        guard principal.role == .inspector || principal.role == .admin else { return [] }
        return index.pendingRecords(authority: principal.role == .inspector ? principal.authority?.uscc ?? "-" : nil)
    }
}
