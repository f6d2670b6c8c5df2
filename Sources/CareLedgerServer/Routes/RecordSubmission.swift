import CreditRecords
import HTTPTypes
import Hummingbird
import LedgerCrypto
import Logging
import TransparencyLog

/// `POST /v1/records`: parse, validate, authorise, check the client signature, hold the
/// record's keys, append, bring the index (the validator's registry) up to it, answer with the receipt.
extension LedgerServer {
    /// The 201 answer: `{seq, leafHash, checkpoint, inclusionProof}`.
    struct AppendOutcome {
        let seq: UInt64
        let body: [UInt8]
    }

    func submitRecord(_ request: Request, context: some RequestContext) async throws -> Response {
        let principal = try principals.require(request, [.inspector, .admin])
        let key = try RequestInput.idempotencyKey(request)
        let bytes = try await RequestInput.body(request, limit: configuration.bodyLimit)
        guard let key else {
            return Self.created(try await appendRecord(bytes, principal: principal, logger: context.logger))
        }

        let bodyHash = SHA256.hash(bytes).hex
        switch idempotency.begin(principal: principal.id, key: key, bodySHA256: bodyHash) {
        case .replay(let stored):
            return Self.replay(stored)
        case .mismatch:
            throw Problem.conflict("This Idempotency-Key was already used with a different request body.", slug: "idempotency-key-reused")
        case .inFlight:
            throw Problem.conflict("A request with this Idempotency-Key is still being processed; retry once it has answered.",
                                   slug: "idempotency-key-in-flight")
        case .proceed:
            break
        }
        let outcome: AppendOutcome
        do {
            outcome = try await appendRecord(bytes, principal: principal, logger: context.logger)
        } catch {
            // Only committed appends are remembered: a refused or failed request may be retried.
            idempotency.abandon(principal: principal.id, key: key)
            throw error
        }
        let stored = IdempotencyStore.Stored(principal: principal.id, key: key, bodySHA256: bodyHash, status: 201,
                                             body: Base64.encode(outcome.body), contentType: "application/json",
                                             createdAt: Timestamp.epochSeconds())
        do {
            try idempotency.complete(stored)
        } catch {
            // The record is committed: its receipt goes out regardless; the key is remembered
            // in memory, so only a restart before the disk recovers could forget it.
            context.logger.error("could not persist an idempotency key", metadata: ["error": "\(error)"])
        }
        return Self.created(outcome)
    }

    static func created(_ outcome: AppendOutcome) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.location] = "/v1/records/\(outcome.seq)"
        headers[.cacheControl] = "no-store"
        return Response(status: .created, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: outcome.body)))
    }

    static func replay(_ stored: IdempotencyStore.Stored) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = stored.contentType
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
        let body = Base64.decode(stored.body) ?? []
        return Response(status: HTTPResponse.Status(code: stored.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    func appendRecord(_ bytes: [UInt8], principal: Principal, logger: Logger) async throws -> AppendOutcome {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch let error as JSONParser.Error {
            throw Problem.malformedJSON(error)
        }
        // The record's keys are held before it is validated, so the one validation pass sees
        // every record committed before it and no concurrent request can record the same
        // document number or act on the same target meanwhile.
        let keys = Self.reservationKeys(document)
        guard reservations.reserve(keys) else {
            throw Problem.conflict("Another request is recording the same document number or acting on the same target; retry once it has answered.",
                                   slug: "in-progress")
        }
        defer { reservations.release(keys) }
        let record = try validate(document)
        try authorize(record, principal: principal)
        let signature = try checkClientSignature(record, document: document, principal: principal)

        let envelope = Envelope(kind: record.kind, body: record.body, submittedAt: Timestamp.now(),
                                submittedBy: Submitter(principal: principal.id, authority: principal.role == .inspector ? principal.authority?.uscc : nil),
                                clientSignature: signature)
        let entry: [UInt8]
        do {
            entry = try envelope.canonicalBytes()
        } catch {
            throw Problem.invalidInput([Problem.Item(pointer: "", code: "number", message: "\(error)")],
                                       detail: "The record holds a number that has no canonical JSON form.")
        }
        guard entry.count <= TransparencyLog.maxEntrySize else {
            throw Problem(status: .contentTooLarge, slug: "too-large", title: "Record too large",
                          detail: "The stored record would be \(entry.count) bytes; a log entry holds at most \(TransparencyLog.maxEntrySize).")
        }

        let started = ContinuousClock.now
        let receipt: AppendReceipt
        do {
            receipt = try await log.append(entry)
        } catch {
            logger.error("append failed", metadata: ["error": "\(error)"])
            throw Problem.unavailable("The log could not store the record, and nothing was recorded. Retry later.")
        }
        metrics.appendLatency.record(duration: ContinuousClock.now - started)
        metrics.appends.increment()
        do {
            try indexFeeder.catchUp(to: receipt.seq + 1, known: (receipt.seq, envelope))
        } catch {
            // Committed all the same: the next catch-up (any check or append) retries.
            logger.error("could not bring the background index up to date", metadata: ["error": "\(error)"])
        }
        let size = receipt.checkpoint.checkpoint.size
        metrics.treeSize.record(Int64(log.size))

        let proof = try log.inclusionProof(seq: receipt.seq, size: size)
        let body = JSONBody.bytes(.object(JSONObject([
            ("seq", .uint(receipt.seq)),
            ("leafHash", .string(receipt.leafHash.base64)),
            ("checkpoint", .string(receipt.checkpoint.note)),
            ("inclusionProof", .array(proof.map { .string($0.base64) })),
        ])))
        logger.info("record appended", metadata: ["seq": "\(receipt.seq)", "kind": "\(record.kind.rawValue)", "principal": "\(principal.id)"])
        return AppendOutcome(seq: receipt.seq, body: body)
    }

    private func validate(_ document: JSONValue) throws -> ValidatedRecord {
        // Every committed record first (an append whose own catch-up failed is applied here).
        do {
            try indexFeeder.catchUp(to: log.size)
        } catch {
            throw logUnavailable(error)
        }
        switch RecordValidator.validate(document, context: ValidationContext(today: LocalDate.today(), lookup: index)) {
        case .success(let record): return record
        case .failure(let failure): throw Problem.validation(failure.errors)
        }
    }

    /// Inspectors act only in their own authority's name, and withdraw or repair only their
    /// own authority's records; admins may do anything.
    private func authorize(_ record: ValidatedRecord, principal: Principal) throws {
        var target: RecordSummary?
        if record.kind == .revocation || record.kind == .creditRepair, let seq = record.target {
            target = index.summary(of: seq)
            if target == nil {
                throw Problem.validation([FieldError(pointer: "/body/target", code: "target_not_found",
                                                     message: "target must be the seq of a record in the log")])
            }
        }
        guard principal.role == .inspector else { return }
        guard let own = principal.authority?.uscc, record.authority == own else {
            throw Problem.forbidden("An inspector may submit records only in the name of its own authority (body.authority.uscc).")
        }
        if let target, target.authority != own {
            throw Problem.forbidden("An inspector may withdraw or repair only records its own authority recorded.")
        }
    }

    /// A `clientSignature` must verify, with the principal's registered key, over the JCS
    /// bytes of `{"kind","body"}` as stored, so that anyone can check the stored envelope.
    private func checkClientSignature(_ record: ValidatedRecord, document: JSONValue, principal: Principal) throws -> ClientSignature? {
        // The validator has checked the signature's shape; here it is checked against the key.
        guard let signature = record.clientSignature else { return nil }
        let object = document.objectValue
        func refuse(_ code: String, _ message: String, pointer: String = "/clientSignature/sig") -> Problem {
            Problem.invalidInput([Problem.Item(pointer: pointer, code: code, message: message)],
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
