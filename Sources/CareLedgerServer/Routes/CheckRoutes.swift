import BackgroundIndex
import CreditRecords
import Hummingbird
import LedgerCrypto
import Logging
import TransparencyLog

/// Background checks (`POST /v1/checks`), who checked whom (`GET /v1/audit/checks`), the
/// public institution disclosure, and the access log's public read side (`/access-log/…`).
extension LedgerServer {
    static let checkers: Set<Role> = [.institution, .inspector, .admin]
    static let checkAuditors: Set<Role> = [.auditor, .admin]
    static let accessBundleReaders: Set<Role> = [.auditor, .admin]

    func addCheckRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/checks") { request, context in
            try await self.check(request, context: context)
        }
        router.get("/v1/audit/checks") { request, _ in
            try self.auditChecks(request)
        }
        router.get("/v1/institutions/:uscc") { _, context in
            try self.institution(context: context)
        }
        router.get("/access-log/checkpoint") { _, _ in
            self.checkpoint(of: self.access.log)
        }
        router.get("/access-log/tile/**") { request, _ in
            try self.tile(request, log: self.access.log, prefix: "/access-log/", bundleReaders: Self.accessBundleReaders)
        }
    }

    // MARK: POST /v1/checks

    func check(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let principal = try principals.require(request, Self.checkers)
        let bytes = try await RequestInput.body(request, limit: configuration.bodyLimit)
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch let error as JSONParser.Error {
            throw Problem.malformedJSON(error)
        }
        let today = LocalDate.today()
        let input: CheckRequest
        switch CheckRequest.parse(document, today: today) {
        case .success(let parsed): input = parsed
        case .failure(let problem): throw problem
        }

        let now = Timestamp.epochSeconds()
        var entry = AccessEntry(checkId: AccessLedger.newCheckId(), principal: principal.id,
                                institution: principal.role == .institution ? principal.institution?.uscc : nil,
                                subject: AccessLedger.subject(secret: secret, idType: input.idType, idNumber: input.idNumber),
                                purpose: input.purpose.rawValue, consentRef: input.consentRef, status: AccessStatus.refusedQuota.rawValue,
                                at: Timestamp.format(epochSeconds: now))

        guard access.reserve(principal: principal.id, quota: configuration.checkQuota, now: now) else {
            // The refused attempt is on the record too; the refusal goes out either way.
            do {
                try await access.record(entry)
            } catch {
                context.logger.error("could not record a refused check in the access log", metadata: ["error": "\(error)"])
            }
            metrics.checks[AccessStatus.refusedQuota.rawValue]?.increment()
            context.logger.notice("check refused: daily quota used", metadata: ["principal": "\(principal.id)", "checkId": "\(entry.checkId)"])
            var headers = HTTPFields()
            headers[.retryAfter] = String(AccessLedger.secondsToCSTMidnight(now))
            throw Problem(status: .tooManyRequests, slug: "quota-exceeded", title: "Daily check quota used",
                          detail: "This principal has used its \(configuration.checkQuota) checks for today (China Standard Time); the quota renews at midnight.",
                          headers: headers)
        }

        let body: [UInt8]
        do {
            let (answer, json) = try lookUp(input, checkId: entry.checkId, today: today)
            entry.status = answer.status.rawValue
            body = json
            do {
                let receipt = try await access.record(entry)
                metrics.accessLogSize.record(Int64(receipt.seq + 1))
            } catch {
                context.logger.error("access log append failed; the check was not answered", metadata: ["error": "\(error)"])
                throw Problem.unavailable("The check could not be recorded in the access log, so it was not answered. Retry later.")
            }
        } catch {
            access.release(principal: principal.id, now: now)
            throw error
        }
        metrics.checks[entry.status]?.increment()
        metrics.checkLatency.record(duration: ContinuousClock.now - started)
        context.logger.info("check answered", metadata: ["checkId": "\(entry.checkId)", "principal": "\(principal.id)",
                                                         "purpose": "\(entry.purpose)", "status": "\(entry.status)"])
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The index's answer as of the latest checkpoint, with each finding's evidence:
    /// `{asOf, checkId, findings, nameMatches, status, subject}`, written in canonical order.
    func lookUp(_ input: CheckRequest, checkId: String, today: LocalDate) throws -> (PersonAnswer, [UInt8]) {
        let answer: PersonAnswer
        let checkpoint: SignedCheckpoint
        var out = JSONWriter(capacity: 4096)
        out.beginObject()
        do {
            // Everything acknowledged so far is in the index; the checkpoint read after the
            // lookup covers every entry the index could have applied.
            try indexFeeder.catchUp(to: log.size)
            answer = try index.person(PersonKey(idType: input.idType, number: input.idNumber), today: today, source: envelopes)
            checkpoint = log.latestCheckpoint
            let size = checkpoint.checkpoint.size
            out.key("asOf")
            out.beginObject()
            out.key("checkpoint"); out.string(checkpoint.note)
            out.key("treeSize"); out.uint(size)
            out.endObject()
            out.key("checkId"); out.string(checkId)
            out.key("findings")
            out.beginArray()
            for finding in answer.findings where finding.seq < size {
                out.beginObject()
                out.key("authority")
                out.beginObject()
                out.key("name"); out.string(finding.authorityName)
                out.key("uscc"); out.string(finding.authorityUSCC)
                out.endObject()
                out.key("decidedAt"); out.string(finding.decidedAt.description)
                out.key("decisionNo"); out.string(finding.decisionNo)
                out.key("inclusionProof")
                out.beginArray()
                for node in try log.inclusionProof(seq: finding.seq, size: size) { out.string(node.base64) }
                out.endArray()
                out.key("kind"); out.string(finding.kind.rawValue)
                out.key("leafHash"); out.string(try log.leafHash(at: finding.seq).base64)
                out.key("reason"); out.string(finding.reason)
                out.key("scope"); out.string(finding.scope)
                out.key("seq"); out.uint(finding.seq)
                out.key("until"); out.string(finding.until?.description)
                out.endObject()
            }
            out.endArray()
        } catch {
            throw logUnavailable(error)
        }
        out.key("nameMatches")
        if answer.findings.isEmpty {
            out.null()
        } else {
            out.bool(answer.findings.allSatisfy { String($0.recordedName.trimmingSpaces) == input.name })
        }
        out.key("status"); out.string(answer.status.rawValue)
        out.key("subject")
        out.beginObject()
        out.key("idNumber"); out.string(Masking.idNumber(input.idNumber))
        out.key("idType"); out.string(input.idType.rawValue)
        out.key("name"); out.string(Masking.name(input.name))
        out.endObject()
        out.endObject()
        return (answer, out.bytes)
    }

    // MARK: GET /v1/audit/checks

    /// `{checks: [{checkId, principal, institution, purpose, consentRef, status, at}]}`, oldest first.
    func auditChecks(_ request: Request) throws -> Response {
        _ = try principals.require(request, Self.checkAuditors)
        var errors = [Problem.Item]()
        RequestInput.refuseUnknownParameters(request, known: ["idType", "idNumber"], errors: &errors)
        func single(_ name: String) -> String? {
            let values = request.uri.queryParameters[values: Substring(name)]
            guard let first = values.first else {
                errors.append(Problem.Item(parameter: name, code: "required", message: "\(name) is required."))
                return nil
            }
            guard values.count == 1 else {
                errors.append(Problem.Item(parameter: name, code: "repeated", message: "\(name) may be given once."))
                return nil
            }
            return String(first)
        }
        let typeText = single("idType")
        let numberText = single("idNumber")
        var idType: IdType?
        if let typeText {
            idType = IdType(rawValue: typeText)
            if idType == nil {
                errors.append(Problem.Item(parameter: "idType", code: "enum",
                                           message: "idType must be one of \(IdType.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
        }
        var number: String?
        if let numberText, let idType {
            var itemErrors = [Problem.Item]()
            number = CheckRequest.readIdNumber(.string(numberText), idType: idType, at: "", today: LocalDate.today(), errors: &itemErrors)
            errors += itemErrors.map { Problem.Item(parameter: "idNumber", code: $0.code, message: $0.message) }
        }
        guard errors.isEmpty, let idType, let number else { throw Problem.badQuery(errors) }
        let subject = AccessLedger.subject(secret: secret, idType: idType, idNumber: number)
        let checks: [AccessEntry]
        do {
            checks = try access.checks(subject: subject)
        } catch {
            throw logUnavailable(error)
        }
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        return JSONBody.response(.object(JSONObject([("checks", .array(checks.map(\.auditJSON)))])), headers: headers)
    }

    // MARK: GET /v1/institutions/{uscc}

    /// DESIGN §4 disclosure `{institution, status, filing, inspections, penalties, annualReviews, asOf}`.
    func institution(context: BasicRequestContext) throws -> Response {
        let code = context.parameters.get("uscc") ?? ""
        if let problem = USCC.validate(code) {
            throw Problem.badRequest("uscc must be an 18-character unified social credit code with a valid check character.", slug: "bad-path",
                                     errors: [Problem.Item(parameter: "uscc", code: problem.code, message: problem.message)])
        }
        let disclosure: InstitutionDisclosure?
        let checkpoint: SignedCheckpoint
        do {
            try indexFeeder.catchUp(to: log.size)
            disclosure = try index.institution(uscc: code, today: LocalDate.today(), source: envelopes)
            checkpoint = log.latestCheckpoint
        } catch {
            throw logUnavailable(error)
        }
        guard let disclosure else { throw Problem.notFound("Nothing is recorded about this institution.") }
        var institution = JSONObject([("uscc", .string(disclosure.uscc))])
        if let filed = disclosure.filing?["institution"]?.objectValue {
            for (key, value) in filed.members where key != "uscc" { institution[key] = value }
        }
        let object = JSONObject([
            ("institution", .object(institution)),
            ("status", .string(disclosure.status.rawValue)),
            ("filing", disclosure.filing.map(JSONValue.object) ?? .null),
            ("inspections", .array(disclosure.inspections)),
            ("penalties", .array(disclosure.penalties)),
            ("annualReviews", .array(disclosure.annualReviews)),
            ("asOf", .object(JSONObject([("treeSize", .uint(checkpoint.checkpoint.size)), ("checkpoint", .string(checkpoint.note))]))),
        ])
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        // The index leaves ID numbers out; this makes sure none leaves the service.
        return JSONBody.response(Self.withoutIDNumbers(.object(object)), headers: headers)
    }

    /// The value with every `idNumber` member removed, at any depth.
    static func withoutIDNumbers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var out = JSONObject()
            for (key, member) in object.members where key != "idNumber" { out[key] = withoutIDNumbers(member) }
            return .object(out)
        case .array(let items):
            return .array(items.map(withoutIDNumbers))
        default:
            return value
        }
    }
}
