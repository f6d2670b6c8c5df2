import LedgerCrypto

/// Key → number, open addressing over 4-byte slots, for the vault's two maps (commitment →
/// record, pseudonym → subject). The keys already live in the records and subjects arrays, so
/// a slot holds only the number: a Swift `Dictionary` keyed by a 32-byte digest costs about
/// 90 bytes an entry at its load factor, this about 10 (a million records are 100 MB less at
/// start). Nothing is ever removed, so there are no tombstones. The hash is the key's leading
/// word: commitments and pseudonyms are SHA-256 / HMAC outputs over secrets the service
/// holds, so no client can aim keys at one slot (and SipHash over 32 bytes was a tenth of an
/// export's vault lookups).
struct SlotTable {
    private var slots = [Int32](repeating: -1, count: 64)
    private var count = 0

    /// The number filed under a key with this hash that `matches` accepts.
    @inline(__always)
    func find(hash: Int, matches: (Int32) -> Bool) -> Int32? {
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let slot = slots[i]
            if slot < 0 { return nil }
            if matches(slot) { return slot }
            i = (i + 1) & mask
        }
    }

    /// Files `number` under `hash` (its key must not be filed yet); `hashOf` answers the hash
    /// of a number already filed, for when the table grows.
    mutating func insert(_ number: Int32, hash: Int, hashOf: (Int32) -> Int) {
        if (count + 1) * 2 > slots.count { resize(to: slots.count * 2, hashOf: hashOf) }
        Self.place(number, hash: hash, into: &slots)
        count += 1
    }

    /// Grows once to hold `total` entries (the count an open index or a file's size names),
    /// instead of doubling through every size on the way.
    mutating func reserve(_ total: Int, hashOf: (Int32) -> Int) {
        var size = slots.count
        while total * 2 > size { size *= 2 }
        if size > slots.count { resize(to: size, hashOf: hashOf) }
    }

    private mutating func resize(to size: Int, hashOf: (Int32) -> Int) {
        var grown = [Int32](repeating: -1, count: size)
        for slot in slots where slot >= 0 { Self.place(slot, hash: hashOf(slot), into: &grown) }
        slots = grown
    }

    private static func place(_ number: Int32, hash: Int, into slots: inout [Int32]) {
        let mask = slots.count - 1
        var i = hash & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = number
    }
}

extension FileVault.State {
    func record(for commitment: Digest32) -> Int32? {
        recordTable.find(hash: commitment.slotHash) { records[Int($0)].commitment == commitment }
    }

    /// `record(for:)`, trying record `next` first: the export opens records in the order
    /// they were sealed, so the one after the last found is the likely answer, and reading it
    /// is cheaper than the table's probe (a cache miss a record at a million). Only a match
    /// of the commitment itself is taken.
    @inline(__always)
    func record(for commitment: Digest32, probingFirst next: Int) -> Int32? {
        if next >= 0, next < records.count, records[next].commitment == commitment { return Int32(next) }
        return record(for: commitment)
    }

    /// The same through the state's address (`VaultStateLock.withReadAccess`): a method call
    /// on the whole state copies it, a stored property read through the pointer does not.
    @inline(__always)
    static func record(in s: UnsafePointer<Self>, for commitment: Digest32, probingFirst next: Int) -> Int32? {
        if next >= 0, next < s.pointee.records.count, s.pointee.records[next].commitment == commitment { return Int32(next) }
        return s.pointee.recordTable.find(hash: commitment.slotHash) { s.pointee.records[Int($0)].commitment == commitment }
    }

    /// Appends a record not filed yet and answers its number.
    mutating func add(_ record: FileVault.Record) -> Int32 {
        let index = Int32(records.count)
        records.append(record)
        recordTable.insert(index, hash: record.commitment.slotHash) { [records] in records[Int($0)].commitment.slotHash }
        return index
    }

    func subjectNumber(_ p: Pseudonym) -> Int32? {
        subjectTable.find(hash: p.digest.slotHash) { subjects[Int($0)].pseudonym == p }
    }

    /// What the vault knows of a subject name: nil (never filed), else whether its data key
    /// was destroyed (`Pseudonym.generationForSealing`).
    func destroyed(_ p: Pseudonym) -> Bool? {
        subjectNumber(p).map { if case .destroyed = subjects[Int($0)].key { true } else { false } }
    }

    /// Of a subject's pseudonyms (the current key's first), the one it is filed under: the
    /// one with a key frame (live or destroyed), then one seen mentioned, else the current.
    func filingName(among all: [Pseudonym]) -> Pseudonym {
        all.first { subjectNumber($0).map { subjects[Int($0)].keySecretOffset != nil } ?? false }
            ?? all.first { subjectNumber($0) != nil } ?? all[0]
    }

    /// The subject's number, filing it (with no key and no records) when it is new.
    mutating func subject(_ p: Pseudonym) -> Int32 {
        if let i = subjectNumber(p) { return i }
        let i = Int32(subjects.count)
        subjects.append(FileVault.Subject(pseudonym: p))
        subjectTable.insert(i, hash: p.digest.slotHash) { [subjects] in subjects[Int($0)].pseudonym.digest.slotHash }
        return i
    }

    /// Room for `records` records and `subjects` subjects in all, made once.
    mutating func reserve(records total: Int, subjects people: Int) {
        records.reserveCapacity(total)
        recordTable.reserve(total) { [records] in records[Int($0)].commitment.slotHash }
        subjects.reserveCapacity(people)
        subjectTable.reserve(people) { [subjects] in subjects[Int($0)].pseudonym.digest.slotHash }
    }

    /// Adds record `record` to the end of subject `subject`'s list.
    mutating func link(_ record: Int32, to subject: Int32) {
        let link = Int32(links.count)
        links.append(FileVault.Link(record: record, next: -1))
        let last = subjects[Int(subject)].lastLink
        if last < 0 { subjects[Int(subject)].firstLink = link } else { links[Int(last)].next = link }
        subjects[Int(subject)].lastLink = link
    }

    /// The numbers of the records subject `subject` owns or is mentioned in, in the order
    /// they were filed.
    func records(of subject: Int32) -> [Int32] {
        var out: [Int32] = []
        var link = subjects[Int(subject)].firstLink
        while link >= 0 {
            out.append(links[Int(link)].record)
            link = links[Int(link)].next
        }
        return out
    }
}

extension Digest32 {
    /// Where a commitment or pseudonym starts probing: its leading bits.
    fileprivate var slotHash: Int { Int(truncatingIfNeeded: leadingWord) }
}
