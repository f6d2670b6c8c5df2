import LedgerCrypto

/// Commitment → record number, open addressing over 4-byte slots. The commitments already
/// live in the records, so a slot holds only the record's number: a `[Digest32: Int32]`
/// costs about 90 bytes a record at its load factor, this about 10 (a million records are
/// 100 MB less at start). Records are never removed, so there are no tombstones.
struct CommitmentTable {
    private var slots = [Int32](repeating: -1, count: 64)
    private var count = 0

    /// The record filed under `commitment`, looked up in `records`.
    func find(_ commitment: Digest32, in records: [FileVault.Record]) -> Int32? {
        let mask = slots.count - 1
        var i = commitment.slotHash & mask
        while true {
            let slot = slots[i]
            if slot < 0 { return nil }
            if records[Int(slot)].commitment == commitment { return slot }
            i = (i + 1) & mask
        }
    }

    /// Files record number `index` (already in `records`) under its commitment, which must
    /// not be filed yet.
    mutating func insert(_ index: Int32, in records: [FileVault.Record]) {
        // At most half full, so probes stay short.
        if (count + 1) * 2 > slots.count {
            var grown = [Int32](repeating: -1, count: slots.count * 2)
            for slot in slots where slot >= 0 { Self.place(slot, hash: records[Int(slot)].commitment.slotHash, into: &grown) }
            slots = grown
        }
        Self.place(index, hash: records[Int(index)].commitment.slotHash, into: &slots)
        count += 1
    }

    private static func place(_ index: Int32, hash: Int, into slots: inout [Int32]) {
        let mask = slots.count - 1
        var i = hash & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = index
    }
}

extension FileVault.State {
    func record(for commitment: Digest32) -> Int32? { recordTable.find(commitment, in: records) }

    /// Appends a record not filed yet and answers its number.
    mutating func add(_ record: FileVault.Record) -> Int32 {
        let index = Int32(records.count)
        records.append(record)
        recordTable.insert(index, in: records)
        return index
    }
}

extension Digest32 {
    /// Where a commitment starts probing: its leading bits. Commitments are SHA-256 over a
    /// random salt the service draws, so no client can aim them at one slot.
    fileprivate var slotHash: Int { Int(truncatingIfNeeded: leadingWord) }
}
