import CreditRecords
import LedgerCrypto

/// An access-log entry for a read that revealed personal parts (issue 17 part 1), beside the
/// checks' entries in the same log: RFC 8785 JSON
/// `{at, caseRef?, crossAuthority?, kind, principal, purpose, readId, reader?, seqs, status,
/// subject?, v: 1}`. `kind` says what was read: `read` (records, by seq), `audit_checks`
/// (who checked a subject, by its keyed hash), `audit_reads` (what a principal read) or
/// `subject_access` (the person checked reading their own page). Never a name or an ID
/// number; `caseRef` is a reference code.
package struct ReadEntry: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case read
        case auditChecks = "audit_checks"
        case auditReads = "audit_reads"
        /// The person checked opened their own page at /me (PIPL art. 45: access).
        case subjectAccess = "subject_access"
    }

    /// The `principal` of a `subject_access` entry: no principal read, the person did. No
    /// principal id can be it (ids match `^[a-z0-9][a-z0-9._-]{0,63}$`).
    package static let dataSubject = "(data subject)"

    /// The person checked reading their own records (`seqs`, opened) and who checked them,
    /// named only by their access-log subject (Checks/AccessSubjects.swift).
    package static func subjectAccess(subject: String, seqs: [UInt64], at: String) -> ReadEntry {
        var entry = ReadEntry(kind: .subjectAccess, principal: dataSubject, reason: ReadReason(purpose: .audit), seqs: seqs,
                              subject: subject, at: at)
        entry.purpose = "data_subject_access"
        return entry
    }

    package enum Status: String, Sendable {
        case read
        /// The principal's daily read quota was used; recorded once a day (AccessLedger's rule).
        case refusedQuota = "refused_quota"
    }

    package var readId: String
    package var kind: Kind
    package var principal: String
    package var purpose: String
    package var caseRef: String?
    /// An inspector read another authority's record (with a case reference).
    package var crossAuthority: Bool
    package var seqs: [UInt64]
    /// `audit_checks`: the subject hash looked up.
    package var subject: String?
    /// `audit_reads`: the principal whose reads were looked up.
    package var reader: String?
    package var status: Status
    package var at: String

    package init(kind: Kind, principal: String, reason: ReadReason, crossAuthority: Bool = false, seqs: [UInt64] = [],
                 subject: String? = nil, reader: String? = nil, status: Status = .read, at: String) {
        readId = Hex.encode(SecureRandom.bytes(16))
        self.kind = kind
        self.principal = principal
        purpose = reason.purpose.rawValue
        caseRef = reason.caseRef
        self.crossAuthority = crossAuthority
        self.seqs = seqs
        self.subject = subject
        self.reader = reader
        self.status = status
        self.at = at
    }

    /// The canonical bytes (members in RFC 8785 order; `crossAuthority` only when true).
    package func bytes() -> [UInt8] {
        var out = JSONWriter(capacity: 192 + seqs.count * 8)
        out.beginObject()
        out.key("at"); out.string(at)
        if let caseRef { out.key("caseRef"); out.string(caseRef) }
        if crossAuthority { out.key("crossAuthority"); out.bool(true) }
        out.key("kind"); out.string(kind.rawValue)
        out.key("principal"); out.string(principal)
        out.key("purpose"); out.string(purpose)
        out.key("readId"); out.string(readId)
        if let reader { out.key("reader"); out.string(reader) }
        out.key("seqs")
        out.beginArray()
        for seq in seqs { out.uint(seq) }
        out.endArray()
        out.key("status"); out.string(status.rawValue)
        if let subject { out.key("subject"); out.string(subject) }
        out.key("v"); out.uint(1)
        out.endObject()
        return out.bytes
    }

    /// Nil for an entry that is not a read entry of version 1 (a check's, or a stranger's).
    package static func decode(_ bytes: [UInt8]) -> ReadEntry? {
        // Check entries are the bulk of the log and have no "readId": skip them unparsed.
        guard bytes.count > 16, AccessEntry.QuickFields.find(bytes, "\"readId\":\"") != nil,
              let object = try? JSONParser.parse(bytes, maxDepth: 4).objectValue, object["v"] == 1,
              let kind = object["kind"]?.stringValue.flatMap(Kind.init(rawValue:)),
              let principal = object["principal"]?.stringValue, let purpose = object["purpose"]?.stringValue,
              let readId = object["readId"]?.stringValue, let items = object["seqs"]?.arrayValue,
              let status = object["status"]?.stringValue.flatMap(Status.init(rawValue:)), let at = object["at"]?.stringValue
        else { return nil }
        var seqs = [UInt64]()
        for item in items {
            guard let n = item.integerValue, let seq = UInt64(exactly: n) else { return nil }
            seqs.append(seq)
        }
        var entry = ReadEntry(kind: kind, principal: principal, reason: ReadReason(purpose: ReadPurpose(rawValue: purpose) ?? .audit),
                              crossAuthority: object["crossAuthority"] == .bool(true), seqs: seqs,
                              subject: object["subject"]?.stringValue, reader: object["reader"]?.stringValue, status: status, at: at)
        entry.readId = readId
        entry.purpose = purpose
        entry.caseRef = object["caseRef"]?.stringValue
        return entry
    }

    /// The audit answer's shape: every member, `caseRef` null when none, `crossAuthority` always.
    package var auditJSON: JSONValue {
        var object = JSONObject([
            ("readId", .string(readId)), ("kind", .string(kind.rawValue)), ("principal", .string(principal)),
            ("purpose", .string(purpose)), ("caseRef", caseRef.map(JSONValue.string) ?? .null),
            ("crossAuthority", .bool(crossAuthority)), ("seqs", .array(seqs.map { .uint($0) })),
        ])
        if let subject { object["subject"] = .string(subject) }
        if let reader { object["reader"] = .string(reader) }
        object["status"] = .string(status.rawValue)
        object["at"] = .string(at)
        return .object(object)
    }
}
