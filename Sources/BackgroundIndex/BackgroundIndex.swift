import CreditRecords
import LedgerCrypto
import Synchronization

/// A person as background checks key them: ID type + normalised number (upper-case X, no
/// spaces). The name is compared, never used as the key.
public struct PersonKey: Hashable, Sendable {
    public let idType: IdType
    public let number: String

    public init(idType: IdType, number: String) {
        self.idType = idType
        self.number = String(number.uppercased().unicodeScalars.filter { !$0.properties.isWhitespace })
    }
}

/// docs/background-index.md "Person status".
public enum PersonStatus: String, Sendable, Codable {
    case barred
    case recordsFound = "records_found"
    case clear
}

/// One record behind a check's answer: what an employer needs and no more.
public struct Finding: Sendable, Equatable {
    public let seq: UInt64
    public let kind: RecordKind
    /// ban: its reason; penalty/enforcement: the violation type or measure; judgment: the offence.
    public let reason: String?
    /// ban: lifetime or until; nil otherwise.
    public let scope: String?
    /// The last day the finding counts (inclusive); nil for lifetime.
    public let until: LocalDate?
    public let decidedAt: LocalDate
    public let decisionNo: String
    public let authorityName: String
    public let authorityUSCC: String
    /// The person's name as that record gives it (for nameMatches; never returned as is).
    public let recordedName: String
    /// The rule by which this record bars the person; nil when it does not bar.
    public var rule: BarRule? = nil
    /// The legal basis of a statutory `rule` (law and article); nil for a ban or a court's order,
    /// which are their own decision.
    public var basis: String? = nil
    /// A lifetime ban not yet confirmed by a second inspector: shown, not in force.
    public var pending = false
}

public struct PersonAnswer: Sendable, Equatable {
    public let status: PersonStatus
    public let findings: [Finding]
}

/// docs/background-index.md "Institutions" (docs/records.md "Disclosure").
public enum InstitutionStatus: String, Sendable, Codable, CaseIterable {
    case active
    case closureRequired = "closure_required"
    case deregistered
    case unfiled
    /// 责令关闭, 吊销许可证件, 查封 (docs/background-index.md "Institution status").
    case closed
    case licenseRevoked = "license_revoked"
    case sealed
}

/// An institution's public credit disclosure. Never contains anyone's ID number.
public struct InstitutionDisclosure: Sendable, Equatable {
    public let uscc: String
    public let status: InstitutionStatus
    /// The current filing's institution part and filing facts, ID numbers removed.
    public let filing: JSONObject?
    /// Each as `{"seq": n, "record": body-without-ID-numbers}`.
    public let inspections: [JSONValue]
    public let penalties: [JSONValue]
    public let annualReviews: [JSONValue]
    /// The records behind `status`, by seq.
    public var statusRecords: [UInt64] = []
}

/// Reads record envelopes back by seq (the log), so the index keeps only what decides a
/// status in memory and fetches the rest when it answers.
public protocol EnvelopeSource: Sendable {
    func envelope(at seq: UInt64) throws -> Envelope
    /// The entry's stored bytes, when the source has them: findings are then read straight
    /// from the bytes, without decoding the envelope.
    func entryBytes(at seq: UInt64) throws -> [UInt8]?
}

extension EnvelopeSource {
    public func entryBytes(at seq: UInt64) throws -> [UInt8]? { nil }
}

/// The subject index: people by ID type + number, institutions by USCC, kept current as
/// entries are appended, answering by the rules of docs/background-index.md for a given `today`.
///
/// Memory holds only what decides a status (see `Entry`); an answer's details are read back
/// through an `EnvelopeSource` by seq. One writer applies entries in seq order; any number of
/// tasks query. A `Mutex` guards the state; a query holds it only to copy one subject's chain.
///
/// Rules beyond docs/records.md (docs/background-index.md has the full list):
/// - a person is indexed from ban.person, judgment.person and the party of a penalty or
///   enforcement whose category is `person`. Legal representatives (of a filing, or of an
///   organisation or individual business that is a penalty's party) are not: a finding against
///   an organisation is not a finding against the person who represents it;
/// - a ban whose `until` has passed is no finding at all (not `records_found`);
/// - a credit repair of a judgment ends its record period, not a court's practiceBanUntil;
/// - institution disclosure shows penalties through their publication period (publicUntil, else
///   the default of the rule in force at decidedAt, `PublicationRules`); a person's check
///   counts them through max(that, validUntil).
public final class BackgroundIndex: Sendable {
    let state: Mutex<IndexState>
    /// The public lists, worked out once per size and day (PublicListTables.swift).
    let publicLists = PublicListTables()
    /// How people are keyed: by a keyed hash (sealed entries, the service) or, nil, by number.
    public let keying: PersonKeying?

    public init(keying: PersonKeying? = nil) {
        self.keying = keying
        var state = IndexState()
        state.keyTag = keying?.tag ?? 0
        self.state = Mutex(state)
    }

    init(state: IndexState, keying: PersonKeying?) {
        self.keying = keying
        self.state = Mutex(state)
    }

    /// A person's key in the tables: keyed when the index is.
    func personRef(_ key: PersonKey) -> SubjectRef {
        keying.map { $0.key(type: key.idType, number: key.number) } ?? SubjectRef.person(type: key.idType, number: key.number)
    }

    /// The entry's facts with the person keyed (the readers key by number).
    func keyed(_ facts: RecordFacts?) -> RecordFacts? {
        guard var facts, let keying, let person = facts.person else { return facts }
        facts.person = keying.keyed(person)
        return facts
    }

    /// Forgets a person at once (erasure): a check on them answers as for someone never
    /// recorded. Their entries stay in the shared chain array, holding no identity; a rebuild
    /// from the log, whose erased entries no longer name them, does not bring them back.
    public func forget(_ key: PersonKey) {
        let ref = personRef(key)
        state.withLock { state in
            switch ref {
            case .packed(let k): state.people[k] = nil
            case .other(let k): state.otherPeople[k] = nil
            }
        }
    }

    /// Entries applied so far (the tree size the index reflects).
    public var size: UInt64 { state.withLock { $0.size } }

    /// The seqs of the applied records of `kind`, in order, from the one byte a seq the
    /// index keeps: a start finds the log's erasures here instead of reading every entry.
    public func seqs(of kind: RecordKind) -> [UInt64] {
        let code = KindCode.code(kind)
        return state.withLock { state in
            var out: [UInt64] = []
            for (seq, info) in state.info.enumerated() where info & 0x0F == code { out.append(UInt64(seq)) }
            return out
        }
    }

    /// Applies the entry at `seq`; entries must come in seq order, each exactly once (a seq
    /// already applied is ignored; a gap is a programming error and traps, because an index
    /// that skipped an entry could answer `clear` for a barred person).
    public func apply(seq: UInt64, envelope: Envelope) {
        let facts = keyed(RecordFacts(envelope: envelope))
        state.withLock { state in
            guard seq >= state.size else { return }
            state.apply(seq: seq, facts: facts)
        }
    }

    /// Applies a log entry that may not be an envelope (then only the size advances).
    public func apply(seq: UInt64, entry: [UInt8]) {
        let facts = keyed(BackgroundIndex.facts(entry: entry))
        state.withLock { state in
            guard seq >= state.size else { return }
            state.apply(seq: seq, facts: facts)
        }
    }

    /// The fast byte scan, or the full decoder when the scan declines.
    static func facts(entry: [UInt8]) -> RecordFacts? {
        if let facts = RecordFacts.extract(entry: entry) { return facts }
        return (try? Envelope.decode(entry)).map(RecordFacts.init(envelope:))
    }

    public func person(_ key: PersonKey, today: LocalDate, options: BarOptions = .standard, source: some EnvelopeSource) throws -> PersonAnswer {
        let ref = personRef(key)
        let chain = state.withLock { $0.chain(from: $0.head(person: ref)) }
        let (status, hits) = Rules.person(chain, today: DayNumber.from(today), options: options)
        let findings = try hits.map { hit in
            var finding = try Rules.finding(seq: hit.seq, until: hit.until, kind: hit.kind, source: source)
            (finding.rule, finding.basis, finding.pending) = (hit.rule, hit.basis, hit.pending)
            return finding
        }
        return PersonAnswer(status: status, findings: findings)
    }

    /// The status alone, from memory (no envelope is read).
    public func status(of key: PersonKey, today: LocalDate, options: BarOptions = .standard) -> PersonStatus {
        let ref = personRef(key)
        let chain = state.withLock { $0.chain(from: $0.head(person: ref)) }
        return Rules.person(chain, today: DayNumber.from(today), options: options).status
    }

    /// nil when nothing was ever recorded about this code (the route answers 404).
    public func institution(uscc: String, today: LocalDate, source: some EnvelopeSource) throws -> InstitutionDisclosure? {
        let ref = SubjectRef.institution(uscc: uscc)
        let chain: [(entry: Entry, info: UInt8)]? = state.withLock { state in
            let head = state.head(institution: ref)
            return head < 0 ? nil : state.chain(from: head)
        }
        guard let chain else { return nil }
        return try Rules.institution(uscc: Rules.normalisedCode(uscc), chain: chain, today: DayNumber.from(today), source: source)
    }
}
