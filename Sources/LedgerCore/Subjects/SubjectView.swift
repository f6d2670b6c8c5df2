import BackgroundIndex
import CreditRecords
import Logging

/// What the person checked sees of themselves at /me (PIPL art. 45: access and copy): every
/// record naming them, opened as the records API opens it (they are the data subject), and
/// every check made on them from the access log.
extension Ledger {
    public struct SubjectRecord: Sendable {
        public let seq: UInt64
        public let kind: RecordKind
        public let revoked: Bool
        public let repaired: Bool
        public let authorityName: String
        public let authorityUSCC: String
        public let decidedAt: String
        public let decisionNo: String
        /// The full body (the personal part opened), nil once erased.
        public let body: JSONObject?
    }

    public struct SubjectCheck: Sendable {
        public let at: String
        /// The institution's filed name (its USCC when none is known), or the checking
        /// inspector's authority; nil for an administrator's check.
        public let checkedBy: String?
        /// The checking principal's role.
        public let role: Role
        public let purpose: String
        public let status: String
    }

    /// What /me shows the person: their records (opened), the checks made on them and their
    /// objections, recorded first in the access log as their own read (`subject_access`, the
    /// records' seqs and their access subject): every read of personal data leaves an entry,
    /// the data subject's too. If the entry cannot be written, nothing is shown.
    public func subjectPage(_ who: SubjectIdentity, logger: Logger) async throws -> (records: [SubjectRecord], checks: [SubjectCheck], objections: [Objection]) {
        let records = try subjectRecords(who)
        let checks = try subjectChecks(who)
        let objections = try self.objections(of: who)
        let now = Timestamp.epochSeconds()
        try await recordRead(.subjectAccess(subject: accessSubject(idType: who.idType, idNumber: who.idNumber), seqs: records.map(\.seq),
                                            at: Timestamp.format(epochSeconds: now)),
                             count: 0, now: now, logger: logger)
        return (records, checks, objections)
    }

    /// Every record naming the person as its subject, oldest first, as of the latest checkpoint.
    public func subjectRecords(_ who: SubjectIdentity) throws(Refusal) -> [SubjectRecord] {
        try catchUpIndex()
        let size = log.latestCheckpoint.checkpoint.size
        do {
            return try index.records(naming: who.personKey).filter { $0.seq < size }.compactMap { named in
                let object = try recordJSON(seq: named.seq, entry: log.entry(at: named.seq), open: true).object
                guard let entry = object["entry"]?.objectValue, let kind = entry["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
                      let publicBody = entry["body"]?.objectValue else { return nil }
                let opened = object["opened"]?.objectValue?["body"]?.objectValue
                let body = opened ?? publicBody
                let spec = KindSpec.of(kind)
                let authority = body["authority"]?.objectValue
                return SubjectRecord(seq: named.seq, kind: kind, revoked: named.revoked, repaired: named.repaired,
                                     authorityName: authority?["name"]?.stringValue ?? "", authorityUSCC: authority?["uscc"]?.stringValue ?? "",
                                     decidedAt: body[spec.decisionDateKey]?.stringValue ?? "",
                                     decisionNo: spec.documentNumberKey.flatMap { body[$0]?.stringValue } ?? "", body: opened)
            }
        } catch {
            throw logUnavailable(error)
        }
    }

    /// Every check made on the person, oldest first: who (an institution by its filed name, an
    /// inspector by its authority), when, why and with what answer. Never the principal's id.
    public func subjectChecks(_ who: SubjectIdentity) throws(Refusal) -> [SubjectCheck] {
        let subjects = accessSubjects(idType: who.idType, idNumber: who.idNumber)
        do {
            try catchUpIndex()
            return try access.checks(subjects: subjects).map { entry in
                SubjectCheck(at: entry.at, checkedBy: try checkerName(entry), role: entry.institution != nil ? .institution : (principals.principal(id: entry.principal)?.role ?? .admin),
                             purpose: entry.purpose, status: entry.status)
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw logUnavailable(error)
        }
    }

    private func checkerName(_ entry: AccessEntry) throws -> String? {
        if let uscc = entry.institution {
            if let filing = try index.institution(uscc: uscc, today: LocalDate.today(), source: envelopes)?.filing,
               let name = filing["institution"]?.objectValue?["name"]?.stringValue {
                return name
            }
            return uscc
        }
        let principal = principals.principal(id: entry.principal)
        return principal?.authority?.name ?? principal?.institution?.name
    }
}
