#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CreditRecords
import Synchronization

// MARK: - Straight from the entry bytes

extension RecordFacts {
    /// The facts of a log entry without building a JSON tree. nil when the entry is not a plain
    /// envelope this reader reads (not canonical, an escape or a wrong type in a member it
    /// needs, …): the caller then falls back to `Envelope.decode`, which decides whether it is
    /// a record at all.
    static func extract(entry: UnsafeBufferPointer<UInt8>) -> RecordFacts? {
        EntryBody.read(entry, keep: factsMembers) { $0.facts() }
    }

    /// The members `facts()` reads, at any depth: the kind table's (decision date, document
    /// number, subjects, target), the envelope's and the index's own rules'. A rebuild lays
    /// only these out on the tape; the rest of an entry (names, facts, findings, …) is only
    /// checked. A member missing here would read as absent, so the agreement tests
    /// (fast path vs decoder) cover this list.
    static let factsMembers: EntryScanner.KeepList = {
        var names: [String] = ["body", "kind", "v", "submittedAt", "submittedBy",
                               "decidedAt", "authority", "uscc", "name", "category", "idType", "idNumber",
                               "until", "scope", "practiceBanUntil", "offenceCategory", "categories", "validUntil", "publicUntil",
                               "class", "procedure", "action", "region", "year", "result", "measure", "lifts"]
        for spec in KindSpec.all {
            names.append(spec.decisionDateKey)
            if let key = spec.documentNumberKey { names.append(key) }
            if let target = spec.target { names.append("\(target)") }
            names += spec.subjects.map(\.key)
        }
        return EntryScanner.KeepList(names)
    }()

    static func extract(entry: [UInt8]) -> RecordFacts? {
        entry.withUnsafeBufferPointer { extract(entry: $0) }
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
        entry.withUnsafeBufferPointer { buffer in EntryBody.read(buffer) { $0.findingText() } }
    }
}

/// A record's body on the scanner's tape, read by the kind table.
private struct EntryBody {
    typealias Value = EntryScanner.Value
    let s: EntryScanner
    let kind: RecordKind
    let spec: Spec
    let body: Value
    /// The envelope's `submittedAt` text and whether `submittedBy` names an authority (an inspector's).
    var submittedAt: Value? = nil
    var byInspector = false

    /// The kind table's members this reader looks up, per kind: copied out once, since a
    /// `KindSpec` copy per entry retained and released every array and string it holds.
    struct Spec {
        let decisionDate: StaticString
        let documentNumber: StaticString?
        let subjects: [SubjectSpec]
        let target: StaticString?
        let finding: FindingSpec?

        init(_ k: KindSpec) {
            (decisionDate, documentNumber, subjects, target, finding) = (k.decisionDate, k.documentNumber, k.subjects, k.target, k.finding)
        }

        /// By `KindCode`.
        static let byCode: [Spec] = KindCode.kinds.map { Spec(KindSpec.of($0)) }
    }

    /// Scans `entry` and, when it is an envelope (`v` 1, a known kind, a body object, a
    /// `submittedAt` string and a `submittedBy` object, as `Envelope.decode` wants), reads it.
    static func read<R>(_ entry: UnsafeBufferPointer<UInt8>, keep: EntryScanner.KeepList? = nil, _ read: (EntryBody) -> R?) -> R? {
        // A rebuild reads every entry: a tape taken from the pool, not allocated per entry.
        let box = tapes.withLock { $0.popLast() } ?? Tape()
        defer { tapes.withLock { $0.append(box) } }
        return EntryScanner.read(entry, tape: &box.values, keep: keep) { s in
            let root = s.root
            guard root.type == .object else { return nil }
            var body: Value?, kind: RecordKind?, version = false, submitted = 0, submittedAt: Value?, byInspector = false
            for (key, value) in s.members(root) {
                if Self.same(s, key, "body") {
                    guard body == nil, value.type == .object else { return nil }
                    body = value
                } else if Self.same(s, key, "kind") {
                    guard value.type == .string else { return nil }
                    kind = RecordKind.byteTable.value(s.text(value))
                } else if Self.same(s, key, "v") {
                    // 2: sealed, the public view of the body (docs/log-format.md "Sealed entries").
                    version = value.type == .number && value.length == 1
                        && (s.bytes[Int(value.start)] == UInt8(ascii: "1") || s.bytes[Int(value.start)] == UInt8(ascii: "2"))
                } else if Self.same(s, key, "submittedAt") {
                    guard value.isString else { return nil }
                    submitted |= 1
                    submittedAt = value
                } else if Self.same(s, key, "submittedBy") {
                    guard value.type == .object else { return nil }
                    submitted |= 2
                    byInspector = s.get(value, "authority") != nil
                }
            }
            guard version, submitted == 3, let kind, let body else { return nil }
            return read(EntryBody(s: s, kind: kind, spec: Spec.byCode[Int(KindCode.code(kind))], body: body,
                                  submittedAt: submittedAt, byInspector: byInspector))
        }
    }

    /// A tape handed between threads through `tapes`; only the caller that popped it uses it.
    private final class Tape: @unchecked Sendable {
        var values: [Value] = []
        init() { values.reserveCapacity(128) }
    }

    /// Tapes not in use.
    private static let tapes = Mutex<[Tape]>([])

    /// A member as read: absent, its value, or of a type this reader does not take (an
    /// escaped string, a number for a date, …), which sends the entry to the decoder.
    enum Read<T> { case absent, value(T), fail }

    /// A plain (unescaped) string member of `object`.
    func plain(_ object: Value, _ key: StaticString) -> Read<UnsafeBufferPointer<UInt8>> {
        guard let value = s.get(object, key) else { return .absent }
        guard value.type == .string else { return .fail }
        return .value(s.text(value))
    }

    /// A plain string member that may also be null (absent then).
    func plainOrNull(_ object: Value, _ key: StaticString) -> Read<UnsafeBufferPointer<UInt8>> {
        if let value = s.get(object, key), value.type == .null { return .absent }
        return plain(object, key)
    }

    func object(_ key: StaticString) -> Read<Value> {
        guard let value = s.get(body, key) else { return .absent }
        guard value.type == .object else { return .fail }
        return .value(value)
    }

    /// An integer literal (digits, optional minus, no fraction or exponent).
    func integer(_ key: StaticString) -> Read<Int64> {
        guard let value = s.get(body, key) else { return .absent }
        guard value.type == .number, let n = Int64(String(decoding: s.text(value), as: UTF8.self)) else { return .fail }
        return .value(n)
    }

    /// A date member as a day number (`DayNumber.none` when absent or not a date).
    func day(_ text: UnsafeBufferPointer<UInt8>?) -> Int32 {
        guard let text, let (y, m, d) = DayNumber.parse(text.baseAddress!, text.count) else { return DayNumber.none }
        return DayNumber.from(year: y, month: m, day: d)
    }

    /// A plain string (or key) equal to `literal`. Spelled out as `StaticString`: with a bare
    /// literal, `equals` resolves to its `String` overload, which copies the literal per call.
    static func same(_ s: EntryScanner, _ value: Value, _ literal: StaticString) -> Bool { s.equals(value, literal) }

    static func same(_ text: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        text.count == literal.utf8CodeUnitCount && memcmp(text.baseAddress!, literal.utf8Start, text.count) == 0
    }

    static func isPlaceholder(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        same(code, "00000000000000000X") || same(code, "00000000000000000x")
    }

    func personRef(_ object: Value) -> Read<SubjectRef?> {
        switch (plain(object, "idType"), plain(object, "idNumber")) {
        case (.fail, _), (_, .fail): return .fail
        case (.value(let t), .value(let n)): return .value(IdType.byteTable.value(t).map { SubjectRef.person(type: $0, number: n) })
        default: return .value(nil)
        }
    }

    func institutionRef(_ object: Value) -> Read<SubjectRef?> {
        switch plain(object, "uscc") {
        case .fail: return .fail
        case .absent: return .value(nil)
        case .value(let code): return .value(Self.isPlaceholder(code) ? nil : SubjectRef.institution(uscc: code))
        }
    }

    func facts() -> RecordFacts? {
        var f = RecordFacts(kind: kind)
        if byInspector, let at = submittedAt {
            // Only a plain string compares as text; an escaped one goes to the decoder.
            guard at.type == .string else { return nil }
            f.needsConfirmation = BanConfirmationRule.applies(submittedAt: String(decoding: s.text(at), as: UTF8.self), inspector: true)
        }
        // Members every kind may carry.
        switch plain(body, "decidedAt") {
        case .fail: return nil
        case .value(let text): f.decidedAt = DayNumber.parse(text.baseAddress!, text.count)
        case .absent: break
        }
        switch plain(body, spec.decisionDate) {
        case .fail: return nil
        case .value(let text): f.decisionDay = day(text)
        case .absent: break
        }
        switch object("authority") {
        case .fail: return nil
        case .absent: break
        case .value(let authority):
            switch plain(authority, "uscc") {
            case .fail: return nil
            case .absent: break
            case .value(let code):
                f.authority = SubjectRef.institution(uscc: code)
                if let key = spec.documentNumber {
                    switch plain(body, key) {
                    case .fail: return nil
                    case .value(let number): f.document = DocumentDigest.of(authority: code, number: number)
                    case .absent: break
                    }
                }
            }
        }
        for subject in spec.subjects {
            let read = object(subject.field)
            guard case .value(let o) = read else {
                if case .fail = read { return nil }
                continue
            }
            var shape = subject.shape
            if shape == .party {
                switch plain(o, "category") {
                case .fail: return nil
                case .value(let c): shape = PartyCategory.byteTable.value(c) == .person ? .person : .organization
                case .absent: shape = .organization
                }
            }
            let ref = shape == .person ? personRef(o) : institutionRef(o)
            guard case .value(let value) = ref else { return nil }
            if shape == .person { f.person = value } else { f.institution = value }
        }
        if let key = spec.target {
            switch integer(key) {
            case .fail: return nil
            case .value(let n): f.target = UInt64(exactly: n)
            case .absent: break
            }
        }
        // The index's own rules.
        func date(_ key: StaticString, nullable: Bool = false) -> Int32? {
            switch nullable ? plainOrNull(body, key) : plain(body, key) {
            case .fail: return nil
            case .value(let text): return day(text)
            case .absent: return DayNumber.none
            }
        }
        switch kind {
        case .ban:
            guard let until = date("until", nullable: true) else { return nil }
            f.banUntil = until
            switch plain(body, "scope") {
            case .fail: return nil
            case .value(let text): f.lifetime = BanScope.byteTable.value(text) == .lifetime
            case .absent: break
            }
        case .judgment:
            guard let until = date("practiceBanUntil", nullable: true) else { return nil }
            f.banUntil = until
            guard readBarFacts(into: &f) else { return nil }
        case .penalty:
            guard let valid = date("validUntil"), let published = date("publicUntil") else { return nil }
            (f.validUntil, f.publicUntil) = (valid, published)
            guard readBarFacts(into: &f) else { return nil }
            guard let (bits, publication, restriction) = penaltyRules(f) else { return nil }
            (f.statusBits, f.practiceRestriction) = (bits, restriction)
            f.setPublication(publication)
        case .institutionFiling:
            switch plain(body, "action") {
            case .fail: return nil
            case .value(let text): f.action = FilingAction.byteTable.value(text)
            case .absent: break
            }
            if case .value(let institution) = object("institution") {
                switch plain(institution, "region") {
                case .fail: return nil
                case .value(let text): f.region = RegionFilter.number(text) ?? 0
                case .absent: break
                }
            }
        case .annualReview:
            switch integer("year") {
            case .fail: return nil
            case .value(let n): f.year = Int32(exactly: n) ?? 0
            case .absent: break
            }
            switch plain(body, "result") {
            case .fail: return nil
            case .value(let text): f.passed = ReviewResult.byteTable.value(text) == .pass
            case .absent: break
            }
        case .enforcement:
            switch plain(body, "measure") {
            case .fail: return nil
            case .value(let text): if EnforcementMeasure.byteTable.value(text) == .seal { f.statusBits = StatusBits.seal }
            case .absent: break
            }
            switch integer("lifts") {
            case .fail: return nil
            case .value(let n): f.lifts = UInt64(exactly: n)
            case .absent: break
            }
        case .inspection, .revocation, .creditRepair, .erasure, .migration, .banConfirmation:
            break
        }
        return f
    }

    /// offenceCategory (StatutoryBars.swift); false sends the entry to the decoder (an escaped
    /// or unknown value, a member of the wrong type). A penalty's practice_restriction comes
    /// from the one pass over its categories in `penaltyRules`.
    func readBarFacts(into f: inout RecordFacts) -> Bool {
        switch plain(body, "offenceCategory") {
        case .fail: return false
        case .value(let text):
            guard let category = OffenceCategory.byteTable.value(text) else { return false }
            f.offenceCategory = category
        case .absent: break
        }
        return true
    }

    /// A penalty's `StatusBits`, publication (`PublicationPeriods.swift`) and whether it is a
    /// 限制从业 (StatutoryBars.swift), from one pass over its categories; nil (decode instead)
    /// when a member they need is not plain.
    func penaltyRules(_ f: RecordFacts) -> (UInt8, Publication?, Bool)? {
        var categories: [PenaltyCategory] = []
        if let array = s.get(body, "categories") {
            guard array.type == .array else { return nil }
            for value in s.elements(array) {
                guard value.type == .string else { return nil }
                if let c = PenaltyCategory.byteTable.value(s.text(value)) { categories.append(c) }
            }
        }
        var penaltyClass: PenaltyClass?, procedure: PenaltyProcedure?, market = false
        switch plain(body, "class") {
        case .fail: return nil
        case .value(let text): penaltyClass = PenaltyClass.byteTable.value(text)
        case .absent: break
        }
        switch plain(body, "procedure") {
        case .fail: return nil
        case .value(let text): procedure = PenaltyProcedure.byteTable.value(text)
        case .absent: break
        }
        if case .value(let authority) = object("authority") {
            switch plain(authority, "name") {
            case .fail: return nil
            case .value(let name): market = PublicationRules.isMarketRegulator(bytes: name)
            case .absent: break
            }
        }
        let publication = RecordFacts.publication(decidedAt: f.decidedAt, publicUntil: f.publicUntil, penaltyClass: penaltyClass,
                                                  procedure: procedure, categories: categories, marketRegulator: market)
        return (StatusBits.penalty(categories: categories), publication, categories.contains(.practiceRestriction))
    }

    func findingText() -> FindingText? {
        guard let finding = spec.finding, let numberKey = spec.documentNumber,
              let subject = spec.subjects.first(where: { $0.role == .subject }) else { return nil }
        func text(_ object: Value, _ key: StaticString) -> String? {
            guard case .value(let bytes) = plain(object, key) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let reason = text(body, finding.reason), case .value(let dateText) = plain(body, spec.decisionDate),
              let (y, m, d) = DayNumber.parse(dateText.baseAddress!, dateText.count), let decidedAt = LocalDate(year: y, month: m, day: d),
              let decisionNo = text(body, numberKey), case .value(let authority) = object("authority"),
              let authorityName = text(authority, "name"), let authorityUSCC = text(authority, "uscc"),
              case .value(let named) = object(subject.field), let name = text(named, "name") else { return nil }
        return FindingText(kind: kind, reason: reason, scope: finding.scope.flatMap { text(body, $0) }, decidedAt: decidedAt,
                           decisionNo: decisionNo, authorityName: authorityName, authorityUSCC: authorityUSCC, recordedName: name)
    }
}
