import CreditRecords
import LedgerCrypto
import PersonalVault
import TransparencyLog

extension LogMigration {
    /// Appends the migration record, then every old record sealed, in order, in batches
    /// (each batch: one vault sync, one fsync, one signature).
    func append(oldLog: TransparencyLog, oldSealed: SealedEntries?, first: Envelope, into newLog: TransparencyLog, sealed: SealedEntries,
                tally: inout MigrationReport.Appended) async throws {
        let firstLeaf = try sealed.seal(first, owner: .organization(uscc: first.submittedBy.authority ?? ""), mentions: [])
        _ = try await newLog.append(firstLeaf.leaf)
        var seq: UInt64 = 0
        var reportedFirstBatch = false
        while seq < oldLog.size {
            let count = Int(min(UInt64(Self.batch), oldLog.size - seq))
            var leaves: [[UInt8]] = []
            leaves.reserveCapacity(count)
            for (i, entry) in try oldLog.entries(from: seq, count: count).enumerated() {
                let oldSeq = seq + UInt64(i)
                let (full, erased) = try Self.opened(entry, through: oldSealed)
                let envelope = try Self.rewritten(full, offset: 1, tally: &tally)
                if erased {
                    // Its personal part was erased in OLD: the public leaf goes over as it was
                    // (its seq members moved), still naming a commitment no vault can open.
                    leaves.append(try envelope.canonicalBytes())
                    tally.erased += 1
                    continue
                }
                let leaf = try sealed.seal(envelope, owner: try Self.owner(of: envelope, in: oldLog, oldSealed: oldSealed),
                                           mentions: RecordSubjects.people(in: envelope.body))
                guard leaf.leaf.count <= TransparencyLog.maxEntrySize else {
                    throw Refused("the record at old seq \(oldSeq) would be \(leaf.leaf.count) bytes sealed, over the log's \(TransparencyLog.maxEntrySize)")
                }
                if leaf.commitment != nil { tally.sealed += 1 }
                leaves.append(leaf.leaf)
            }
            _ = try await newLog.append(contentsOf: leaves)
            seq += UInt64(count)
            if !reportedFirstBatch {
                reportedFirstBatch = true
                options.stepHook?("first-batch")
            }
        }
    }

    /// An old entry as its full (v1) envelope: as stored for v1 and for a sealed entry with
    /// nothing personal, opened through OLD's vault for a sealed one; `erased` when OLD's vault
    /// no longer holds its personal part (then the envelope is the sealed leaf).
    static func opened(_ entry: [UInt8], through oldSealed: SealedEntries?) throws -> (envelope: Envelope, erased: Bool) {
        guard let oldSealed, SealedEntries.commitment(of: entry) != nil else {
            var envelope = try Envelope.decode(entry)
            // A sealed entry with nothing personal is its full body: it is sealed again anew.
            envelope.version = 1
            return (envelope, false)
        }
        guard let opened = try oldSealed.opened(entry) else { return (try Envelope.decode(entry), true) }
        return (try Envelope.decode(opened.entry), false)
    }

    /// The old envelope with every seq member moved by `offset`. A client signature covers
    /// the body as signed, so a record whose body changed keeps none (the signed original
    /// stays in the old log, at the seq the migration record's offset names).
    static func rewritten(_ envelope: Envelope, offset: UInt64, tally: inout MigrationReport.Appended) throws -> Envelope {
        var body = envelope.body
        for field in KindSpec.of(envelope.kind).fields {
            guard let value = body[field.key] else { continue }
            switch (field.type, value) {
            case (.seq, _):
                guard let n = value.integerValue, let old = UInt64(exactly: n) else { continue }
                body[field.key] = .uint(old + offset)
                tally.rewrittenReferences += 1
            case (.seqList, .array(let items)):
                body[field.key] = .array(items.map { item in item.integerValue.flatMap { UInt64(exactly: $0) }.map { JSONValue.uint($0 + offset) } ?? item })
                tally.rewrittenReferences += items.count
            default:
                continue
            }
        }
        let changed = body != envelope.body
        if changed && envelope.clientSignature != nil { tally.droppedClientSignatures += 1 }
        var out = Envelope(kind: envelope.kind, body: body, submittedAt: envelope.submittedAt, submittedBy: envelope.submittedBy,
                           clientSignature: changed ? nil : envelope.clientSignature)
        // An erased record's leaf keeps its version and commitment.
        (out.version, out.commitment) = (envelope.version, envelope.commitment)
        return out
    }

    /// Whose data key seals the record: as the service's submission decides it (the person it
    /// is about, else the organisation; a revocation or repair its target's owner, else the
    /// authority), so erasing a subject after the migration takes the same records.
    static func owner(of envelope: Envelope, in oldLog: TransparencyLog, oldSealed: SealedEntries?) throws -> SubjectIdentifier {
        if let owner = RecordSubjects.owner(kind: envelope.kind, body: envelope.body) { return owner }
        if let member = KindSpec.of(envelope.kind).target, let n = envelope.body["\(member)"]?.integerValue,
           let newTarget = UInt64(exactly: n), newTarget >= 1, newTarget - 1 < oldLog.size,
           let target = try? opened(oldLog.entry(at: newTarget - 1), through: oldSealed).envelope,
           let owner = RecordSubjects.owner(kind: target.kind, body: target.body) {
            return owner
        }
        let authority = envelope.body["authority"]?.objectValue?["uscc"]?.stringValue ?? ""
        return .organization(uscc: RecordSubjects.normalised(authority))
    }
}
