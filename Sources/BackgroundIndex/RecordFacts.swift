import CreditRecords

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the index takes from one record: whom it names and the few dates and values that
/// decide a status. Read either straight from the entry bytes (`extract(entry:)`, the fast
/// path for start-up and rebuilds: no JSON tree, no Foundation, no string per field) or from a
/// decoded envelope (`init(envelope:)`); both give the same facts (tests check it).
struct RecordFacts: Equatable {
    var kind: RecordKind
    /// ban.person, judgment.person, or the party of a penalty / enforcement against a person.
    var person: SubjectRef?
    /// The institution a filing, inspection or annual review is about, the organisation or
    /// individual business a penalty / enforcement is against, or ban.institution.
    var institution: SubjectRef?
    var decidedAt: (Int, Int, Int)?
    var validUntil: Int32 = DayNumber.none
    var publicUntil: Int32 = DayNumber.none
    /// ban.until, or a judgment's practiceBanUntil.
    var banUntil: Int32 = DayNumber.none
    var lifetime = false
    var action: FilingAction?
    var year: Int32 = 0
    var passed = false
    var target: UInt64?
    /// body.authority.uscc: the recording authority (the registry's part, see `RecordColumns`).
    var authority: SubjectRef?
    /// The decision date by the kind's own field (filedAt, inspectedAt, reviewedAt, else decidedAt).
    var decisionDay: Int32 = DayNumber.none
    /// `DocumentDigest` of (authority, document number); 0 when the kind has none.
    var document: UInt64 = 0

    static func == (a: RecordFacts, b: RecordFacts) -> Bool {
        a.kind == b.kind && a.person == b.person && a.institution == b.institution
            && a.authority == b.authority && a.decisionDay == b.decisionDay && a.document == b.document
            && a.decidedAt?.0 == b.decidedAt?.0 && a.decidedAt?.1 == b.decidedAt?.1 && a.decidedAt?.2 == b.decidedAt?.2
            && a.validUntil == b.validUntil && a.publicUntil == b.publicUntil && a.banUntil == b.banUntil
            && a.lifetime == b.lifetime && a.action == b.action && a.year == b.year && a.passed == b.passed && a.target == b.target
    }

    /// The last day a penalty, enforcement or judgment counts as a record about its subject
    /// (RECORDS.md: today ≤ max(publicUntil, validUntil); neither given → decidedAt + 3 years).
    var recordEnd: Int32 {
        guard let (y, m, d) = decidedAt else { return DayNumber.never }  // never for a validated record
        let publication = publicUntil != DayNumber.none ? publicUntil : DayNumber.adding(years: 3, toYear: y, month: m, day: d)
        return max(publication, validUntil)
    }

    /// The last day a penalty is published (disclosure): publicUntil, else decidedAt + 3 years.
    var publicationEnd: Int32 {
        if publicUntil != DayNumber.none { return publicUntil }
        guard let (y, m, d) = decidedAt else { return DayNumber.never }
        return DayNumber.adding(years: 3, toYear: y, month: m, day: d)
    }
}

// MARK: - From a decoded envelope

extension RecordFacts {
    init(envelope: Envelope) {
        self.init(kind: envelope.kind, body: envelope.body)
    }

    init(kind: RecordKind, body: JSONObject) {
        self.kind = kind
        func date(_ key: String) -> Int32 {
            guard let (y, m, d) = body[key]?.stringValue.flatMap(DayNumber.parse) else { return DayNumber.none }
            return DayNumber.from(year: y, month: m, day: d)
        }
        func personRef(_ object: JSONObject?) -> SubjectRef? {
            guard let object, let type = object["idType"]?.stringValue.flatMap(IdType.init(rawValue:)),
                  let number = object["idNumber"]?.stringValue else { return nil }
            return SubjectRef.person(type: type, number: number)
        }
        func institutionRef(_ object: JSONObject?) -> SubjectRef? {
            guard let uscc = object?["uscc"]?.stringValue, !USCC.isPlaceholder(uscc.uppercased()) else { return nil }
            return SubjectRef.institution(uscc: uscc)
        }
        decidedAt = body["decidedAt"]?.stringValue.flatMap(DayNumber.parse)
        let authorityCode = body["authority"]?.objectValue?["uscc"]?.stringValue
        authority = authorityCode.map { SubjectRef.institution(uscc: $0) }
        // The registry's own rules for which member holds the date and the number.
        decisionDay = RecordRegistry.decisionDate(kind: kind, body: body).map(DayNumber.from) ?? DayNumber.none
        if let authorityCode, let number = RecordRegistry.documentNumber(kind: kind, body: body) {
            document = DocumentDigest.of(authority: authorityCode, number: number)
        }
        switch kind {
        case .ban:
            self.person = personRef(body["person"]?.objectValue)
            self.institution = institutionRef(body["institution"]?.objectValue)
            lifetime = body["scope"]?.stringValue == "lifetime"
            banUntil = date("until")
        case .judgment:
            self.person = personRef(body["person"]?.objectValue)
            banUntil = date("practiceBanUntil")
        case .penalty, .enforcement:
            let party = body["party"]?.objectValue
            if party?["category"]?.stringValue == PartyCategory.person.rawValue {
                self.person = personRef(party)
            } else {
                self.institution = institutionRef(party)
            }
            if kind == .penalty {
                validUntil = date("validUntil")
                publicUntil = date("publicUntil")
            }
        case .institutionFiling:
            self.institution = institutionRef(body["institution"]?.objectValue)
            action = body["action"]?.stringValue.flatMap(FilingAction.init(rawValue:))
        case .inspection:
            self.institution = institutionRef(body["institution"]?.objectValue)
        case .annualReview:
            self.institution = institutionRef(body["institution"]?.objectValue)
            year = body["year"]?.integerValue.flatMap { Int32(exactly: $0) } ?? 0
            passed = body["result"]?.stringValue == ReviewResult.pass.rawValue
        case .revocation, .creditRepair:
            target = body["target"]?.integerValue.flatMap { UInt64(exactly: $0) }
        }
    }
}

// MARK: - Straight from the entry bytes

extension RecordFacts {
    /// The facts of a log entry without building a JSON tree. nil when the entry is not a plain
    /// envelope this scanner reads (bad structure, an escape inside a field it needs, …): the
    /// caller then falls back to `Envelope.decode`, which decides whether it is a record at all.
    static func extract(entry: UnsafeBufferPointer<UInt8>) -> RecordFacts? {
        scan(entry) { kind, raw, base in raw.facts(kind: kind, base: base) }
    }

    static func extract(entry: [UInt8]) -> RecordFacts? {
        entry.withUnsafeBufferPointer { extract(entry: $0) }
    }

    /// Reads the envelope's structure and the body's fields the index knows, then hands them
    /// (as spans into `entry`) to `read`; nil when the entry is not a plain envelope.
    fileprivate static func scan<R>(_ entry: UnsafeBufferPointer<UInt8>, _ read: (RecordKind, RawBody, UnsafePointer<UInt8>) -> R?) -> R? {
        guard let base = entry.baseAddress else { return nil }
        var s = Scanner(p: base, end: entry.count, i: 0)
        var kindRange: (Int, Int)?
        var raw = RawBody()  // the body's fields do not depend on the kind, so it is read in place
        var hasBody = false
        var versionOK = false
        var submitted = 0  // submittedAt (a string) and submittedBy (an object), as Envelope.decode wants
        let ok = s.members { s, key, keyCount in
            if keyCount == 11 && Scanner.equal(s.p + key, keyCount, "submittedAt") {
                guard s.i < s.end, s.p[s.i] == Scanner.quote else { return false }
                submitted |= 1
                return s.skipValue()
            }
            if keyCount == 11 && Scanner.equal(s.p + key, keyCount, "submittedBy") {
                guard s.i < s.end, s.p[s.i] == UInt8(ascii: "{") else { return false }
                submitted |= 2
                return s.skipValue()
            }
            if keyCount == 4 && Scanner.equal(s.p + key, keyCount, "body") {
                guard !hasBody else { return false }
                hasBody = true
                return s.members { s, k, c in raw.read(&s, key: s.p + k, count: c) }
            }
            if keyCount == 4 && Scanner.equal(s.p + key, keyCount, "kind") {
                guard let r = s.string(), !r.escaped else { return false }
                kindRange = (r.start, r.count)
                return true
            }
            if keyCount == 1 && s.p[key] == UInt8(ascii: "v") {
                let start = s.i
                guard s.skipValue() else { return false }
                versionOK = s.i - start == 1 && s.p[start] == UInt8(ascii: "1")
                return true
            }
            return s.skipValue()
        }
        s.skipWhitespace()
        guard ok, s.i == s.end, versionOK, submitted == 3, hasBody, let (kindStart, kindCount) = kindRange,
              let kind = Scanner.kind(base + kindStart, kindCount) else { return nil }
        return read(kind, raw, base)
    }
}

/// The text of a finding (what a check's answer shows of one record), read straight from the
/// entry bytes: a check answers with several findings, and a full JSON decode of each was most
/// of its cost. nil when a needed field is missing or escaped: the caller decodes the envelope.
struct FindingText: Equatable {
    var kind: RecordKind
    var reason: String?
    var scope: String?
    var decidedAt: LocalDate
    var decisionNo: String
    var authorityName: String
    var authorityUSCC: String
    var recordedName: String

    static func extract(entry: [UInt8]) -> FindingText? {
        entry.withUnsafeBufferPointer { buffer in
            RecordFacts.scan(buffer) { kind, raw, base in
                func text(_ span: Span?) -> String? {
                    span.map { String(decoding: UnsafeBufferPointer(start: base + $0.start, count: $0.count), as: UTF8.self) }
                }
                let reason: Span?, number: Span?
                switch kind {
                case .ban: (reason, number) = (raw.reason, raw.decisionNo)
                case .judgment: (reason, number) = (raw.offence, raw.caseNo)
                case .penalty: (reason, number) = (raw.violationType, raw.decisionNo)
                case .enforcement: (reason, number) = (raw.measure, raw.decisionNo)
                default: return nil
                }
                guard reason != nil, let span = raw.decidedAt, let (y, m, d) = DayNumber.parse(base + span.start, span.count),
                      let decidedAt = LocalDate(year: y, month: m, day: d), let decisionNo = text(number),
                      let authorityName = text(raw.authority.name), let authorityUSCC = text(raw.authority.uscc),
                      let name = text(raw.subject.name) else { return nil }
                return FindingText(kind: kind, reason: text(reason), scope: kind == .ban ? text(raw.scope) : nil, decidedAt: decidedAt,
                                   decisionNo: decisionNo, authorityName: authorityName, authorityUSCC: authorityUSCC, recordedName: name)
            }
        }
    }
}

/// A string value's place in the entry.
fileprivate typealias Span = (start: Int, count: Int)

/// The fields of a nested object (person, party, institution) the index needs.
fileprivate struct RawSubject {
    var idType: Span?
    var idNumber: Span?
    var uscc: Span?
    var category: Span?
    var name: Span?

    mutating func read(_ s: inout Scanner, key: UnsafePointer<UInt8>, count: Int) -> Bool {
        switch count {
        case 4 where Scanner.equal(key, count, "uscc"): return s.plainString(into: &uscc)
        case 4 where Scanner.equal(key, count, "name"): return s.optionalPlainString(into: &name)
        case 6 where Scanner.equal(key, count, "idType"): return s.plainString(into: &idType)
        case 8 where Scanner.equal(key, count, "idNumber"): return s.plainString(into: &idNumber)
        case 8 where Scanner.equal(key, count, "category"): return s.plainString(into: &category)
        default: return s.skipValue()
        }
    }
}

fileprivate struct RawBody {
    var subject = RawSubject()  // person, party or institution: a body has at most one of them
    var subjectKey = 0  // 1 person, 2 party, 3 institution
    var institution = RawSubject()  // ban.institution (a ban has a person too)
    var decidedAt: Span?
    var validUntil: Span?
    var publicUntil: Span?
    var until: Span?
    var practiceBanUntil: Span?
    var scope: Span?
    var action: Span?
    var result: Span?
    var year: Int64?
    var target: Int64?
    var authority = RawSubject()
    var filedAt: Span?, inspectedAt: Span?, reviewedAt: Span?
    /// filingNo, inspectionNo, caseNo or decisionNo (a body has the one of its kind).
    var filingNo: Span?, inspectionNo: Span?, caseNo: Span?, decisionNo: Span?
    /// A finding's reason: ban.reason, penalty.violationType, enforcement.measure, judgment.offence.
    var reason: Span?, violationType: Span?, measure: Span?, offence: Span?

    mutating func read(_ s: inout Scanner, key: UnsafePointer<UInt8>, count: Int) -> Bool {
        switch count {
        case 4 where Scanner.equal(key, count, "year"): return s.integer(into: &year)
        case 6 where Scanner.equal(key, count, "caseNo"): return s.plainString(into: &caseNo)
        case 6 where Scanner.equal(key, count, "reason"): return s.optionalPlainString(into: &reason)
        case 7 where Scanner.equal(key, count, "measure"): return s.optionalPlainString(into: &measure)
        case 7 where Scanner.equal(key, count, "offence"): return s.optionalPlainString(into: &offence)
        case 13 where Scanner.equal(key, count, "violationType"): return s.optionalPlainString(into: &violationType)
        case 7 where Scanner.equal(key, count, "filedAt"): return s.plainString(into: &filedAt)
        case 8 where Scanner.equal(key, count, "filingNo"): return s.plainString(into: &filingNo)
        case 9 where Scanner.equal(key, count, "authority"):
            return s.members { s, k, c in authority.read(&s, key: s.p + k, count: c) }
        case 10 where Scanner.equal(key, count, "decisionNo"): return s.plainString(into: &decisionNo)
        case 10 where Scanner.equal(key, count, "reviewedAt"): return s.plainString(into: &reviewedAt)
        case 11 where Scanner.equal(key, count, "inspectedAt"): return s.plainString(into: &inspectedAt)
        case 12 where Scanner.equal(key, count, "inspectionNo"): return s.plainString(into: &inspectionNo)
        case 5 where Scanner.equal(key, count, "party"):
            subjectKey = 2
            return s.members { s, k, c in subject.read(&s, key: s.p + k, count: c) }
        case 5 where Scanner.equal(key, count, "scope"): return s.plainString(into: &scope)
        case 5 where Scanner.equal(key, count, "until"): return s.plainStringOrNull(into: &until)
        case 6 where Scanner.equal(key, count, "person"):
            subjectKey = 1
            return s.members { s, k, c in subject.read(&s, key: s.p + k, count: c) }
        case 6 where Scanner.equal(key, count, "action"): return s.plainString(into: &action)
        case 6 where Scanner.equal(key, count, "result"): return s.plainString(into: &result)
        case 6 where Scanner.equal(key, count, "target"): return s.integer(into: &target)
        case 9 where Scanner.equal(key, count, "decidedAt"): return s.plainString(into: &decidedAt)
        case 10 where Scanner.equal(key, count, "validUntil"): return s.plainString(into: &validUntil)
        case 11 where Scanner.equal(key, count, "publicUntil"): return s.plainString(into: &publicUntil)
        case 11 where Scanner.equal(key, count, "institution"):
            return s.members { s, k, c in institution.read(&s, key: s.p + k, count: c) }
        case 16 where Scanner.equal(key, count, "practiceBanUntil"): return s.plainStringOrNull(into: &practiceBanUntil)
        default: return s.skipValue()
        }
    }

    func facts(kind: RecordKind, base: UnsafePointer<UInt8>) -> RecordFacts? {
        var f = RecordFacts(kind: kind)
        func buffer(_ span: Span) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + span.start, count: span.count) }
        func date(_ span: Span?) -> Int32 {
            guard let span, let (y, m, d) = DayNumber.parse(base + span.start, span.count) else { return DayNumber.none }
            return DayNumber.from(year: y, month: m, day: d)
        }
        func personRef(_ subject: RawSubject) -> SubjectRef? {
            guard let typeSpan = subject.idType, let numberSpan = subject.idNumber,
                  let type = Scanner.idType(base + typeSpan.start, typeSpan.count) else { return nil }
            return SubjectRef.person(type: type, number: buffer(numberSpan))
        }
        func institutionRef(_ subject: RawSubject) -> SubjectRef? {
            guard let span = subject.uscc else { return nil }
            let code = buffer(span)
            if code.count == 18 && Scanner.equal(code.baseAddress!, 18, "00000000000000000X") { return nil }
            if code.count == 18 && Scanner.equal(code.baseAddress!, 18, "00000000000000000x") { return nil }
            return SubjectRef.institution(uscc: code)
        }
        if let span = decidedAt { f.decidedAt = DayNumber.parse(base + span.start, span.count) }
        if let span = authority.uscc {
            f.authority = SubjectRef.institution(uscc: buffer(span))
            let number: Span?
            switch kind {
            case .institutionFiling: number = filingNo
            case .inspection: number = inspectionNo
            case .judgment: number = caseNo
            case .annualReview: number = nil
            default: number = decisionNo
            }
            if let number { f.document = DocumentDigest.of(authority: buffer(span), number: buffer(number)) }
        }
        switch kind {
        case .institutionFiling: f.decisionDay = date(filedAt)
        case .inspection: f.decisionDay = date(inspectedAt)
        case .annualReview: f.decisionDay = date(reviewedAt)
        default: f.decisionDay = date(decidedAt)
        }
        switch kind {
        case .ban:
            if subjectKey == 1 { f.person = personRef(subject) }
            f.institution = institutionRef(institution)
            f.lifetime = scope.map { Scanner.equal(base + $0.start, $0.count, "lifetime") } ?? false
            f.banUntil = date(until)
        case .judgment:
            if subjectKey == 1 { f.person = personRef(subject) }
            f.banUntil = date(practiceBanUntil)
        case .penalty, .enforcement:
            if subjectKey == 2 {
                if let c = subject.category, Scanner.equal(base + c.start, c.count, "person") {
                    f.person = personRef(subject)
                } else {
                    f.institution = institutionRef(subject)
                }
            }
            if kind == .penalty {
                f.validUntil = date(validUntil)
                f.publicUntil = date(publicUntil)
            }
        case .institutionFiling:
            f.institution = institutionRef(institution)
            if let a = action {
                let p = base + a.start
                f.action = Scanner.equal(p, a.count, "filed") ? .filed : Scanner.equal(p, a.count, "changed") ? .changed
                    : Scanner.equal(p, a.count, "deregistered") ? .deregistered : nil
            }
        case .inspection:
            f.institution = institutionRef(institution)
        case .annualReview:
            f.institution = institutionRef(institution)
            f.year = year.flatMap { Int32(exactly: $0) } ?? 0
            f.passed = result.map { Scanner.equal(base + $0.start, $0.count, "pass") } ?? false
        case .revocation, .creditRepair:
            f.target = target.flatMap { UInt64(exactly: $0) }
        }
        return f
    }
}

/// A forward-only reader over JSON bytes that checks structure but builds nothing.
private struct Scanner {
    let p: UnsafePointer<UInt8>
    let end: Int
    var i: Int

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    @inline(__always) static func equal(_ a: UnsafePointer<UInt8>, _ count: Int, _ s: StaticString) -> Bool {
        guard count == s.utf8CodeUnitCount else { return false }
        let b = s.utf8Start
        for i in 0..<count where a[i] != b[i] { return false }
        return true
    }


    static func kind(_ a: UnsafePointer<UInt8>, _ count: Int) -> RecordKind? {
        switch count {
        case 3 where equal(a, count, "ban"): return .ban
        case 7 where equal(a, count, "penalty"): return .penalty
        case 8 where equal(a, count, "judgment"): return .judgment
        case 10 where equal(a, count, "inspection"): return .inspection
        case 10 where equal(a, count, "revocation"): return .revocation
        case 11 where equal(a, count, "enforcement"): return .enforcement
        case 13 where equal(a, count, "annual_review"): return .annualReview
        case 13 where equal(a, count, "credit_repair"): return .creditRepair
        case 18 where equal(a, count, "institution_filing"): return .institutionFiling
        default: return nil
        }
    }

    static func idType(_ a: UnsafePointer<UInt8>, _ count: Int) -> IdType? {
        switch count {
        case 8 where equal(a, count, "passport"): return .passport
        case 11 where equal(a, count, "resident_id"): return .residentId
        case 13 where equal(a, count, "taiwan_permit"): return .taiwanPermit
        case 15 where equal(a, count, "hk_macau_permit"): return .hkMacauPermit
        case 29 where equal(a, count, "foreign_permanent_resident_id"): return .foreignPermanentResidentId
        default: return nil
        }
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < end {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// At a `"`: moves past the string; its raw content span and whether it has escapes.
    @inline(__always) mutating func string() -> (start: Int, count: Int, escaped: Bool)? {
        guard i < end, p[i] == Scanner.quote else { return nil }
        i += 1
        let start = i
        // Fast: the next quote, and no backslash before it (canonical entries rarely escape).
        guard let q = memchr(p + i, Int32(Scanner.quote), end - i) else { return nil }
        let quoteAt = UnsafePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - p
        if memchr(p + i, Int32(Scanner.backslash), quoteAt - i) == nil {
            i = quoteAt + 1
            return (start, quoteAt - start, false)
        }
        while i < end {
            let c = p[i]
            if c == Scanner.quote {
                let span = (start, i - start, true)
                i += 1
                return span
            }
            i += c == Scanner.backslash ? 2 : 1
        }
        return nil
    }

    /// A string the index needs: without escapes (those entries take the slow path).
    @inline(__always) mutating func plainString(into span: inout Span?) -> Bool {
        guard let s = string(), !s.escaped else { return false }
        span = (s.start, s.count)
        return true
    }

    /// A string the facts do not need (a finding's text): its span when it has no escapes,
    /// else nil (whoever needs it then takes the slow path); false only for broken JSON.
    @inline(__always) mutating func optionalPlainString(into span: inout Span?) -> Bool {
        guard let s = string() else { return false }
        span = s.escaped ? nil : (s.start, s.count)
        return true
    }

    mutating func plainStringOrNull(into span: inout Span?) -> Bool {
        if i < end && p[i] == UInt8(ascii: "n") { return skipValue() }
        return plainString(into: &span)
    }

    /// A plain integer literal (digits, optional minus).
    mutating func integer(into value: inout Int64?) -> Bool {
        let start = i
        var negative = false
        if i < end && p[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var n: Int64 = 0
        var digits = 0
        while i < end, p[i] >= 0x30, p[i] <= 0x39 {
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(p[i] - 0x30))
            guard !o1, !o2 else { return false }
            n = a
            digits += 1
            i += 1
        }
        guard digits > 0, i - start <= 20 else { return false }
        if i < end, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") { return false }
        value = negative ? -n : n
        return true
    }

    /// Skips one value of any type (structure checked by bracket matching).
    mutating func skipValue() -> Bool {
        skipWhitespace()
        guard i < end else { return false }
        switch p[i] {
        case Scanner.quote:
            return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < end {
                let c = p[i]
                switch c {
                case Scanner.quote:
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    guard depth <= 64 else { return false }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                default:
                    break
                }
                i += 1
            }
            return false
        default:
            let start = i
            while i < end {
                let c = p[i]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { break }
                i += 1
            }
            return i > start
        }
    }

    /// At a `{`: calls `body` for each member with the scanner at the value, which `body` must
    /// consume; false when the structure is broken or `body` says so.
    @inline(__always) mutating func members(_ body: (inout Scanner, Int, Int) -> Bool) -> Bool {
        skipWhitespace()
        guard i < end, p[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipWhitespace()
        if i < end && p[i] == UInt8(ascii: "}") { i += 1; return true }
        while true {
            skipWhitespace()
            guard let key = string(), !key.escaped else { return false }
            skipWhitespace()
            guard i < end, p[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipWhitespace()
            guard body(&self, key.start, key.count) else { return false }
            skipWhitespace()
            guard i < end else { return false }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return true }
            return false
        }
    }
}
