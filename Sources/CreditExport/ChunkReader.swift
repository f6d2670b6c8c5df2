import CreditRecords
import Dispatch
import LedgerCrypto
import TransparencyLog

/// The parallel stage of a batch: a chunk of entries read from the source, hashed, and
/// mapped and encoded on every core. Everything with order or state (the frontier, marks,
/// withdrawals, the files) is left to `BatchBuilder`'s ordered stage.
struct ChunkReader: Sendable {
    let source: ExportSource
    let revalidate: Bool
    let mapping: MappingOptions
    let notExported: Set<RecordKind>
    /// Opens a sealed entry through the vault (nil: entries are mapped as stored).
    let open: (@Sendable ([UInt8]) throws -> [UInt8])?
    /// A target profile (nil: csv-2.0, today's bytes): rows are mapped by the full path and
    /// then to the profile's templates.
    let profile: ExportProfile?
    static let chunk = 1024

    init(source: ExportSource, revalidate: Bool, mapping: MappingOptions, open: (@Sendable ([UInt8]) throws -> [UInt8])? = nil,
         profile: ExportProfile? = nil) {
        (self.source, self.revalidate, self.mapping, self.open, self.profile) = (source, revalidate, mapping, open, profile)
        notExported = FastRecordMapper.notExported(under: mapping)
    }

    /// The entry opened through the vault, or as stored (no vault, nothing sealed, erased).
    /// Every opener answers an entry without a commitment as it is, so it is not looked for
    /// here as well (it was, once more per record).
    static func opened(_ entry: [UInt8], _ open: (@Sendable ([UInt8]) throws -> [UInt8])?) throws -> [UInt8] {
        guard let open else { return entry }
        return try open(entry)
    }

    /// Starts reading and mapping the `count` entries from `seq` (all below the checkpoint's
    /// size, so a source that returns fewer is refused).
    func start(_ seq: UInt64, count: Int) -> Task<MappedChunk, Error> {
        Task { try await read(seq, count: count) }
    }

    private func read(_ seq: UInt64, count: Int) async throws -> MappedChunk {
        let (entries, leafHashes) = try await source.entriesWithLeafHashes(from: seq, count: count)
        guard entries.count == count else {
            throw ExportError.source("the log returned \(entries.count) entries at \(seq) where the checkpoint has \(count)")
        }
        guard leafHashes == nil || leafHashes?.count == entries.count else {
            throw ExportError.source("the log returned \(entries.count) entries but \(leafHashes!.count) leaf hashes")
        }
        // Mapping blocks its threads, so it runs on Dispatch's pool, not the cooperative one.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [self] in
                // More slices than cores, so a slice heavy with long records does not leave a
                // core idle at the end of the chunk.
                let slices = ParallelMap.forEachSlice(count: entries.count, parts: ParallelMap.slices * 4) { range in
                    mapSlice(range, entries: entries, leafHashes: leafHashes, first: seq)
                }
                continuation.resume(returning: MappedChunk(slices: slices, count: entries.count))
            }
        }
    }

    /// One core's share: its own hasher, scratch buffers and output buffer, reused entry
    /// after entry.
    private func mapSlice(_ range: Range<Int>, entries: [[UInt8]], leafHashes: [Digest32]?, first: UInt64) -> MappedChunk.Slice {
        let hasher = SHA256Hasher()
        var scratch = FastRecordMapper.Scratch()
        var slice = MappedChunk.Slice(items: [], bytes: [])
        slice.items.reserveCapacity(range.count)
        slice.bytes.reserveCapacity(range.count * 2048)
        for i in range {
            let leafHash = leafHashes?[i] ?? entries[i].withUnsafeBytes { MerkleHashing.leafHash($0, using: hasher) }
            // Hashed as stored (the proof covers the sealed leaf), mapped as opened.
            let outcome: MappedEntry.Outcome
            var confirmation: ConfirmationNote?
            do {
                let entry = try Self.opened(entries[i], open)
                if SealedEnvelope.commitment(of: entry) != nil {
                    outcome = .erased((try? Envelope.decode(entry))?.kind)
                } else {
                    outcome = map(entry, seq: first + UInt64(i), scratch: &scratch, bytes: &slice.bytes)
                    confirmation = ConfirmationNote.of(entry, outcome: outcome)
                }
            } catch {
                // Nothing is marked: the run stops and the next one tries again.
                outcome = .unopened("\(error)")
            }
            slice.items.append(MappedEntry(leafHash: leafHash, outcome: outcome, confirmation: confirmation))
        }
        return slice
    }

    private func map(_ entry: [UInt8], seq: UInt64, scratch: inout FastRecordMapper.Scratch, bytes: inout [UInt8]) -> MappedEntry.Outcome {
        if let profile, !revalidate, let fast = FastRecordMapper.map(entry, seq: seq, notExported: notExported, scratch: &scratch) {
            // A profile from the fast path's row: the values are RecordMapper's (FastPathTests),
            // the summary procedure read from the bytes (ProfileTests compares with --revalidate).
            switch fast {
            case .added(var row):
                let summary = row.family == .xzcf && ProfileMapper.isSummaryProcedure(entry)
                if profile.format == .xlsx && profile.xlsxWriter == .streaming {
                    // Straight to cell bytes for the streaming writer (no String per field).
                    let start = bytes.count, family = row.family
                    let outcome = ProfileByteMapper.map(row, summaryProcedure: summary, profile: profile, into: &bytes)
                    scratch.recycle(&row)
                    switch outcome {
                    case .row(let template): return .profiledBytes(family, template: template, cells: start..<bytes.count)
                    case .excluded: return .mapped(.notExported, .penalty)
                    case .reject(let reason): return .mapped(.reject(reason), Self.kind(of: family))
                    }
                }
                let exportRow = ExportRow(family: row.family, values: row.strings(), sourceSeq: seq)
                scratch.recycle(&row)
                switch ProfileMapper.map(exportRow, summaryProcedure: summary, profile: profile) {
                case .row(let profiled): return .profiled(profiled)
                case .excluded: return .mapped(.notExported, .penalty)
                case .reject(let reason): return .mapped(.reject(reason), Self.kind(of: exportRow.family))
                }
            case .withdrawal(let target, let withdrawal, let kind): return .mapped(.withdrawal(target: target, withdrawal), kind)
            case .notExported(let kind): return .mapped(.notExported, kind)
            }
        }
        if profile == nil, !revalidate, let fast = FastRecordMapper.map(entry, seq: seq, notExported: notExported, scratch: &scratch) {
            switch fast {
            case .added(var row):
                let start = bytes.count
                let middle = start + row.appendEncodings(to: &bytes, room: &scratch.encoded)
                scratch.recycle(&row)
                return .added(row.family, csv: start..<middle, jsonl: middle..<bytes.count)
            case .withdrawal(let target, let withdrawal, let kind): return .mapped(.withdrawal(target: target, withdrawal), kind)
            case .notExported(let kind): return .mapped(.notExported, kind)
            }
        }
        do {
            let envelope = try Envelope.decode(entry)
            let record = try Record(kind: envelope.kind, validated: envelope.body)
            let mapped = RecordMapper.map(record, seq: seq, options: mapping)
            guard case .row(let row) = mapped else { return .mapped(mapped, record.kind) }
            if let profile {
                // The profile's values (no-end date, representative ID, vocabularies) need the
                // record, so profiles take the full path; csv-2.0 keeps the fast one.
                switch ProfileMapper.map(row, record: record, profile: profile) {
                case .row(let profiled): return .profiled(profiled)
                case .excluded: return .mapped(.notExported, record.kind)
                case .reject(let reason): return .mapped(.reject(reason), record.kind)
                }
            }
            var csv = [UInt8](), jsonl = [UInt8]()
            BatchBuilder.encode(row, csv: &csv, jsonl: &jsonl)
            let start = bytes.count
            bytes.append(contentsOf: csv)
            bytes.append(contentsOf: jsonl)
            return .added(row.family, csv: start..<(start + csv.count), jsonl: (start + csv.count)..<bytes.count)
        } catch let failure as ValidationFailure {
            // Field errors name pointers and codes; their messages never carry an ID number.
            return .invalid(failure.errors.map(\.description).joined(separator: "; "))
        } catch {
            return .notARecord
        }
    }
}

extension ChunkReader {
    /// The kind a national family's 新增 row comes from (for a reject line).
    static func kind(of family: ExportFamily) -> RecordKind {
        switch family {
        case .xzcf: return .penalty
        case .sxmd: return .ban
        case .xzjc: return .inspection
        case .xzqz: return .enforcement
        case .sfpj: return .judgment
        case .djba: return .institutionFiling
        case .ndsh: return .annualReview
        }
    }
}

/// A chunk as the parallel stage leaves it: per core, the entries' outcomes in seq order
/// and one buffer holding their encoded rows.
struct MappedChunk: Sendable {
    struct Slice: Sendable {
        var items: [MappedEntry]
        var bytes: [UInt8]
    }
    let slices: [Slice]
    let count: Int
}

/// One entry: its leaf hash, and its mapping or why it has none.
struct MappedEntry: Sendable {
    enum Outcome: Sendable {
        /// A 新增 row, encoded: its CSV and JSON Lines bytes in the slice's buffer.
        case added(ExportFamily, csv: Range<Int>, jsonl: Range<Int>)
        case mapped(MappedRecord, RecordKind)
        /// A 新增 row of a target profile's template.
        case profiled(ProfiledRow)
        /// The same, its cells encoded in the slice's buffer (`CellBytes`): the fast path.
        case profiledBytes(ExportFamily, template: Int, cells: Range<Int>)
        case invalid(String)
        /// A sealed record whose personal part is gone (or no vault was given).
        case erased(RecordKind?)
        /// The vault failed to open it: the run stops (never a permanent reject).
        case unopened(String)
        case notARecord
    }
    let leafHash: Digest32
    let outcome: Outcome
    /// Set for the records the two-person rule for lifetime bans touches.
    var confirmation: ConfirmationNote? = nil
}
