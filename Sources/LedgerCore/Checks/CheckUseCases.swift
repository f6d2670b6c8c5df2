import BackgroundIndex
import CreditRecords
import LedgerCrypto
import Logging
import Metrics
import TransparencyLog

/// Background checks, who checked whom, and the public institution disclosure.
extension Ledger {
    /// A check's answer: `{asOf, checkId, findings, nameMatches, status, subject}` as canonical bytes.
    public struct CheckAnswer: Sendable {
        public let checkId: String
        public let status: String
        public let body: [UInt8]
        /// The seq of the check's entry in the access log: with the check id, what a printed
        /// receipt's QR code names so anyone can confirm the check was recorded.
        public var accessSeq: UInt64? = nil
    }

    /// Runs a check: the purpose the caller's role may claim, the institution still open, the
    /// quota (all from memory), the lookup, the access entry made durable, and only then the
    /// answer. Over the quota, the first refusal of the day is recorded and the rest are not,
    /// so a flood of refused attempts cannot grow the access log (issue 17).
    public func check(_ bytes: [UInt8], principal: Principal, logger: Logger) async throws -> CheckAnswer {
        let started = ContinuousClock.now
        let document = try Refusal.parseJSON(bytes)
        let today = LocalDate.today()
        let input: CheckRequest
        switch CheckRequest.parse(document, today: today) {
        case .success(let parsed): input = parsed
        case .failure(let refusal): throw refusal
        }
        try Self.authorizeCheck(purpose: input.purpose, principal: principal)
        if principal.role == .institution, let uscc = principal.institution?.uscc,
           let status = index.institutionStatus(uscc: uscc, today: today), Self.mayNotCheck.contains(status) {
            throw Refusal(.forbidden, slug: "institution-not-open", title: "Not allowed",
                          detail: "This principal's institution is \(status.rawValue) in the log; a closed or deregistered institution does not hire.",
                          errors: [Refusal.Item(pointer: "", code: "institution_\(status.rawValue)", message: "the principal's institution may not run checks")])
        }

        let now = Timestamp.epochSeconds()
        var entry = AccessEntry(checkId: AccessLedger.newCheckId(), principal: principal.id,
                                institution: principal.role == .institution ? principal.institution?.uscc : nil,
                                subject: accessSubject(idType: input.idType, idNumber: input.idNumber),
                                purpose: input.purpose.rawValue, consentRef: input.consentRef, status: AccessStatus.refusedQuota.rawValue,
                                at: Timestamp.format(epochSeconds: now))
        let quotaKey = AccessLedger.quotaKey(principal: principal.id, institution: entry.institution)

        if case .refused(let firstToday) = access.reserve(quotaKey, quota: configuration.checkQuota, now: now) {
            if firstToday {
                // That the quota was reached is on the record once a day; the refusal goes out either way.
                do {
                    try await access.record(entry)
                } catch {
                    logger.error("could not record a refused check in the access log", metadata: ["error": "\(error)"])
                }
            }
            metrics.checks[AccessStatus.refusedQuota.rawValue]?.increment()
            if firstToday {
                logger.notice("check refused: daily quota used", metadata: ["principal": "\(principal.id)", "checkId": "\(entry.checkId)"])
            }
            let whose = entry.institution == nil ? "This principal" : "This principal's institution (all its principals together)"
            throw Refusal(.tooManyRequests, slug: "quota-exceeded", title: "Daily check quota used",
                          detail: "\(whose) has used its \(configuration.checkQuota) checks for today (China Standard Time); the quota renews at midnight.",
                          retryAfterSeconds: AccessLedger.secondsToCSTMidnight(now))
        }

        let body: [UInt8]
        var accessSeq: UInt64?
        do {
            let (status, json) = try lookUp(input, checkId: entry.checkId, today: today)
            entry.status = status
            body = json
            do {
                let receipt = try await access.record(entry)
                accessSeq = receipt.seq
                metrics.accessLogSize.record(Int64(receipt.seq + 1))
            } catch {
                logger.error("access log append failed; the check was not answered", metadata: ["error": "\(error)"])
                throw Refusal.unavailable("The check could not be recorded in the access log, so it was not answered. Retry later.")
            }
        } catch {
            access.release(quotaKey, now: now)
            throw error
        }
        metrics.checks[entry.status]?.increment()
        metrics.checkLatency.record(duration: ContinuousClock.now - started)
        logger.info("check answered", metadata: ["checkId": "\(entry.checkId)", "principal": "\(principal.id)",
                                                 "purpose": "\(entry.purpose)", "status": "\(entry.status)"])
        var answer = CheckAnswer(checkId: entry.checkId, status: entry.status, body: body)
        answer.accessSeq = accessSeq
        return answer
    }

    /// Institution statuses under which its principals may not check: it may not hire.
    static let mayNotCheck: Set<InstitutionStatus> = [.closed, .licenseRevoked, .sealed, .deregistered]

    /// The purposes each role may claim (issue 17): an institution hires and rechecks its
    /// staff; an inspector inspects; an admin may do either, for support.
    package static func allowedPurposes(_ role: Role) -> Set<CheckPurpose> {
        switch role {
        case .institution: [.hiring, .annualRecheck]
        case .inspector: [.inspection]
        case .admin: Set(CheckPurpose.allCases)
        case .exporter, .auditor, .metrics: []
        }
    }

    static func authorizeCheck(purpose: CheckPurpose, principal: Principal) throws(Refusal) {
        let allowed = allowedPurposes(principal.role)
        guard allowed.contains(purpose) else {
            let names = CheckPurpose.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            throw Refusal(.forbidden, slug: "forbidden", title: "Not allowed",
                          detail: "The \(principal.role.rawValue) role may not claim this purpose; allowed: \(names).",
                          errors: [Refusal.Item(pointer: "/purpose", code: "purpose_not_allowed",
                                                message: "purpose must be one of \(names) for the \(principal.role.rawValue) role")])
        }
    }

    /// The index's answer as of the latest checkpoint, with each finding's evidence:
    /// `{asOf, checkId, findings, nameMatches, status, subject}`, written in canonical order,
    /// and the status it gives. A name that is not the records' name answers
    /// `identity_mismatch` with no findings: the ID number alone does not open the records.
    func lookUp(_ input: CheckRequest, checkId: String, today: LocalDate) throws -> (String, [UInt8]) {
        let answer: PersonAnswer
        var nameMatches: Bool?
        let checkpoint: SignedCheckpoint
        var out = JSONWriter(capacity: 4096)
        out.beginObject()
        do {
            // Everything acknowledged so far is in the index; the checkpoint read after the
            // lookup covers every entry the index could have applied.
            try indexFeeder.catchUp(to: log.size)
            answer = try index.person(PersonKey(idType: input.idType, number: input.idNumber), today: today,
                                      options: BarOptions(preschoolList: configuration.preschoolBars), source: envelopes)
            checkpoint = log.latestCheckpoint
            let size = checkpoint.checkpoint.size
            if !answer.findings.isEmpty {
                nameMatches = answer.findings.allSatisfy { String($0.recordedName.trimmingSpaces) == input.name }
            }
            out.key("asOf")
            out.beginObject()
            out.key("checkpoint"); out.string(checkpoint.note)
            out.key("treeSize"); out.uint(size)
            out.endObject()
            out.key("checkId"); out.string(checkId)
            out.key("findings")
            out.beginArray()
            for finding in answer.findings where finding.seq < size && nameMatches != false {
                out.beginObject()
                out.key("authority")
                out.beginObject()
                out.key("name"); out.string(finding.authorityName)
                out.key("uscc"); out.string(finding.authorityUSCC)
                out.endObject()
                out.key("basis"); out.string(finding.basis)
                out.key("decidedAt"); out.string(finding.decidedAt.description)
                out.key("decisionNo"); out.string(finding.decisionNo)
                out.key("inclusionProof")
                out.beginArray()
                for node in try log.inclusionProof(seq: finding.seq, size: size) { out.string(node.base64) }
                out.endArray()
                out.key("kind"); out.string(finding.kind.rawValue)
                out.key("leafHash"); out.string(try log.leafHash(at: finding.seq).base64)
                // Only on a lifetime ban awaiting its second inspector (canonical order: after leafHash).
                if finding.pending { out.key("pending"); out.bool(true) }
                out.key("reason"); out.string(finding.reason)
                out.key("rule"); out.string(finding.rule?.rawValue)
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
        if let nameMatches { out.bool(nameMatches) } else { out.null() }
        let status = nameMatches == false ? AccessStatus.identityMismatch.rawValue : answer.status.rawValue
        out.key("status"); out.string(status)
        out.key("subject")
        out.beginObject()
        out.key("idNumber"); out.string(Masking.idNumber(input.idNumber))
        out.key("idType"); out.string(input.idType.rawValue)
        out.key("name"); out.string(Masking.name(input.name))
        out.endObject()
        out.endObject()
        return (status, out.bytes)
    }

    /// Reads the audit search's subject (`idType`, `idNumber` query parameters as given),
    /// adding a parameter item for each bad one.
    public static func auditSubject(idType typeText: String?, idNumber numberText: String?,
                                    errors: inout [Refusal.Item]) -> (IdType, String)? {
        var idType: IdType?
        if let typeText {
            idType = IdType(rawValue: typeText)
            if idType == nil {
                errors.append(Refusal.Item(parameter: "idType", code: "enum",
                                           message: "idType must be one of \(IdType.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
        }
        var number: String?
        if let numberText, let idType {
            var itemErrors = [Refusal.Item]()
            number = CheckRequest.readIdNumber(.string(numberText), idType: idType, at: "", today: LocalDate.today(), errors: &itemErrors)
            errors += itemErrors.map { Refusal.Item(parameter: "idNumber", code: $0.code, message: $0.message) }
        }
        guard let idType, let number else { return nil }
        return (idType, number)
    }

    /// `{checks: [{checkId, principal, institution, purpose, consentRef, status, at}]}`, oldest first.
    /// Unrecorded: the route goes through the recorded one (Reads/ReadAudit.swift).
    package func checksOnRecord(idType: IdType, idNumber: String) throws(Refusal) -> JSONValue {
        let checks: [AccessEntry]
        do {
            checks = try access.checks(subjects: accessSubjects(idType: idType, idNumber: idNumber))
        } catch {
            throw logUnavailable(error)
        }
        return .object(JSONObject([("checks", .array(checks.map(\.auditJSON)))]))
    }

    /// The public disclosure `{institution, status, statusRecords, filing, inspections, penalties,
    /// annualReviews, asOf}` of a valid USCC (docs/background-index.md).
    public func institution(uscc code: String) throws(Refusal) -> JSONValue {
        let disclosure: InstitutionDisclosure?
        let checkpoint: SignedCheckpoint
        do {
            try indexFeeder.catchUp(to: log.size)
            disclosure = try index.institution(uscc: code, today: LocalDate.today(), source: envelopes)
            checkpoint = log.latestCheckpoint
        } catch {
            throw logUnavailable(error)
        }
        guard let disclosure else { throw Refusal.notFound("Nothing is recorded about this institution.") }
        // Only the kind table's public members (docs/records.md "Who sees which field"): no
        // free text, no person, whatever the record holds.
        let filing = disclosure.filing.map(Self.publicFiling)
        var institution = JSONObject([("uscc", .string(disclosure.uscc))])
        if let filed = filing?["institution"]?.objectValue {
            for (key, value) in filed.members where key != "uscc" { institution[key] = value }
        }
        let object = JSONObject([
            ("institution", .object(institution)),
            ("status", .string(disclosure.status.rawValue)),
            ("statusRecords", .array(disclosure.statusRecords.map { .uint($0) })),
            ("filing", filing.map(JSONValue.object) ?? .null),
            ("inspections", .array(disclosure.inspections.map { Self.publicItem($0, .inspection) })),
            ("penalties", .array(disclosure.penalties.map { Self.publicItem($0, .penalty) })),
            ("annualReviews", .array(disclosure.annualReviews.map { Self.publicItem($0, .annualReview) })),
            ("asOf", .object(JSONObject([("treeSize", .uint(checkpoint.checkpoint.size)), ("checkpoint", .string(checkpoint.note))]))),
        ])
        // The index leaves ID numbers out; this makes sure none leaves the service. The
        // 负责人 is personal data named for screening, not for publication.
        return Self.withoutIDNumbers(Self.withoutPrincipal(.object(object)))
    }

    /// `{seq, record}` with the record cut to its kind's public members.
    static func publicItem(_ item: JSONValue, _ kind: RecordKind) -> JSONValue {
        guard var object = item.objectValue, let record = object["record"]?.objectValue else { return item }
        object["record"] = .object(KindSpec.of(kind).publicView(of: record))
        return .object(object)
    }

    /// The filing facts `{seq, …body}` cut to the filing's public members.
    static func publicFiling(_ filing: JSONObject) -> JSONObject {
        var out = JSONObject()
        if let seq = filing["seq"] { out["seq"] = seq }
        for (key, value) in KindSpec.institutionFiling.publicView(of: filing).members { out[key] = value }
        return out
    }

    /// The disclosure without the filed institution's 负责人 (`principal`), top level and filing.
    static func withoutPrincipal(_ value: JSONValue) -> JSONValue {
        guard var object = value.objectValue else { return value }
        func strip(_ v: JSONValue?) -> JSONValue? {
            guard var o = v?.objectValue else { return v }
            o["principal"] = nil
            return .object(o)
        }
        object["institution"] = strip(object["institution"])
        if var filing = object["filing"]?.objectValue {
            filing["institution"] = strip(filing["institution"])
            object["filing"] = .object(filing)
        }
        return .object(object)
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
