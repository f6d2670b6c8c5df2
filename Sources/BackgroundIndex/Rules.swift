import CreditRecords

/// The index could not answer from its source.
public enum BackgroundIndexError: Error, CustomStringConvertible, Equatable {
    /// The source's record at `seq` is not the kind the index holds there: a source that does
    /// not belong to this index (another log, or one shorter than the index).
    case sourceMismatch(seq: UInt64)

    public var description: String {
        switch self {
        case .sourceMismatch(let seq): return "the envelope source does not match the index at seq \(seq)"
        }
    }
}

/// The rules of docs/background-index.md over a subject's chain. All bounds are inclusive day numbers.
enum Rules {
    struct Hit {
        var seq: UInt64
        var kind: RecordKind
        var until: Int32
        /// The rule that bars, when this record bars (StatutoryBars.swift), and its legal basis.
        var rule: BarRule? = nil
        var basis: String? = nil
        /// A lifetime ban awaiting its confirmation: found, not in force.
        var pending = false
    }

    /// barred: a ban that is lifetime or ends today or later, or a judgment whose
    /// practiceBanUntil is today or later, and not revoked (a responsible manager's ban bars
    /// exactly as a perpetrator's). records_found: otherwise, a penalty, enforcement or
    /// judgment neither revoked nor repaired with today ≤ its last counted day. Findings are
    /// every record that counts today, by seq; a ban that has ended is not one.
    /// A judgment or penalty in a barring offence category, or a penalty with 限制从业 in its
    /// term, bars too (StatutoryBars.swift, docs/background-index.md "Statutory bars").
    static func person(_ chain: [(entry: Entry, info: UInt8)], today: Int32, options: BarOptions = .standard) -> (status: PersonStatus, hits: [Hit]) {
        var barred = false
        var hits: [Hit] = []
        for (e, info) in chain where info & KindCode.revoked == 0 {
            let repaired = info & KindCode.repaired != 0
            guard let kind = e.recordKind else { continue }
            switch kind {
            case .ban:
                if e.a >= today {
                    // Unconfirmed: a finding marked pending, never silently clear, never barred.
                    if info & KindCode.pending != 0 {
                        hits.append(Hit(seq: e.seq, kind: kind, until: e.a, pending: true))
                    } else {
                        barred = true
                        hits.append(Hit(seq: e.seq, kind: kind, until: e.a, rule: .ban))
                    }
                }
            case .judgment, .penalty:
                let bar = StatutoryBars.bar(e, kind: kind, today: today, options: options)
                let counts = !repaired && e.b >= today
                if bar != nil { barred = true }
                if bar != nil || counts {
                    hits.append(Hit(seq: e.seq, kind: kind, until: max(bar?.until ?? DayNumber.none, counts ? e.b : DayNumber.none),
                                    rule: bar?.rule, basis: bar?.basis))
                }
            case .enforcement:
                if !repaired && e.b >= today { hits.append(Hit(seq: e.seq, kind: kind, until: e.b)) }
            default:
                break
            }
        }
        let status: PersonStatus = barred ? .barred : hits.isEmpty ? .clear : .recordsFound
        return (status, hits)
    }

    /// A finding from the record at `seq`: what an employer needs and no more.
    static func finding(seq: UInt64, until: Int32, kind: RecordKind, source: some EnvelopeSource) throws -> Finding {
        if let bytes = try source.entryBytes(at: seq), let text = FindingText.extract(entry: bytes) {
            guard text.kind == kind else { throw BackgroundIndexError.sourceMismatch(seq: seq) }
            return Finding(seq: seq, kind: kind, reason: text.reason, scope: text.scope, until: DayNumber.date(until), decidedAt: text.decidedAt,
                           decisionNo: text.decisionNo, authorityName: text.authorityName, authorityUSCC: text.authorityUSCC,
                           recordedName: text.recordedName)
        }
        let envelope = try source.envelope(at: seq)
        guard envelope.kind == kind else { throw BackgroundIndexError.sourceMismatch(seq: seq) }
        let body = envelope.body
        func text(_ key: String) -> String? { body[key]?.stringValue }
        let authority = body["authority"]?.objectValue
        guard let decidedAt = text("decidedAt").flatMap(LocalDate.init(iso:)) else { throw BackgroundIndexError.sourceMismatch(seq: seq) }
        let reason: String?, scope: String?, decisionNo: String?, name: String?
        switch kind {
        case .ban:
            (reason, scope, decisionNo) = (text("reason"), text("scope"), text("decisionNo"))
            name = body["person"]?.objectValue?["name"]?.stringValue
        case .judgment:
            (reason, scope, decisionNo) = (text("offence"), nil, text("caseNo"))
            name = body["person"]?.objectValue?["name"]?.stringValue
        case .penalty:
            (reason, scope, decisionNo) = (text("violationType"), nil, text("decisionNo"))
            name = body["party"]?.objectValue?["name"]?.stringValue
        case .enforcement:
            (reason, scope, decisionNo) = (text("measure"), nil, text("decisionNo"))
            name = body["party"]?.objectValue?["name"]?.stringValue
        default:
            throw BackgroundIndexError.sourceMismatch(seq: seq)
        }
        return Finding(seq: seq, kind: kind, reason: reason, scope: scope, until: DayNumber.date(until), decidedAt: decidedAt,
                       decisionNo: decisionNo ?? "", authorityName: authority?["name"]?.stringValue ?? "",
                       authorityUSCC: authority?["uscc"]?.stringValue ?? "", recordedName: name ?? "")
    }

    static func normalisedCode(_ uscc: String) -> String {
        String(uscc.uppercased().unicodeScalars.filter { !$0.properties.isWhitespace })
    }

    /// Closure (docs/records.md "Disclosure": failed reviews for two consecutive `year`s with no pass in between,
    /// until a deregistration or a later passing review). Over the reviews recorded after the
    /// latest deregistration, each year's result is its latest-recorded review (a re-review
    /// supersedes); closure is required when some years Y and Y+1 both failed and no later
    /// year (> Y+1) passed. `reviews` are (seq order) year and passed.
    static func closureRequired(_ reviews: [(year: Int32, passed: Bool)]) -> Bool {
        var result: [Int32: Bool] = [:]
        for r in reviews { result[r.year] = r.passed }
        let latestPass = result.filter { $0.value }.keys.max() ?? Int32.min
        return result.contains { year, passed in !passed && year >= Int32.min + 1 && result[year - 1] == false && latestPass < year }
    }

    static func institution(uscc: String, chain: [(entry: Entry, info: UInt8)], today: Int32, source: some EnvelopeSource) throws -> InstitutionDisclosure {
        let live = chain.filter { $0.info & KindCode.revoked == 0 }
        let filings = live.filter { $0.entry.recordKind == .institutionFiling }
        let latestFiling = filings.last?.entry
        let reviews = live.filter { $0.entry.recordKind == .annualReview }
        let status = institutionStatus(live, today: today)

        func body(_ entry: Entry, _ kind: RecordKind) throws -> JSONObject {
            let envelope = try source.envelope(at: entry.seq)
            guard envelope.kind == kind else { throw BackgroundIndexError.sourceMismatch(seq: entry.seq) }
            return Disclosure.withoutIdentityNumbers(envelope.body)
        }
        func item(_ entry: Entry, _ kind: RecordKind) throws -> JSONValue {
            .object(JSONObject([("seq", .number(String(entry.seq))), ("record", .object(try body(entry, kind)))]))
        }
        var filing: JSONObject?
        if let latestFiling {
            var object = JSONObject([("seq", .number(String(latestFiling.seq)))])
            for (key, value) in try body(latestFiling, .institutionFiling).members { object[key] = value }
            filing = object
        }
        let inspections = try live.filter { $0.entry.recordKind == .inspection }.map { try item($0.entry, .inspection) }
        let penalties = try live.filter { $0.entry.recordKind == .penalty && $0.info & KindCode.repaired == 0 && $0.entry.b >= today }
            .map { try item($0.entry, .penalty) }
        let annualReviews = try reviews.map { try item($0.entry, .annualReview) }
        return InstitutionDisclosure(uscc: uscc, status: status.status, filing: filing, inspections: inspections, penalties: penalties,
                                     annualReviews: annualReviews, statusRecords: status.records)
    }
}

enum Disclosure {
    /// The members that carry a person's identity document; removed at every depth.
    static let identityKeys: Set<String> = ["idNumber", "idType"]

    static func withoutIdentityNumbers(_ object: JSONObject) -> JSONObject {
        var out = JSONObject()
        for (key, value) in object.members where !identityKeys.contains(key) {
            out[key] = withoutIdentityNumbers(value)
        }
        return out
    }

    static func withoutIdentityNumbers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o): return .object(withoutIdentityNumbers(o))
        case .array(let a): return .array(a.map(withoutIdentityNumbers))
        default: return value
        }
    }
}
