import BackgroundIndex
import CreditRecords
import LedgerCrypto
import Logging
import PersonalVault
import TransparencyLog

/// Erasure (PIPL art. 47; docs/operations.md "Erasure"): destroys personal parts in the vault
/// and appends an `erasure` record that names the records and the ground, never the person.
/// The log's leaves never held the personal data, so every checkpoint and proof stays valid.
///
/// Rules, each refused with a problem naming it: records revoked as `data_error` may always be
/// erased; a subject with a live ban (or any bar) may not be (`erasure-live-ban`); anything
/// else only once its retention ended (`retention-not-ended`, `LedgerConfiguration.retentionYears`).
/// A data-error record the service's export put on the national platform waits for its
/// withdrawal to be exported (`erasure-withdrawal-not-exported`).
extension Ledger {
    /// `POST /v1/erasures`: `{"subject": {idType, idNumber}} | {"seqs": [...]}`, plus `basis`,
    /// `authority` (unless the principal has one with a region) and optional `publicSummary`.
    package func erase(_ bytes: [UInt8], principal: Principal, logger: Logger) async throws -> Receipt {
        let request = try ErasureRequest.parse(try Refusal.parseJSON(bytes), principal: principal)
        // A subject erasure reads the rules only once no append naming the person is under
        // way, and none starts until it is done (ErasureGate.swift): a ban sealed meanwhile
        // would be destroyed with the rest.
        let person = request.subject.map { RecordSubjects.person(idType: $0.0, number: $0.1) }
        if let person {
            guard await erasureGate.closeForErasure(of: person) else { throw Self.gateBusy }
        }
        defer { if let person { erasureGate.open(for: person) } }
        // The service's export run and an erasure exclude each other (PlatformExport.swift).
        if let export = configuration.platformExport {
            guard export.beginErasure() else { throw Self.exportRunning }
        }
        defer { configuration.platformExport?.endErasure() }
        try catchUpIndex()
        let plan = try plan(request)
        // The record first: if the vault fails after it, the next start re-applies it.
        var body = JSONObject([("seqs", .array(plan.seqs.map { .uint($0) })), ("scope", .string(request.scope.rawValue)),
                               ("basis", .string(request.basis.rawValue)), ("decidedAt", .string(LocalDate.today().description)),
                               ("authority", .object(request.authority))])
        if let summary = request.publicSummary { body["publicSummary"] = .string(summary) }
        let record: ValidatedRecord
        switch RecordValidator.validate(.object(JSONObject([("kind", .string(RecordKind.erasure.rawValue)), ("body", .object(body))])),
                                        context: ValidationContext(today: LocalDate.today(), lookup: index)) {
        case .success(let valid): record = valid
        case .failure(let failure): throw Refusal.validation(failure.errors.map(Self.requestPointer))
        }
        let envelope = Envelope(kind: .erasure, body: record.body, submittedAt: Timestamp.now(),
                                submittedBy: Submitter(principal: principal.id, authority: principal.authority?.uscc), clientSignature: nil)
        let receipt = try await appendPrepared(envelope, kind: .erasure, principal: principal, logger: logger)
        do {
            switch plan.subject {
            case .some(let subject): _ = try vault.eraseSubject(subject)
            case .none: for commitment in plan.commitments { try vault.eraseRecord(commitment) }
            }
        } catch {
            logger.error("the vault could not complete an erasure; the next start re-applies it", metadata: ["seq": "\(receipt.seq)"])
            throw Refusal.unavailable("The erasure is recorded but the vault could not complete it; it is re-applied at the next start.")
        }
        if person != nil {
            for key in plan.forget { index.forget(key) }
        } else {
            await forgetIfNothingIsLeft(plan)
        }
        logger.info("personal data erased", metadata: ["seq": "\(receipt.seq)", "records": "\(plan.seqs.count)", "basis": "\(request.basis.rawValue)"])
        return receipt
    }

    static let exportRunning = Refusal.unavailable(
        "The export to the national platform is running. Nothing was erased; retry when it has finished.", retryAfterSeconds: 5)

    static let gateBusy = Refusal.unavailable(
        "Another erasure of this person, or records naming them, are being written. Nothing was erased; retry in a moment.", retryAfterSeconds: 1)

    /// After a record erasure: each person all of whose personal parts went with it is
    /// forgotten by the index, checked again with the gate closed for them, so that a record
    /// naming them appended meanwhile keeps them in the index.
    private func forgetIfNothingIsLeft(_ plan: ErasurePlan) async {
        for key in plan.forget {
            let person = RecordSubjects.person(idType: key.idType, number: key.number)
            guard await erasureGate.closeForErasure(of: person) else {
                // The person stays in the index until the next start rebuilds it.
                logger.warning("an erased person is still in the index: records naming them were being written")
                continue
            }
            defer { erasureGate.open(for: person) }
            if vault.commitments(of: person).isEmpty { index.forget(key) }
        }
    }

    /// The erasure record's field errors point into the request, not at a body the client
    /// never wrote.
    static func requestPointer(_ error: FieldError) -> FieldError {
        FieldError(pointer: error.pointer.hasPrefix("/body") ? String(error.pointer.dropFirst(5)) : error.pointer,
                   code: error.code, message: error.message)
    }

    struct ErasurePlan {
        var seqs: [UInt64] = []
        var commitments: [Digest32] = []
        var subject: SubjectIdentifier?
        /// People the index forgets at once.
        var forget: [PersonKey] = []
    }

    /// What to destroy, after every rule has passed.
    func plan(_ request: ErasureRequest) throws -> ErasurePlan {
        let scan = try scanForErasure(findingSealed: request.subject != nil)
        let today = LocalDate.today()
        var plan = ErasurePlan()
        var pending: [(UInt64, Envelope)] = []
        if let (type, number) = request.subject {
            let key = PersonKey(idType: type, number: number)
            // A lifetime ban awaiting its second inspector keeps the data too (docs/records.md "Bans need two people").
            if index.isBarredOrPending(key, today: today, options: barOptions) {
                // A pending lifetime ban does not bar yet (a check answers no ban), but its
                // confirmation would need the data: the message says which case this may be.
                throw Refusal.conflict("This person has a ban or bar in force, or a lifetime ban awaiting its second inspector; its legal basis outlives the request, so their data is kept.",
                                       slug: "erasure-live-ban",
                                       errors: [Refusal.Item(pointer: "/subject", code: "erasure_live_ban",
                                                             message: "the person is barred today, or a lifetime ban of them awaits its confirmation")])
            }
            let subject = RecordSubjects.person(idType: type, number: number)
            let commitments = Set(vault.commitments(of: subject))
            guard !commitments.isEmpty else {
                throw Refusal.notFound("The vault holds nothing of this person (never recorded, or already erased).")
            }
            for (seq, commitment) in scan.sealed where commitments.contains(commitment) {
                pending.append((seq, try openedEnvelope(seq)))
                plan.commitments.append(commitment)
            }
            plan.subject = subject
            plan.forget = [key]
        } else {
            for seq in request.seqs {
                guard seq < log.size, let commitment = SealedEntries.commitment(of: try log.entry(at: seq)) else {
                    throw Refusal.validation([FieldError(pointer: "/seqs", code: "nothing_to_erase",
                                                         message: "seq \(seq) is not a record with a personal part in this log")])
                }
                guard try vault.open(commitment) != nil else { continue }  // already erased: nothing to do
                pending.append((seq, try openedEnvelope(seq)))
                plan.commitments.append(commitment)
            }
            guard !pending.isEmpty else { throw Refusal.conflict("Every record named is already erased.", slug: "already-erased") }
        }
        var open: [UInt64] = []
        for (seq, envelope) in pending {
            plan.seqs.append(seq)
            if scan.dataErrors.contains(seq) { continue }
            // A revocation or repair of a data-error record goes with it.
            if let target = KindSpec.of(envelope.kind).target.flatMap({ envelope.body["\($0)"]?.integerValue }),
               let t = UInt64(exactly: target), scan.dataErrors.contains(t) { continue }
            if let end = retentionEnd(envelope), end < today { continue }
            open.append(seq)
        }
        // A wrong record on the national platform is withdrawn first: its 撤回 row names the
        // person, which an erasure would leave the export unable to write (target_erased).
        let onPlatform: Set<UInt64>
        do { onPlatform = try configuration.platformExport?.onPlatform(plan.seqs.filter { scan.dataErrors.contains($0) }) ?? [] } catch {
            logger.error("an erasure could not read the export's state", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The export's state could not be read, so whether the record is on the national platform is unknown. Nothing was erased.")
        }
        guard onPlatform.isEmpty else {
            throw Refusal.conflict("\(onPlatform.count) record(s) revoked as a data error are on the national platform and their withdrawal has not been exported yet; " +
                                   "erase after the next export run has sent it.",
                                   slug: "erasure-withdrawal-not-exported",
                                   errors: onPlatform.sorted().map { Refusal.Item(pointer: request.subject == nil ? "/seqs" : "/subject", code: "withdrawal_not_exported",
                                                                                  message: "record \($0) is on the national platform until its withdrawal is exported") })
        }
        guard open.isEmpty else {
            throw Refusal.conflict("The retention of \(open.count) record(s) has not ended and none was revoked as a data error.",
                                   slug: "retention-not-ended",
                                   errors: open.map { Refusal.Item(pointer: request.subject == nil ? "/seqs" : "/subject", code: "retention_not_ended",
                                                                   message: "record \($0) is kept until its retention ends") })
        }
        if request.subject == nil {
            // A person whose every personal part goes with these records is forgotten too.
            let owners = Set(pending.compactMap { RecordSubjects.owner(kind: $0.1.kind, body: $0.1.body) })
            for case .person(let type, let number) in owners {
                let left = Set(vault.commitments(of: SubjectIdentifier.person(idType: type, idNumber: number))).subtracting(plan.commitments)
                if left.isEmpty, let idType = IdType(rawValue: type) { plan.forget.append(PersonKey(idType: idType, number: number)) }
            }
        }
        plan.seqs.sort()
        return plan
    }

    private func openedEnvelope(_ seq: UInt64) throws -> Envelope {
        try Envelope.decode(sealed.open(log.entry(at: seq)))
    }

    /// The last day a record's personal part must be kept; nil: never (a lifetime ban).
    func retentionEnd(_ envelope: Envelope) -> LocalDate? {
        let body = envelope.body
        guard let decided = RecordRegistry.decisionDate(kind: envelope.kind, body: body) else { return nil }
        if envelope.kind == .ban, body["scope"]?.stringValue == BanScope.lifetime.rawValue { return nil }
        var end = decided.adding(years: configuration.retentionYears[envelope.kind] ?? 3)
        for key in ["until", "practiceBanUntil", "validUntil", "publicUntil"] {
            if let day = body[key]?.stringValue.flatMap(LocalDate.init(iso:)), day > end { end = day }
        }
        return end
    }


    struct ErasureScan {
        /// Every sealed entry with a personal part, by seq.
        var sealed: [(UInt64, Digest32)] = []
        /// Targets of revocations for `data_error`.
        var dataErrors: Set<UInt64> = []
        /// The erasure records.
        var erasures: [(UInt64, Envelope)] = []
    }

    /// One pass over the log: the commitments, the data-error revocations and the erasures
    /// (all public, so the sealed leaves suffice).
    func scanForErasure(findingSealed: Bool) throws -> ErasureScan {
        try Self.scanForErasure(log, findingSealed: findingSealed)
    }

    /// One pass over the log for its erasure records and data-error revocations, and, when
    /// `findingSealed` (a subject erasure maps the person's commitments back to seqs), every
    /// sealed entry's commitment. It runs at every start, so an entry is decoded only when
    /// its kind, read from the bytes, is one of the two.
    static func scanForErasure(_ log: TransparencyLog, findingSealed: Bool) throws -> ErasureScan {
        var scan = ErasureScan()
        try log.forEachEntry { seq, entry in
            if findingSealed, let commitment = SealedEntries.commitment(of: entry) { scan.sealed.append((seq, commitment)) }
            guard let kind = EnvelopeBytes.kind(of: entry), kind == .revocation || kind == .erasure,
                  let envelope = try? Envelope.decode(entry) else { return }
            if envelope.kind == .revocation, envelope.body["reason"]?.stringValue == RevocationReason.dataError.rawValue,
               let target = envelope.body["target"]?.integerValue.flatMap({ UInt64(exactly: $0) }) {
                scan.dataErrors.insert(target)
            } else if envelope.kind == .erasure {
                scan.erasures.append((seq, envelope))
            }
        }
        return scan
    }

    /// At open: every erasure record's records that the vault can still open (a vault
    /// restored from a backup older than the erasure) are destroyed again. A subject erasure
    /// also destroys the key of the one person all its records name, unless a committed
    /// record sealed since is filed under it. Answers how many.
    /// The erasures are the ones `indexed` names (its snapshot's prefix of the log, whose
    /// root the snapshot was checked against) and any in the log after it: a start reads the
    /// tail, not every entry (at a million records that read was a fifth of start-up).
    static func reapplyErasures(log: TransparencyLog, sealed: SealedEntries, indexed: BackgroundIndex) throws -> Int {
        var erasures: [Envelope] = []
        for seq in indexed.seqs(of: .erasure) {
            guard let envelope = try? Envelope.decode(log.entry(at: seq)), envelope.kind == .erasure else {
                // An index that disagrees with the log is not trusted for this: read it all.
                erasures = try scanForErasure(log, findingSealed: false).erasures.map(\.1)
                return try reapply(erasures, log: log, sealed: sealed)
            }
            erasures.append(envelope)
        }
        try log.forEachEntry(in: indexed.size..<max(indexed.size, log.size)) { _, entry in
            guard EnvelopeBytes.kind(of: entry) == .erasure, let envelope = try? Envelope.decode(entry) else { return }
            erasures.append(envelope)
        }
        return try reapply(erasures, log: log, sealed: sealed)
    }

    private static func reapply(_ erasures: [Envelope], log: TransparencyLog, sealed: SealedEntries) throws -> Int {
        var count = 0
        // Every committed commitment, read only if a subject's key might have to stay.
        var committed: Set<Digest32>?
        func holdsCommitted(_ commitments: [Digest32]) throws -> Bool {
            if commitments.isEmpty { return false }
            if committed == nil { committed = Set(try scanForErasure(log, findingSealed: true).sealed.map(\.1)) }
            return commitments.contains { committed!.contains($0) }
        }
        for erasure in erasures {
            let seqs = erasure.body["seqs"]?.arrayValue?.compactMap { $0.integerValue.flatMap { UInt64(exactly: $0) } } ?? []
            var common: Set<SubjectIdentifier>?
            for seq in seqs where seq < log.size {
                let entry = try log.entry(at: seq)
                guard let commitment = SealedEntries.commitment(of: entry), let opened = try sealed.opened(entry) else { continue }
                if erasure.body["scope"]?.stringValue == ErasureScope.subject.rawValue, let envelope = try? Envelope.decode(opened.entry) {
                    var named = Set(RecordSubjects.people(in: envelope.body))
                    if let owner = RecordSubjects.owner(kind: envelope.kind, body: envelope.body) { named.insert(owner) }
                    // A revocation's notes name no one: it tells nothing of whose erasure it was.
                    if !named.isEmpty { common = common.map { $0.intersection(named) } ?? named }
                }
                try sealed.vault.eraseRecord(commitment)
                count += 1
            }
            // The key goes unless a committed record is still filed under it: an erasure whose
            // vault step failed leaves the key live until this start, and a record naming the
            // person in between (a ban) was sealed under it and must stay readable. (What was
            // sealed but never committed goes with the key.)
            if let common, common.count == 1, let subject = common.first, try !holdsCommitted(sealed.vault.commitments(of: subject)) {
                _ = try sealed.vault.eraseSubject(subject)
            }
        }
        return count
    }
}

/// `POST /v1/erasures` input, read into values with every problem named by pointer.
struct ErasureRequest {
    var subject: (IdType, String)?
    var seqs: [UInt64] = []
    var basis: ErasureBasis
    var authority: JSONObject
    var publicSummary: String?
    var scope: ErasureScope { subject == nil ? .records : .subject }

    static func parse(_ document: JSONValue, principal: Principal) throws(Refusal) -> ErasureRequest {
        guard let object = document.objectValue else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "", code: "type", message: "the request must be a JSON object")], detail: "The erasure request is not an object.")
        }
        var errors = [Refusal.Item]()
        for at in UnknownMember.pointers(object.keys, allowed: { ["subject", "seqs", "basis", "authority", "publicSummary"].contains($0) }, in: "") {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: UnknownMember.message))
        }
        var subject: (IdType, String)?
        var seqs = [UInt64]()
        switch (object["subject"], object["seqs"]) {
        case (nil, nil), (.some, .some):
            errors.append(Refusal.Item(pointer: "", code: "one_of", message: "name either subject or seqs, not both"))
        case (.some(let value), nil):
            if let person = value.objectValue {
                for at in UnknownMember.pointers(person.keys, allowed: { ["idType", "idNumber"].contains($0) }, in: "/subject") {
                    errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: "a subject is {idType, idNumber}"))
                }
                let type = person["idType"]?.stringValue.flatMap(IdType.init(rawValue:))
                if type == nil {
                    errors.append(Refusal.Item(pointer: "/subject/idType", code: "enum",
                                               message: "idType must be one of \(IdType.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                let number = CheckRequest.readIdNumber(person["idNumber"], idType: type, at: "/subject/idNumber", today: LocalDate.today(), errors: &errors)
                if let type, let number { subject = (type, number) }
            } else {
                errors.append(Refusal.Item(pointer: "/subject", code: "type", message: "subject must be an object {idType, idNumber}"))
            }
        case (nil, .some(let value)):
            let items = value.arrayValue ?? []
            if items.isEmpty { errors.append(Refusal.Item(pointer: "/seqs", code: "type", message: "seqs must be a non-empty array of log seqs")) }
            for (i, item) in items.enumerated() {
                if let n = item.integerValue, let seq = UInt64(exactly: n) { seqs.append(seq) } else {
                    errors.append(Refusal.Item(pointer: "/seqs/\(i)", code: "type", message: "a log seq is a non-negative integer"))
                }
            }
            if Set(seqs).count != seqs.count { errors.append(Refusal.Item(pointer: "/seqs", code: "duplicate", message: "seqs must not repeat a seq")) }
        }
        let basis = object["basis"]?.stringValue.flatMap(ErasureBasis.init(rawValue:))
        if basis == nil {
            errors.append(Refusal.Item(pointer: "/basis", code: "enum",
                                       message: "basis must be one of \(ErasureBasis.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        var authority = object["authority"]?.objectValue
        if authority == nil, let own = principal.authority, let region = own.region {
            authority = JSONObject([("name", .string(own.name)), ("uscc", .string(own.uscc)), ("region", .string(region))])
        }
        if authority == nil {
            errors.append(Refusal.Item(pointer: "/authority", code: "required", message: "authority {name, uscc, region} is required: the principal has none"))
        }
        var publicSummary: String?
        if let value = object["publicSummary"] {
            if let text = value.stringValue { publicSummary = text } else {
                errors.append(Refusal.Item(pointer: "/publicSummary", code: "type", message: "publicSummary must be a string"))
            }
        }
        guard errors.isEmpty, let basis, let authority else {
            throw Refusal.invalidInput(errors, detail: "The erasure request has \(errors.count) problem(s).")
        }
        return ErasureRequest(subject: subject, seqs: seqs, basis: basis, authority: authority, publicSummary: publicSummary)
    }
}
