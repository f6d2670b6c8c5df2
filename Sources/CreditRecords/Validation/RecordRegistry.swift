import Synchronization

/// The records already in the log, as cross-record rules need them: every record's kind,
/// authority and decision date, whether it was revoked or repaired, and the document numbers
/// each authority has used. Built by replaying the log at start-up, then kept current as
/// records are appended.
///
/// Replay contract: `apply` is called once per committed entry, in seq order. Every kind
/// records its summary (kind, authority USCC, decision date) and its document number; a
/// revocation marks its target revoked and frees the target's document number (the corrected
/// record may carry it again); a credit repair marks its target repaired. A target that is not
/// in the registry (a malformed or foreign log) is ignored rather than trusted.
public final class RecordRegistry: RecordLookup, Sendable {
    private struct State {
        var summaries: [UInt64: RecordSummary] = [:]
        /// document key → the seqs of unrevoked records carrying it.
        var documentNumbers: [String: Set<UInt64>] = [:]
        /// seq → its document key, to free it on revocation.
        var documentKeys: [UInt64: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public var count: Int { state.withLock { $0.summaries.count } }

    /// Records a committed envelope at `seq`.
    public func apply(seq: UInt64, envelope: Envelope) {
        let body = envelope.body
        let authority = body["authority"]?.objectValue?["uscc"]?.stringValue ?? ""
        let decided = RecordRegistry.decisionDate(kind: envelope.kind, body: body)
        let number = RecordRegistry.documentNumber(kind: envelope.kind, body: body)
        let target = body["target"]?.integerValue.flatMap { UInt64(exactly: $0) }
        let repair = envelope.kind == .penalty ? PublicationRules.penalty(body: body).map(RepairWindow.init) : nil
        state.withLock { state in
            if let previous = state.documentKeys.removeValue(forKey: seq) { state.documentNumbers[previous]?.remove(seq) }
            state.summaries[seq] = RecordSummary(seq: seq, kind: envelope.kind, authority: authority, decidedAt: decided, repair: repair)
            if let number {
                let key = RecordRegistry.key(authority, number)
                state.documentNumbers[key, default: []].insert(seq)
                state.documentKeys[seq] = key
            }
            guard let target, target != seq, state.summaries[target] != nil else { return }
            switch envelope.kind {
            case .revocation:
                state.summaries[target]?.isRevoked = true
                if let key = state.documentKeys[target] {
                    state.documentNumbers[key]?.remove(target)
                    if state.documentNumbers[key]?.isEmpty == true { state.documentNumbers[key] = nil }
                }
            case .creditRepair:
                state.summaries[target]?.isRepaired = true
            default:
                break
            }
        }
    }

    public func summary(of seq: UInt64) -> RecordSummary? { state.withLock { $0.summaries[seq] } }

    public func isRecorded(documentNumber: String, authority: String) -> Bool {
        state.withLock { !($0.documentNumbers[RecordRegistry.key(authority, documentNumber)]?.isEmpty ?? true) }
    }

    static func key(_ authority: String, _ number: String) -> String { authority + "\u{1F}" + number }

    /// A kind's document number, from the member the kind table names.
    public static func documentNumber(kind: RecordKind, body: JSONObject) -> String? {
        KindSpec.of(kind).documentNumberKey.flatMap { body[$0]?.stringValue }
    }

    /// The date a kind's decision was taken, from the member the kind table names.
    public static func decisionDate(kind: RecordKind, body: JSONObject) -> LocalDate? {
        body[KindSpec.of(kind).decisionDateKey]?.stringValue.flatMap(LocalDate.init(iso:))
    }
}

extension Envelope {
    public enum DecodeError: Error, CustomStringConvertible {
        case malformed(String)
        public var description: String { switch self { case .malformed(let why): return "not a record envelope: \(why)" } }
    }

    /// Reads a log entry back into an envelope.
    public static func decode(_ bytes: [UInt8]) throws -> Envelope {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes, maxDepth: 64) } catch { throw DecodeError.malformed("\(error)") }
        guard let object = value.objectValue, let version = object["v"]?.integerValue, version == 1 || version == 2,
              let kind = object["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
              let body = object["body"]?.objectValue,
              let submittedAt = object["submittedAt"]?.stringValue,
              let submitter = object["submittedBy"]?.objectValue,
              let principal = submitter["principal"]?.stringValue else {
            throw DecodeError.malformed("missing or wrong fields")
        }
        var signature: ClientSignature?
        if let sig = object["clientSignature"]?.objectValue, let keyId = sig["keyId"]?.stringValue, let value = sig["sig"]?.stringValue {
            signature = ClientSignature(keyId: keyId, sig: value)
        }
        var envelope = Envelope(kind: kind, body: body, submittedAt: submittedAt,
                                submittedBy: Submitter(principal: principal, authority: submitter["authority"]?.stringValue),
                                clientSignature: signature)
        envelope.version = Int(version)
        envelope.commitment = object["personal"]?.objectValue?["commitment"]?.stringValue
        return envelope
    }
}
