import CreditRecords
import LedgerCrypto

/// A person as background checks key them: ID type + normalised number (upper-case X, no
/// spaces). The name is compared, never used as the key.
public struct PersonKey: Hashable, Sendable {
    public let idType: IdType
    public let number: String

    public init(idType: IdType, number: String) {
        self.idType = idType
        self.number = number.uppercased()
    }
}

/// DESIGN §4.
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
}

public struct PersonAnswer: Sendable, Equatable {
    public let status: PersonStatus
    public let findings: [Finding]
}

/// DESIGN §4 / RECORDS.md disclosure.
public enum InstitutionStatus: String, Sendable, Codable {
    case active
    case closureRequired = "closure_required"
    case deregistered
    case unfiled
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
}

/// Reads record envelopes back by seq (the log), so the index keeps only what decides a
/// status in memory and fetches the rest when it answers.
public protocol EnvelopeSource: Sendable {
    func envelope(at seq: UInt64) throws -> Envelope
}

/// The subject index: people by ID type + number, institutions by USCC, kept current as
/// entries are appended, answering by DESIGN §4's rules for a given `today`.
public final class BackgroundIndex: Sendable {
    public init() {}

    /// Entries applied so far (the tree size the index reflects).
    public var size: UInt64 { 0 }

    /// Applies the entry at `seq`; entries must come in seq order, each exactly once.
    public func apply(seq: UInt64, envelope: Envelope) {}

    /// Applies a log entry that may not be an envelope (then only the size advances).
    public func apply(seq: UInt64, entry: [UInt8]) {
        if let envelope = try? Envelope.decode(entry) { apply(seq: seq, envelope: envelope) }
    }

    public func person(_ key: PersonKey, today: LocalDate, source: some EnvelopeSource) throws -> PersonAnswer {
        PersonAnswer(status: .clear, findings: [])
    }

    /// nil when nothing was ever recorded about this code (the route answers 404).
    public func institution(uscc: String, today: LocalDate, source: some EnvelopeSource) throws -> InstitutionDisclosure? {
        nil
    }
}

/// Snapshots: the index as of a tree size, so a restart replays only the log's tail.
extension BackgroundIndex {
    public struct Stats: Sendable, Equatable {
        public var entries: UInt64
        public var people: Int
        public var institutions: Int
        public var records: Int
    }

    public var stats: Stats { Stats(entries: size, people: 0, institutions: 0, records: 0) }

    /// Writes (temp file, fsync, rename) a snapshot of everything applied so far, naming the
    /// tree size (`size`) and the log's root hash at that size.
    public func writeSnapshot(to path: String, rootHash: Digest32) throws {}

    /// Loads the snapshot at `path` if its checksum holds and `rootAt(size)` — the log's root
    /// at the snapshot's size, nil if the log is shorter — equals the root it names. Returns
    /// nil and the reason otherwise (missing, corrupt, stale, foreign), never a wrong index.
    public static func loadSnapshot(from path: String, rootAt: (UInt64) throws -> Digest32?) -> (index: BackgroundIndex?, problem: String?) {
        (nil, "snapshots are not built yet")
    }
}
