import CreditRecords

/// What in a record can set an institution's status (docs/background-index.md "Institution
/// status"), kept in the `flags` byte of the institution's `Entry` for a penalty or an
/// enforcement measure.
enum StatusBits {
    /// A penalty whose `categories` has `closure` (责令关闭).
    static let closure: UInt8 = 0x01
    /// A penalty whose `categories` has `license_revocation` (吊销许可证件).
    static let licenseRevocation: UInt8 = 0x02
    /// An enforcement measure `seal` (查封).
    static let seal: UInt8 = 0x04
    /// An enforcement decision that lifts an earlier measure (`lifts`, 解除, 行政强制法 art. 28).
    static let lift: UInt8 = 0x08

    static func penalty(categories: some Sequence<PenaltyCategory>) -> UInt8 {
        var bits: UInt8 = 0
        for c in categories {
            if c == .closure { bits |= closure }
            if c == .licenseRevocation { bits |= licenseRevocation }
        }
        return bits
    }

    static func penalty(categories: some Sequence<String>) -> UInt8 {
        var bits: UInt8 = 0
        for c in categories {
            if c == PenaltyCategory.closure.rawValue { bits |= closure }
            if c == PenaltyCategory.licenseRevocation.rawValue { bits |= licenseRevocation }
        }
        return bits
    }

    /// 行政强制法 art. 25: a 查封 lasts at most 30 days unless extended (by a further decision,
    /// at most 30 days more) or a law sets otherwise. Without a recorded end, a seal counts
    /// from its decision through the 30th day after it; an extension is its own decision and
    /// so its own record, which counts from its own date.
    static let sealDays: Int32 = 30

    /// The institution's `Entry` fields of a penalty or enforcement: (flags, a, b). A seal:
    /// a = its last day; a lift: a = its target's seq (low 32 bits: the seal is looked for in
    /// the same institution's chain only, so no two of its seqs share them below 2³² records),
    /// b = the lift's day; otherwise b = the publication end, as before.
    static func institutionEntry(_ f: RecordFacts) -> (UInt8, Int32, Int32) {
        if f.kind == .enforcement, let target = f.lifts { return (lift, Int32(truncatingIfNeeded: target), f.decisionDay) }
        let sealEnd = f.statusBits & seal != 0 && f.decisionDay != DayNumber.none ? f.decisionDay + sealDays : DayNumber.none
        return (f.statusBits, sealEnd, f.publicationEnd)
    }
}

/// An institution's status with the records that caused it (oldest first).
struct StatusAnswer: Equatable {
    var status: InstitutionStatus
    var records: [UInt64]
}

/// One row of the public institution list.
public struct InstitutionListing: Sendable, Equatable {
    public let uscc: String
    public let status: InstitutionStatus
    /// The records behind the status, by seq.
    public let statusRecords: [UInt64]
    /// The current filing's seq (its body names the institution), nil when unfiled.
    public let filingSeq: UInt64?
    /// The current filing's region (GB/T 2260), nil when unfiled or not given.
    public let region: String?
}

/// A region filter by GB/T 2260 level: a province code (`XX0000`) takes every code of the
/// province, a city code (`XXXX00`) every code of the city, any other code itself.
public struct RegionFilter: Sendable, Equatable {
    let code: Int32
    let divisor: Int32

    /// nil unless `text` is six digits.
    public init?(_ text: String) {
        // Six digits, as the document's pattern says; a code no region has (000000) matches nothing.
        guard text.utf8.count == 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int32(text) else { return nil }
        code = n
        divisor = n % 10000 == 0 ? 10000 : n % 100 == 0 ? 100 : 1
    }

    /// A six-digit code as a number; nil otherwise.
    static func number(_ text: String) -> Int32? { RegionFilter(text)?.code }

    /// `number` of a code's bytes (a rebuild reads one per filing, without making a String).
    static func number(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard text.count == 6 else { return nil }
        var n: Int32 = 0
        for b in text {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            n = n * 10 + Int32(b - 0x30)
        }
        return n
    }

    func matches(_ region: Int32) -> Bool { region > 0 && region / divisor == code / divisor }
}

extension Rules {
    /// docs/background-index.md "Institution status", first match wins, over the institution's
    /// non-revoked records (`live`, seq order):
    /// 1. `deregistered` — the current filing is a deregistration (its seq);
    /// 2. `closed` — a penalty with `closure` recorded after the latest deregistration;
    /// 3. `license_revoked` — likewise a penalty with `license_revocation`;
    /// 4. `sealed` — a seal (查封) after the latest deregistration, decided on or before
    ///    today and within `StatusBits.sealDays` of it, and not lifted by a later decision;
    /// 5. `closure_required` — two consecutive failed annual reviews (`closureRequired`), the
    ///    failed reviews that make it;
    /// 6. `unfiled` — no current filing (no records);
    /// 7. `active` — the current filing.
    static func institutionStatus(_ live: [(entry: Entry, info: UInt8)], today: Int32) -> StatusAnswer {
        let deregistered = UInt8(FilingAction.allCases.firstIndex(of: .deregistered)!)
        let filings = live.filter { $0.entry.recordKind == .institutionFiling }
        let latestFiling = filings.last?.entry
        if let latestFiling, latestFiling.flags == deregistered { return StatusAnswer(status: .deregistered, records: [latestFiling.seq]) }
        let since = filings.last { $0.entry.flags == deregistered }?.entry.seq
        let current = live.filter { since == nil || $0.entry.seq > since! }.map(\.entry)

        func marked(_ kind: RecordKind, _ bit: UInt8) -> [UInt64] {
            current.filter { $0.recordKind == kind && $0.flags & bit != 0 }.map(\.seq)
        }
        let closures = marked(.penalty, StatusBits.closure)
        if !closures.isEmpty { return StatusAnswer(status: .closed, records: closures) }
        let revocations = marked(.penalty, StatusBits.licenseRevocation)
        if !revocations.isEmpty { return StatusAnswer(status: .licenseRevoked, records: revocations) }
        // `a` is the seal's last day; a live lift decided by today ends it (its `a` names the seal).
        let lifts = current.filter { $0.recordKind == .enforcement && $0.flags & StatusBits.lift != 0 && $0.b <= today }
        let seals = current.filter { e in
            e.recordKind == .enforcement && e.flags & StatusBits.seal != 0 && e.a >= today && e.a - StatusBits.sealDays <= today
                && !lifts.contains { $0.seq > e.seq && $0.a == Int32(truncatingIfNeeded: e.seq) }
        }
        if !seals.isEmpty { return StatusAnswer(status: .sealed, records: seals.map(\.seq)) }

        let reviews = current.filter { $0.recordKind == .annualReview }
        let failing = closureCauses(reviews.map { (year: $0.a, passed: $0.flags == 1, seq: $0.seq) })
        if !failing.isEmpty { return StatusAnswer(status: .closureRequired, records: failing) }
        guard let latestFiling else { return StatusAnswer(status: .unfiled, records: []) }
        return StatusAnswer(status: .active, records: [latestFiling.seq])
    }

    /// The reviews that make `closureRequired` true (empty when it is false): each year's
    /// latest-recorded review, for the failed years after the latest passed year that have a
    /// failed year next to them.
    static func closureCauses(_ reviews: [(year: Int32, passed: Bool, seq: UInt64)]) -> [UInt64] {
        guard closureRequired(reviews.map { (year: $0.year, passed: $0.passed) }) else { return [] }
        var latest: [Int32: (passed: Bool, seq: UInt64)] = [:]
        for r in reviews { latest[r.year] = (r.passed, r.seq) }
        let latestPass = latest.filter { $0.value.passed }.keys.max() ?? Int32.min
        let failed = Set(latest.filter { !$0.value.passed && $0.key > latestPass }.keys)
        return failed.filter { failed.contains($0 - 1) || failed.contains($0 + 1) }.compactMap { latest[$0]?.seq }.sorted()
    }
}

extension BackgroundIndex {
    /// The public list (docs/background-index.md "Institution status"): institutions in USCC
    /// order after `after`, with `status` (any when nil) and a current filing in `region`
    /// (any when nil), at most `limit`; `next` is the last code returned when more may follow.
    public func institutions(status: InstitutionStatus?, region: RegionFilter?, after: String?, limit: Int,
                             today: LocalDate) -> (items: [InstitutionListing], next: String?) {
        let table = institutionTable(day: DayNumber.from(today))
        // The table is in USCC order: a page starts by binary search after `after`.
        var low = 0, high = table.count
        if let after {
            while low < high {
                let mid = (low + high) / 2
                if table[mid].listing.uscc <= after { low = mid + 1 } else { high = mid }
            }
        }
        var items: [InstitutionListing] = []
        for row in table[low...] {
            if let status, row.listing.status != status { continue }
            if let region, !region.matches(row.region) { continue }
            if items.count == limit { return (items, items.last?.uscc) }
            items.append(row.listing)
        }
        return (items, nil)
    }
}

extension BackgroundIndex {
    /// An institution's status alone, from memory (no envelope is read); nil when nothing is
    /// recorded about the code. The check route asks it of the checking institution.
    public func institutionStatus(uscc: String, today: LocalDate) -> InstitutionStatus? {
        let ref = SubjectRef.institution(uscc: uscc)
        let chain: [(entry: Entry, info: UInt8)]? = state.withLock { state in
            let head = state.head(institution: ref)
            return head < 0 ? nil : state.chain(from: head)
        }
        guard let chain else { return nil }
        return Rules.institutionStatus(chain.filter { $0.info & KindCode.revoked == 0 }, today: DayNumber.from(today)).status
    }
}
