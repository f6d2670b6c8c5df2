import CreditRecords
import LedgerCrypto
import Logging
import Metrics
import PersonalVault
import TransparencyLog

/// Submitting a record: parse, hold the record's keys, validate, authorise, check the client
/// signature, envelope, append, bring the index (the validator's registry) up to it, and
/// answer with the receipt. An Idempotency-Key replays the first answer.
extension Ledger {
    /// The receipt: `{seq, leafHash, checkpoint, inclusionProof}` as canonical JSON bytes.
    public struct Receipt: Sendable {
        public let seq: UInt64
        public let body: [UInt8]
    }

    package enum Submission: Sendable {
        case created(Receipt)
        /// The answer first given to this principal and Idempotency-Key.
        case replayed(IdempotencyStore.Stored)
    }

    package func submitRecord(_ bytes: [UInt8], principal: Principal, idempotencyKey key: String?, logger: Logger) async throws -> Submission {
        guard let key else { return .created(try await appendRecord(bytes, principal: principal, logger: logger)) }

        let bodyHash = SHA256.hash(bytes).hex
        switch idempotency.begin(principal: principal.id, key: key, bodySHA256: bodyHash) {
        case .replay(let stored):
            return .replayed(stored)
        case .mismatch:
            throw Refusal.conflict("This Idempotency-Key was already used with a different request body.", slug: "idempotency-key-reused")
        case .inFlight:
            throw Refusal.conflict("A request with this Idempotency-Key is still being processed; retry once it has answered.",
                                   slug: "idempotency-key-in-flight")
        case .proceed:
            break
        }
        let receipt: Receipt
        do {
            receipt = try await appendRecord(bytes, principal: principal, logger: logger)
        } catch {
            // Only committed appends are remembered: a refused or failed request may be retried.
            idempotency.abandon(principal: principal.id, key: key)
            throw error
        }
        let stored = IdempotencyStore.Stored(principal: principal.id, key: key, bodySHA256: bodyHash, status: 201,
                                             body: Base64.encode(receipt.body), contentType: "application/json",
                                             createdAt: Timestamp.epochSeconds())
        do {
            try idempotency.complete(stored)
        } catch {
            // The record is committed: its receipt goes out regardless; the key is remembered
            // in memory, so only a restart before the disk recovers could forget it.
            logger.error("could not persist an idempotency key", metadata: ["error": "\(error)"])
        }
        return .created(receipt)
    }

    public func appendRecord(_ bytes: [UInt8], principal: Principal, logger: Logger) async throws -> Receipt {
        let document = try Refusal.parseJSON(bytes)
        // Authorisation first, before the reservations and validation, whose answers
        // (in progress, duplicate document number, target's state) would tell one authority
        // what another has filed.
        try authorizeAuthority(document, principal: principal)
        // The record's keys are held before it is validated, so the one validation pass sees
        // every record committed before it and no concurrent request can record the same
        // document number or act on the same target meanwhile.
        let keys = Self.reservationKeys(document)
        guard reservations.reserve(keys) else {
            throw Refusal.conflict("Another request is recording the same document number or acting on the same target; retry once it has answered.",
                                   slug: "in-progress")
        }
        defer { reservations.release(keys) }
        let record = try validate(document)
        guard record.kind != .erasure else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "/kind", code: "not_submittable",
                                                     message: "an erasure is recorded by POST /v1/erasures, which also destroys the data")],
                                       detail: "An erasure record cannot be submitted directly.")
        }
        guard record.kind != .migration else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "/kind", code: "not_submittable",
                                                     message: "a migration record is written only by careledger migrate, as a new log's first entry")],
                                       detail: "A migration record cannot be submitted.")
        }
        guard record.kind != .banConfirmation else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "/kind", code: "not_submittable",
                                                     message: "a ban confirmation is recorded by POST /v1/records/{seq}/confirmations, which checks who confirms")],
                                       detail: "A ban confirmation cannot be submitted directly.")
        }
        try authorize(record, principal: principal)
        try screenFiling(record)
        try requireBanSignature(record, principal: principal)
        let signature = try checkClientSignature(record, document: document, principal: principal)

        let envelope = Envelope(kind: record.kind, body: record.body, submittedAt: Timestamp.now(),
                                submittedBy: Submitter(principal: principal.id, authority: principal.role == .inspector ? principal.authority?.uscc : nil),
                                clientSignature: signature)
        return try await appendPrepared(envelope, kind: record.kind, principal: principal, logger: logger)
    }

    /// Seals a validated envelope, appends its leaf, brings the index up to it and answers
    /// the receipt (records and erasures).
    func appendPrepared(_ envelope: Envelope, kind: RecordKind, principal: Principal, logger: Logger) async throws -> Receipt {
        // A frozen log (a fork) takes nothing, not even a personal part into the vault.
        if witness?.isFrozen == true { throw Self.frozen }
        // A vault refusing writes since a failed sync is put back first, once the disk works.
        do { try vault.recoverIfFailed() } catch {
            logger.error("the vault is still failing", metadata: ["error": "\(error)"])
            throw Self.vaultUnavailable
        }
        // Not while one of the people it names is being erased (ErasureGate.swift); the ticket
        // is returned once the record is committed and in the index, or refused.
        let people = RecordSubjects.people(in: envelope.body)
        guard let ticket = erasureGate.enter(naming: people) else { throw Self.erasureUnderWay }
        defer { erasureGate.leave(ticket) }
        // Read before the seal: the log refuses the leaf if the vault recovers (cutting what
        // was not synced) before the leaf's batch is committed.
        let recoveries = vault.recoveries
        let sealedEntry = try seal(envelope, people: people, logger: logger)
        let entry = sealedEntry.leaf

        let appended: AppendReceipt
        let started = ContinuousClock.now
        // Whoever catches the index up first applies it from here (IndexFeeder.underWay).
        indexFeeder.expect(entry, envelope: envelope)
        do {
            // The log's beforeCommit makes the batch's seals durable before it signs or writes
            // anything (Ledger.open): the leaf is acknowledged only with its personal part.
            appended = try await log.append(entry, fence: recoveries)
        } catch {
            indexFeeder.withdraw(entry)
            // Nothing was acknowledged: the personal part filed for it is not kept either.
            if let commitment = sealedEntry.commitment { try? vault.eraseRecord(commitment) }
            if Self.refusedForTheVault(error) {
                logger.error("the vault could not make the batch's sealed records durable", metadata: ["error": "\(error)"])
                throw Self.vaultUnavailable
            }
            if error is CheckpointWitness.Refused {
                // Refused before anything was signed or written (the log's beforeSigning gate).
                logger.critical("checkpoint witness holds a checkpoint this writer did not store: the records log is frozen (fork)")
                throw Self.frozen
            }
            logger.error("append failed", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The log could not store the record, and nothing was recorded. Retry later.")
        }
        try advanceWitness(to: appended.checkpoint)
        metrics.appendLatency.record(duration: ContinuousClock.now - started)
        metrics.appends.increment()
        do {
            try indexFeeder.catchUp(to: appended.seq + 1)
        } catch {
            // Committed all the same: the next catch-up (any check or append) retries.
            logger.error("could not bring the background index up to date", metadata: ["error": "\(error)"])
        }
        let size = appended.checkpoint.checkpoint.size
        metrics.treeSize.record(Int64(log.size))

        let proof = try log.inclusionProof(seq: appended.seq, size: size)
        let body = CanonicalBody.bytes(.object(JSONObject([
            ("seq", .uint(appended.seq)),
            ("leafHash", .string(appended.leafHash.base64)),
            ("checkpoint", .string(appended.checkpoint.note)),
            ("inclusionProof", .array(proof.map { .string($0.base64) })),
        ])))
        logger.info("record appended", metadata: ["seq": "\(appended.seq)", "kind": "\(kind.rawValue)", "principal": "\(principal.id)"])
        return Receipt(seq: appended.seq, body: body)
    }

    /// The sealed leaf of `envelope` (the full v1 envelope), its personal part filed in the
    /// vault under its owner: the person it is about, else the organisation; a revocation or
    /// repair under its target's owner, so erasing that subject takes the notes about them too.
    package func seal(_ envelope: Envelope, people: [SubjectIdentifier], logger: Logger) throws -> SealedEntries.Sealed {
        let body = envelope.body
        var owner = RecordSubjects.owner(kind: envelope.kind, body: body)
        if owner == nil, let target = KindSpec.of(envelope.kind).target.flatMap({ body["\($0)"]?.integerValue }),
           let seq = UInt64(exactly: target), seq < log.size,
           let opened = try? Envelope.decode(sealed.open(log.entry(at: seq))) {
            owner = RecordSubjects.owner(kind: opened.kind, body: opened.body)
        }
        let authority = body["authority"]?.objectValue?["uscc"]?.stringValue ?? ""
        let sealedEntry: SealedEntries.Sealed
        do {
            sealedEntry = try sealed.seal(envelope, owner: owner ?? .organization(uscc: RecordSubjects.normalised(authority)),
                                          mentions: people)
        } catch let tooLarge as SealedEntries.TooLarge {
            throw Self.tooLarge("The record would be \(tooLarge.size) bytes; a record holds at most \(TransparencyLog.maxEntrySize).")
        } catch is CanonicalJSON.Error {
            // Not the error's text: it quotes the number, a value from the client's body.
            throw Refusal.invalidInput([Refusal.Item(pointer: "", code: "number", message: "a number is not a finite IEEE 754 double")],
                                       detail: "The record holds a number that has no canonical JSON form.")
        } catch {
            logger.error("the vault could not seal a record", metadata: ["error": "\(error)"])
            throw Self.vaultUnavailable
        }
        guard sealedEntry.leaf.count <= TransparencyLog.maxEntrySize else {
            if let commitment = sealedEntry.commitment { try? vault.eraseRecord(commitment) }
            throw Self.tooLarge("The stored record would be \(sealedEntry.leaf.count) bytes; a log entry holds at most \(TransparencyLog.maxEntrySize).")
        }
        return sealedEntry
    }

    /// The log refused a batch for the vault's sake: its sync failed in the log's
    /// beforeCommit, or it recovered (the fence moved) after the seal.
    static func refusedForTheVault(_ error: any Error) -> Bool {
        if error is VaultError { return true }
        if let logError = error as? LogError, case .fenced = logError { return true }
        return false
    }

    /// The full envelope (kept in the vault) or the leaf over the log's entry limit: a 413.
    static func tooLarge(_ detail: String) -> Refusal {
        Refusal(.tooLarge, slug: "too-large", title: "Record too large", detail: detail)
    }

    /// Any failure of the vault on an append: the client learns only that nothing was recorded.
    static let vaultUnavailable = Refusal.unavailable("The personal-data vault could not store the record, and nothing was recorded. Retry later.")

    /// An append naming a person whose erasure is under way: a moment later it goes through
    /// (and is kept under the person's next data key) or meets the erasure's rules.
    static let erasureUnderWay = Refusal.unavailable(
        "An erasure of a person this record names is under way, and nothing was recorded. Retry in a moment.", retryAfterSeconds: 1)

    static let frozen = Refusal.unavailable(
        "The records log is frozen: its checkpoint witness holds a checkpoint this service did not write (a fork). The operator must start a new origin.",
        retryAfterSeconds: 3600)

    /// Moves the checkpoint witness to the append's checkpoint before the append is
    /// acknowledged; a witness this writer did not expect freezes the log.
    private func advanceWitness(to checkpoint: SignedCheckpoint) throws(Refusal) {
        guard let witness else { return }
        let advanced: Bool
        do {
            advanced = try witness.advance(to: checkpoint)
        } catch {
            logger.error("could not store the checkpoint in the checkpoint witness", metadata: ["error": "\(error)"])
            throw Refusal.unavailable("The record was written but its checkpoint could not be stored in the checkpoint witness, so it is not acknowledged. Retry later.")
        }
        guard advanced else {
            logger.critical("checkpoint witness holds a checkpoint this writer did not store: the records log is frozen (fork)")
            throw Self.frozen
        }
    }

    private func validate(_ document: JSONValue) throws -> ValidatedRecord {
        // Every committed record first (an append whose own catch-up failed is applied here).
        try catchUpIndex()
        switch RecordValidator.validate(document, context: ValidationContext(today: LocalDate.today(), lookup: index)) {
        case .success(let record): return record
        case .failure(let failure): throw Refusal.validation(failure.errors)
        }
    }

    /// An inspector's record names its authority exactly as the principal is registered
    /// (name, USCC, region), and a revocation or credit repair targets only that authority's
    /// records; otherwise 403 naming the field. Read from the raw document, before validation.
    /// Admins may record for any authority.
    func authorizeAuthority(_ document: JSONValue, principal: Principal) throws(Refusal) {
        guard principal.role == .inspector else { return }
        guard let own = principal.authority else {
            throw Refusal.forbidden("This inspector is bound to no authority.")
        }
        let body = document.objectValue?["body"]?.objectValue
        let claimed = body?["authority"]?.objectValue
        func refuse(_ member: String, _ message: String) -> Refusal {
            Refusal(.forbidden, slug: "forbidden", title: "Not allowed",
                    detail: "An inspector may submit records only in the name of its own authority, as registered.",
                    errors: [Refusal.Item(pointer: "/body/authority" + (member.isEmpty ? "" : "/" + member), code: "not_own_authority", message: message)])
        }
        guard let claimed else { throw refuse("", "authority must be this inspector's registered authority {name, uscc, region}") }
        if claimed["uscc"]?.stringValue?.uppercased() != own.uscc.uppercased() {
            throw refuse("uscc", "uscc must be this inspector's registered authority's code")
        }
        if claimed["name"]?.stringValue != own.name {
            throw refuse("name", "name must be this inspector's registered authority's name, exactly")
        }
        if let region = own.region, claimed["region"]?.stringValue != region {
            throw refuse("region", "region must be this inspector's registered authority's region")
        }
        let kind = document.objectValue?["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:))
        if kind == .revocation || kind == .creditRepair { try catchUpIndex() }
        if kind == .revocation || kind == .creditRepair, let seq = body?["target"]?.integerValue.flatMap(UInt64.init(exactly:)),
           let target = index.summary(of: seq), target.authority.uppercased() != own.uscc.uppercased() {
            throw Refusal(.forbidden, slug: "forbidden", title: "Not allowed",
                          detail: "An inspector may withdraw or repair only records its own authority recorded.",
                          errors: [Refusal.Item(pointer: "/body/target", code: "not_own_record",
                                                message: "target must be a record this inspector's authority recorded")])
        }
    }

    /// A revocation or credit repair must target a record in the log (any role).
    private func authorize(_ record: ValidatedRecord, principal: Principal) throws {
        if record.kind == .revocation || record.kind == .creditRepair, let seq = record.target, index.summary(of: seq) == nil {
            throw Refusal.validation([FieldError(pointer: "/body/target", code: "target_not_found",
                                                 message: "target must be the seq of a record in the log")])
        }
    }

    /// A `clientSignature` must verify, with the principal's registered key, over the JCS
    /// bytes of `{"kind","body"}` as stored, so that anyone can check the stored envelope.
    func checkClientSignature(_ record: ValidatedRecord, document: JSONValue, principal: Principal) throws -> ClientSignature? {
        // The validator has checked the signature's shape; here it is checked against the key.
        guard let signature = record.clientSignature else { return nil }
        let object = document.objectValue
        func refuse(_ code: String, _ message: String, pointer: String = "/clientSignature/sig") -> Refusal {
            Refusal.invalidInput([Refusal.Item(pointer: pointer, code: code, message: message)],
                                 detail: "The client signature was not accepted.")
        }
        guard let keyText = principal.publicKey, let raw = Base64.decode(keyText), let key = try? Ed25519PublicKey(rawRepresentation: raw) else {
            throw refuse("no_public_key", "this principal has no registered public key to verify client signatures with")
        }
        guard let sig = Base64.decode(signature.sig), sig.count == 64 else {
            throw refuse("signature_format", "sig must be the standard base64 encoding of a 64-byte Ed25519 signature")
        }
        if let signed = try? Envelope.signedBytes(kind: record.kind, body: record.body), key.isValidSignature(sig, for: signed) {
            return signature
        }
        if let body = object?["body"]?.objectValue, let submitted = try? Envelope.signedBytes(kind: record.kind, body: body),
           key.isValidSignature(sig, for: submitted) {
            throw refuse("signature_not_normalised",
                         "the signature covers the body as sent, which the service normalises (e.g. an upper-case X); sign the normalised body")
        }
        throw refuse("signature_invalid", "the signature does not verify over the JCS bytes of {\"kind\",\"body\"} with this principal's key")
    }

    /// The keys two concurrent appends must not share: the authority's document number, and
    /// the target a revocation or credit repair acts on.
    static func reservationKeys(_ document: JSONValue) -> [String] {
        guard let object = document.objectValue, let kind = object["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
              let body = object["body"]?.objectValue else { return [] }
        var keys = [String]()
        if let number = RecordRegistry.documentNumber(kind: kind, body: body),
           let authority = body["authority"]?.objectValue?["uscc"]?.stringValue {
            keys.append("document\u{1F}\(authority)\u{1F}\(number)")
        }
        if kind == .revocation || kind == .creditRepair, let target = body["target"]?.integerValue {
            keys.append("target\u{1F}\(target)")
        }
        return keys
    }
}
