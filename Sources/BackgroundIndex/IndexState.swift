import CreditRecords

/// One record as it concerns one subject: 20 bytes, no pointers. A subject's entries form a
/// chain through `previous` (newest first) inside one shared array, so a person costs one
/// table slot and no allocation of their own.
///
/// Fields by kind (days are `DayNumber`s):
/// - ban:         `a` = last barred day (`DayNumber.never` for lifetime)
/// - judgment:    `a` = practiceBanUntil (or none), `b` = last day it counts as a record,
///                `flags` = OffenceCategory.code (0: none)
/// - penalty:     person: `b` = max(publication end, validUntil), `a` = last day of a 限制从业
///                (or none), `flags` = OffenceCategory.code;
///                institution: `b` = the publication end (publicUntil, else the rule's default),
///                `flags` = `StatusBits` (closure, license revocation)
/// - enforcement: `b` = decidedAt + 3 y; institution: `flags` = `StatusBits`, `a` = a seal's last
///                day (a lift: its target's seq, low 32 bits; `b` = the lift's day)
/// - institution_filing: `flags` = the action (FilingAction index), `a` = institution.region (0: none)
/// - annual_review: `a` = year, `flags` = 1 when passed
struct Entry: Equatable {
    var seqLow: UInt32
    var seqHigh: UInt16
    var kind: UInt8
    var flags: UInt8
    var a: Int32
    var b: Int32
    var previous: Int32

    init(seq: UInt64, kind: RecordKind, flags: UInt8 = 0, a: Int32 = DayNumber.none, b: Int32 = DayNumber.none, previous: Int32) {
        seqLow = UInt32(truncatingIfNeeded: seq)
        seqHigh = UInt16(truncatingIfNeeded: seq >> 32)
        self.kind = KindCode.code(kind)
        self.flags = flags
        self.a = a
        self.b = b
        self.previous = previous
    }

    init(seqLow: UInt32, seqHigh: UInt16, kind: UInt8, flags: UInt8, a: Int32, b: Int32, previous: Int32) {
        (self.seqLow, self.seqHigh, self.kind, self.flags, self.a, self.b, self.previous) = (seqLow, seqHigh, kind, flags, a, b, previous)
    }

    var seq: UInt64 { UInt64(seqHigh) << 32 | UInt64(seqLow) }
    var recordKind: RecordKind? { KindCode.kind(kind) }

    /// Seqs must fit in 48 bits (2.8e14 entries).
    static let maxSeq: UInt64 = 1 << 48 - 1
}

/// Record kinds as 4-bit codes; 0xF marks an entry that is not a record.
enum KindCode {
    static let notARecord: UInt8 = 0x0F
    static let revoked: UInt8 = 0x10
    static let repaired: UInt8 = 0x20
    /// A lifetime ban, or a revocation of one, awaiting its confirmation (`ban_confirmation`):
    /// not in force yet (docs/background-index.md "Bans need two people").
    static let pending: UInt8 = 0x40
    /// A lifetime ban (a revocation of one needs a confirmation too).
    static let lifetimeBan: UInt8 = 0x80
    /// The highest kind code in use.
    static let maxCode: UInt8 = 11

    static func code(_ kind: RecordKind) -> UInt8 {
        switch kind {
        case .institutionFiling: return 0
        case .inspection: return 1
        case .penalty: return 2
        case .enforcement: return 3
        case .judgment: return 4
        case .ban: return 5
        case .annualReview: return 6
        case .revocation: return 7
        case .creditRepair: return 8
        case .erasure: return 9
        case .migration: return 10
        case .banConfirmation: return 11
        }
    }

    static let kinds: [RecordKind] = [.institutionFiling, .inspection, .penalty, .enforcement, .judgment, .ban, .annualReview, .revocation, .creditRepair, .erasure, .migration, .banConfirmation]

    static func kind(_ code: UInt8) -> RecordKind? {
        let c = Int(code & 0x0F)
        return c < kinds.count ? kinds[c] : nil
    }
}

/// Everything the index holds. Per seq one byte (kind code | revoked | repaired); per subject a
/// table slot (16-byte key → 4-byte chain head); per (record, subject) one `Entry`.
struct IndexState {
    var size: UInt64 = 0
    /// `PersonKeying.tag` of the key people are keyed by; 0: by number.
    var keyTag: UInt32 = 0
    var info: [UInt8] = []
    var entries: [Entry] = []
    var people: [SubjectKey: Int32] = [:]
    var otherPeople: [String: Int32] = [:]
    var institutions: [SubjectKey: Int32] = [:]
    var otherInstitutions: [String: Int32] = [:]
    var records = 0
    /// The registry's part (`RecordLookup`): authority, decision date, document number.
    var columns = RecordColumns()
    /// Revocations of lifetime bans awaiting confirmation: revocation seq → the ban it withdraws.
    var pendingRevocations: [UInt64: UInt64] = [:]
    /// The institutions whose rows in each public list may have changed since that table last
    /// caught up (PublicListTables.swift); nil: any row may have, so the table is made again.
    var institutionListChanges: Set<SubjectRef>?
    var penaltyListChanges: Set<SubjectRef>?

    func head(person ref: SubjectRef) -> Int32 {
        switch ref {
        case .packed(let key): return people[key] ?? -1
        case .other(let key): return otherPeople[key] ?? -1
        }
    }

    func head(institution ref: SubjectRef) -> Int32 {
        switch ref {
        case .packed(let key): return institutions[key] ?? -1
        case .other(let key): return otherInstitutions[key] ?? -1
        }
    }

    /// The subject's entries, oldest first, each with its seq's info byte.
    func chain(from head: Int32) -> [(entry: Entry, info: UInt8)] {
        var out: [(Entry, UInt8)] = []
        var i = head
        while i >= 0 {
            let e = entries[Int(i)]
            let seq = e.seq
            out.append((e, seq < UInt64(info.count) ? info[Int(seq)] : KindCode.notARecord))
            i = e.previous
        }
        return out.reversed()
    }

    private mutating func link(person ref: SubjectRef, _ make: (Int32) -> Entry) {
        let index = Int32(entries.count)
        switch ref {
        case .packed(let key):
            let previous = people.updateValue(index, forKey: key) ?? -1
            entries.append(make(previous))
        case .other(let key):
            let previous = otherPeople.updateValue(index, forKey: key) ?? -1
            entries.append(make(previous))
        }
    }

    private mutating func link(institution ref: SubjectRef, _ make: (Int32) -> Entry) {
        noteListChange(ref)
        let index = Int32(entries.count)
        switch ref {
        case .packed(let key):
            let previous = institutions.updateValue(index, forKey: key) ?? -1
            entries.append(make(previous))
        case .other(let key):
            let previous = otherInstitutions.updateValue(index, forKey: key) ?? -1
            entries.append(make(previous))
        }
    }

    /// Applies the entry at `seq` (== size). `facts` nil: not a record; only the size advances.
    mutating func apply(seq: UInt64, facts: RecordFacts?) {
        precondition(seq == size, "BackgroundIndex: entries must be applied in seq order")
        precondition(seq <= Entry.maxSeq, "BackgroundIndex: seq beyond 48 bits")
        size += 1
        columns.append(facts)
        guard let f = facts else {
            info.append(KindCode.notARecord)
            return
        }
        info.append(KindCode.code(f.kind))
        records += 1
        let kind = f.kind
        switch kind {
        case .ban:
            // A ban without a readable end (never for a validated record) bars: failing safe.
            let end = f.lifetime || f.banUntil == DayNumber.none ? DayNumber.never : f.banUntil
            if f.lifetime { info[Int(seq)] |= KindCode.lifetimeBan | (f.needsConfirmation ? KindCode.pending : 0) }
            if let p = f.person { link(person: p) { Entry(seq: seq, kind: kind, a: end, previous: $0) } }
            if let i = f.institution { link(institution: i) { Entry(seq: seq, kind: kind, previous: $0) } }
        case .judgment:
            let category = OffenceCategory.code(f.offenceCategory)
            if let p = f.person { link(person: p) { Entry(seq: seq, kind: kind, flags: category, a: f.banUntil, b: f.recordEnd, previous: $0) } }
        case .penalty, .enforcement:
            let (category, restriction) = (OffenceCategory.code(f.offenceCategory), f.restrictionEnd)
            if let p = f.person { link(person: p) { Entry(seq: seq, kind: kind, flags: category, a: restriction, b: f.recordEnd, previous: $0) } }
            // flags: `StatusBits`; a: a seal's last day, or a lift's target (docs/background-index.md "Institution status").
            let (bits, a, b) = StatusBits.institutionEntry(f)
            if let i = f.institution { link(institution: i) { Entry(seq: seq, kind: kind, flags: bits, a: a, b: b, previous: $0) } }
        case .institutionFiling:
            let action = UInt8(FilingAction.allCases.firstIndex(of: f.action ?? .filed)!)
            if let i = f.institution { link(institution: i) { Entry(seq: seq, kind: kind, flags: action, a: f.region, previous: $0) } }
        case .inspection:
            if let i = f.institution { link(institution: i) { Entry(seq: seq, kind: kind, previous: $0) } }
        case .annualReview:
            if let i = f.institution { link(institution: i) { Entry(seq: seq, kind: kind, flags: f.passed ? 1 : 0, a: f.year, previous: $0) } }
        case .revocation:
            // Withdraws any earlier record except a revocation or a credit repair (the validator
            // refuses those; a log that has one anyway gets it ignored, not trusted).
            guard let t = f.target, t < seq else { return }
            let code = info[Int(t)] & 0x0F
            guard code != KindCode.notARecord, code != KindCode.code(.revocation), code != KindCode.code(.creditRepair),
                  code != KindCode.code(.banConfirmation) else { return }
            // A lifetime ban stays in force until its revocation is confirmed.
            if info[Int(t)] & KindCode.lifetimeBan != 0, f.needsConfirmation {
                invalidateLists()
                info[Int(seq)] |= KindCode.pending
                pendingRevocations[seq] = t
                return
            }
            revoke(t)
        case .banConfirmation:
            // Puts a pending lifetime ban, or a pending revocation of one, in force; anything
            // else (the service refuses it) is ignored.
            guard let t = f.target, t < seq, info[Int(t)] & KindCode.pending != 0 else { return }
            invalidateLists()
            info[Int(t)] &= ~KindCode.pending
            if let banSeq = pendingRevocations.removeValue(forKey: t) { revoke(banSeq) }
        case .creditRepair:
            // Ends the publication of a penalty, enforcement or judgment early; nothing else.
            guard let t = f.target, t < seq else { return }
            let code = info[Int(t)] & 0x0F
            guard code == KindCode.code(.penalty) || code == KindCode.code(.enforcement) || code == KindCode.code(.judgment) else { return }
            invalidateLists()
            info[Int(t)] |= KindCode.repaired
        case .erasure:
            // Names no one; the people it erased are forgotten by the erasure use case.
            break
        case .migration:
            // Names no one; it only says where the log came from.
            break
        }
    }

    /// Takes `target` out of force (once).
    private mutating func revoke(_ target: UInt64) {
        invalidateLists()
        if info[Int(target)] & KindCode.revoked == 0 { columns.revoke(Int(target)) }
        info[Int(target)] |= KindCode.revoked
    }

    /// An institution's chain grew: its rows in the public lists are worked out again. Past
    /// `PublicListTables.trackedChanges` institutions a table is made again whole instead.
    private mutating func noteListChange(_ ref: SubjectRef) {
        if institutionListChanges != nil {
            institutionListChanges!.insert(ref)
            if institutionListChanges!.count > PublicListTables.trackedChanges { institutionListChanges = nil }
        }
        if penaltyListChanges != nil {
            penaltyListChanges!.insert(ref)
            if penaltyListChanges!.count > PublicListTables.trackedChanges { penaltyListChanges = nil }
        }
    }

    /// A change not tied to one institution's chain (a revocation, a confirmation, a credit
    /// repair flips a flag on some earlier record): both tables are made again whole.
    private mutating func invalidateLists() {
        institutionListChanges = nil
        penaltyListChanges = nil
    }
}
