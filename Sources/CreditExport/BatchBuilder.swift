import CreditRecords
import Foundation
import LedgerCrypto
import TransparencyLog

/// Streams one seq range into a batch directory: every entry is hashed into the Merkle
/// frontier, decoded, mapped and appended to its family's CSV and JSON Lines files as it is
/// read, so memory is a few buffers whatever the range. The caller checks the frontier
/// against the checkpoint before anything is renamed into place.
struct BatchBuilder {
    let source: ExportSource
    let directory: String
    /// The checkpoint the range ends at (re-read withdrawal targets are proved against it).
    let checkpoint: Checkpoint
    var state: ExportState
    var counts = Manifest.Counts()
    let progress: (@Sendable (UInt64, UInt64) -> Void)?
    /// Every entry through the full decoder and validator (`export --revalidate`).
    var revalidate = false
    /// Opens sealed entries after their proof (`Exporter.Options.open`).
    var open: (@Sendable ([UInt8]) throws -> [UInt8])?
    /// The optional kinds mapped, and so the families written (`mapping.families`).
    var mapping = MappingOptions()
    /// Told `open:<file>` and `synced:<file>` (crash tests only).
    var stepHook: ExportStepHook?
    /// The target profile; a legacy one (csv-2.0) writes today's files through the fast path.
    var profile: ExportProfile?
    /// The profile's files (nil for csv-2.0).
    private var sink: ProfileSink?

    /// Indexed by `ExportFamily.ordinal`: a row's writer is found without hashing.
    private var csv = [HashingFileWriter?](repeating: nil, count: ExportFamily.allCases.count)
    private var jsonl = [HashingFileWriter?](repeating: nil, count: ExportFamily.allCases.count)
    private var familyCounts = [Manifest.FamilyCounts](repeating: .init(), count: ExportFamily.allCases.count)
    private var rejects: HashingFileWriter?
    /// The ordered stage's own buffers for 撤回 rows (re-mapped targets), reused row to row.
    private var withdrawScratch = FastRecordMapper.Scratch()
    private var withdrawCSV = [UInt8](), withdrawJSONL = [UInt8]()
    private var fastNotExported = FastRecordMapper.defaultNotExported

    init(source: ExportSource, directory: String, checkpoint: Checkpoint, state: ExportState, progress: (@Sendable (UInt64, UInt64) -> Void)?) {
        self.source = source
        self.directory = directory
        self.checkpoint = checkpoint
        self.state = state
        self.progress = progress
    }

    private func open(_ name: String) throws -> HashingFileWriter {
        stepHook?("open:\(name)")
        return try HashingFileWriter(path: directory + "/" + name)
    }

    /// Writes the data files for [state.next, checkpoint.size); returns their manifest entries.
    mutating func build() async throws -> [Manifest.File] {
        if let profile, !profile.isLegacy {
            sink = try ProfileSink(profile: profile, mapping: mapping, directory: directory, stepHook: stepHook)
        }
        for family in mapping.families where sink == nil {
            let c = try open("\(family.rawValue).csv")
            try c.append { out in
                out.append(contentsOf: CSVEncoding.byteOrderMark)
                CSVEncoding.appendRecord(family.allColumns.map(\.header), to: &out)
            }
            csv[family.ordinal] = c
            jsonl[family.ordinal] = try open("\(family.rawValue).jsonl")
        }
        rejects = try open("rejects.jsonl")
        fastNotExported = FastRecordMapper.notExported(under: mapping)

        let from = state.next, to = checkpoint.size
        state.marks.grow(to: to)
        let reader = ChunkReader(source: source, revalidate: revalidate, mapping: mapping, open: open, profile: sink?.profile)
        // Chunks are read, hashed and mapped ahead on the other cores (two at most, so memory
        // stays bounded) while the ordered stage takes this one (frontier, marks, files).
        var pending: [Task<MappedChunk, Error>] = []
        var ahead = from
        func readAhead() {
            while pending.count < 2 && ahead < to {
                let count = Int(min(UInt64(ChunkReader.chunk), to - ahead))
                pending.append(reader.start(ahead, count: count))
                ahead += UInt64(count)
            }
        }
        defer { for task in pending { task.cancel() } }
        var seq = from
        let hasher = SHA256Hasher()
        readAhead()
        while !pending.isEmpty {
            let chunk = try await pending.removeFirst().value
            readAhead()
            for slice in chunk.slices {
                for item in slice.items {
                    state.frontier.append(leafHash: item.leafHash, using: hasher)
                    switch item.confirmation {
                    case .banAwaitsConfirmation? where item.outcome.isAddRow:
                        // Not in force until confirmed: nothing is marked, its row waits for
                        // the ban_confirmation (`confirm`).
                        counts.notExported += 1
                    case .confirms(let target)?:
                        try await confirm(target: target, seq: seq)
                    default:
                        if case .added(let family, let csvRange, let jsonlRange) = item.outcome {
                            state.marks[seq] = .exported
                            try write(family, .add, csv: slice.bytes[csvRange], jsonl: slice.bytes[jsonlRange])
                        } else if case .profiledBytes(let family, let template, let cells) = item.outcome {
                            try sink!.add(encoded: slice.bytes[cells], family: family, template: template, sourceSeq: seq)
                            familyCounts[family.ordinal].added += 1
                            state.marks[seq] = .exported
                        } else {
                            try await handle(seq: seq, item.outcome, revocationUnderRule: item.confirmation == .revocationUnderRule)
                        }
                    }
                    seq += 1
                }
            }
            progress?(seq - from, to - from)
        }
        counts.records += to - from
        for family in mapping.families where familyCounts[family.ordinal] != .init() {
            counts.families[family.rawValue] = familyCounts[family.ordinal]
        }
        return try finish()
    }

    /// Everything but a 新增 row (which the loop writes straight from its slice).
    private mutating func handle(seq: UInt64, _ outcome: MappedEntry.Outcome, revocationUnderRule: Bool = false) async throws {
        let mapped: MappedRecord, kind: RecordKind
        switch outcome {
        case .invalid(let reason):
            state.marks[seq] = .rejected
            return try reject(seq: seq, kind: nil, code: "invalid_record", reason: reason)
        case .unopened(let why):
            throw ExportError.source("the personal part of seq \(seq) could not be opened: \(why)")
        case .erased(let kind):
            state.marks[seq] = .rejected
            return try reject(seq: seq, kind: kind, code: "erased", reason: "the record's personal part was erased (PIPL art. 47): nothing of it is exported")
        case .notARecord:
            state.marks[seq] = .rejected
            return try reject(seq: seq, kind: nil, code: "not_a_record", reason: "the entry is not a record envelope")
        case .added, .profiledBytes:
            preconditionFailure("新增 rows are written by the loop")
        case .profiled(let row):
            try sink!.add(row, operation: .add, withdrawnBy: nil)
            familyCounts[row.family.ordinal].added += 1
            state.marks[seq] = .exported
            return
        case .mapped(let m, let k):
            (mapped, kind) = (m, k)
        }
        switch mapped {
        case .row(let row):
            try write(row)
            state.marks[seq] = .exported
        case .reject(let reason):
            try reject(seq: seq, kind: kind, code: "national_rules", reason: reason)
            state.marks[seq] = .rejected
        case .personalData(let reason):
            try reject(seq: seq, kind: kind, code: "personal_data", reason: reason)
            state.marks[seq] = .rejected
        case .notExported:
            counts.notExported += 1
        case .withdrawal(let target, let withdrawal):
            if revocationUnderRule, target < seq, try Envelope.decode(try await verifiedEntry(at: target)).isLifetimeBan {
                // A revocation of a lifetime ban waits for its confirmation, as the ban stays
                // in force until then; `confirm` withdraws it.
                counts.notExported += 1
                return
            }
            try await withdraw(target: target, withdrawal, seq: seq, kind: kind)
        }
    }

    /// A `ban_confirmation` at `seq`: the confirmed record takes effect now. A held lifetime
    /// ban gets its 新增 row (its own seq as the source, as if written in order); a held
    /// revocation of one withdraws it. Anything else (a target already handled, a record the
    /// rule did not hold) adds nothing, so a confirmation never exports twice.
    private mutating func confirm(target: UInt64, seq: UInt64) async throws {
        guard target < seq, state.marks[target] == SeqMarks.Mark.none else {
            counts.notExported += 1
            return
        }
        let entry = try ChunkReader.opened(try await verifiedEntry(at: target), open)
        guard SealedEnvelope.commitment(of: entry) == nil, let envelope = try? Envelope.decode(entry),
              let record = try? Record(kind: envelope.kind, validated: envelope.body) else {
            // Erased (or unreadable) since: nothing of it can be sent.
            counts.notExported += 1
            return
        }
        let mapped = RecordMapper.map(record, seq: target, options: mapping)
        switch (envelope.kind, mapped) {
        case (.ban, .row(let row)) where envelope.isLifetimeBan:
            if let sink {
                switch ProfileMapper.map(row, record: record, profile: sink.profile) {
                case .row(let profiled):
                    try sink.add(profiled, operation: .add, withdrawnBy: nil)
                    familyCounts[profiled.family.ordinal].added += 1
                case .excluded:
                    counts.notExported += 1
                    return
                case .reject(let reason):
                    try reject(seq: target, kind: .ban, code: "national_rules", reason: reason)
                    state.marks[target] = .rejected
                    return
                }
            } else {
                try write(row)
            }
            state.marks[target] = .exported
        case (.revocation, .withdrawal(let revoked, let withdrawal)):
            try await withdraw(target: revoked, withdrawal, seq: target, kind: .revocation)
        default:
            counts.notExported += 1
        }
    }

    /// A revocation or credit repair. Only a target that is on the platform (exported and
    /// not yet withdrawn) gets a 撤回 row; a target the platform never had is either not
    /// exported at all (a non-exported kind) or recorded in rejects (it was rejected, or is
    /// already withdrawn), so nothing is ever withdrawn that was not added first.
    private mutating func withdraw(target: UInt64, _ withdrawal: Withdrawal, seq: UInt64, kind: RecordKind) async throws {
        guard target < seq else {
            return try reject(seq: seq, kind: kind, code: "bad_target", reason: "target \(target) is not an earlier record")
        }
        if withdrawal.inbound {
            // The platform decided this repair and holds it already: nothing goes back. Its
            // target is no longer on the platform, so a later withdrawal of it is target_withdrawn.
            if state.marks[target] == .exported { state.marks[target] = .withdrawn }
            counts.notExported += 1
            return
        }
        switch state.marks[target] {
        case .none:
            counts.notExported += 1
        case .rejected:
            try reject(seq: seq, kind: kind, code: "target_rejected", reason: "target \(target) was rejected and never exported, so there is nothing to withdraw")
        case .withdrawn:
            try reject(seq: seq, kind: kind, code: "target_withdrawn", reason: "target \(target) was already withdrawn")
        case .exported:
            let entry = try ChunkReader.opened(try await verifiedEntry(at: target), open)
            // The national platform needs the record's identity to withdraw it; once erased
            // the withdrawal cannot be written (docs/export.md "Erased records").
            guard SealedEnvelope.commitment(of: entry) == nil else {
                return try reject(seq: seq, kind: kind, code: "target_erased", reason: "target \(target)'s personal part was erased; its withdrawal cannot be mapped")
            }
            if let sink {
                try withdraw(entry, target: target, withdrawal, seq: seq, kind: kind, into: sink)
                state.marks[target] = .withdrawn
                return
            }
            // The target is mapped again by the path its 新增 row took: bytes to bytes on the
            // fast path, `ExportRow` on the full one (tests hold the two to the same output).
            if !revalidate, case .added(var row)? = FastRecordMapper.map(entry, seq: target, notExported: fastNotExported,
                                                                          scratch: &withdrawScratch) {
                let withdrawn = row.withdrawn(by: withdrawal, seq: seq)
                withdrawScratch.recycle(&row)
                withdrawCSV.removeAll(keepingCapacity: true)
                withdrawJSONL.removeAll(keepingCapacity: true)
                withdrawn.appendCSV(to: &withdrawCSV)
                withdrawn.appendJSONLine(to: &withdrawJSONL)
                try write(withdrawn.family, .withdraw, csv: withdrawCSV[...], jsonl: withdrawJSONL[...])
            } else {
                try write(RecordMapper.withdrawRow(of: try fullRow(entry, at: target), by: withdrawal, seq: seq))
            }
            state.marks[target] = .withdrawn
        }
    }

    /// A withdrawal under a target profile: a line of the family's withdrawals list, or on a
    /// flag channel the withdrawn row again with the withdraw flag. Never a 撤回 row in an
    /// upload file of a list profile (the 2.0 record has no field for it).
    private mutating func withdraw(_ entry: [UInt8], target: UInt64, _ withdrawal: Withdrawal, seq: UInt64, kind: RecordKind,
                                   into sink: ProfileSink) throws {
        // The target is mapped again by the path its 新增 row took, as for csv-2.0 below.
        let row: ExportRow, summary: Bool
        if !revalidate, case .added(var fast)? = FastRecordMapper.map(entry, seq: target, notExported: fastNotExported, scratch: &withdrawScratch) {
            row = ExportRow(family: fast.family, values: fast.strings(), sourceSeq: target)
            withdrawScratch.recycle(&fast)
            summary = row.family == .xzcf && ProfileMapper.isSummaryProcedure(entry)
        } else {
            let envelope = try Envelope.decode(entry)
            let record = try Record(kind: envelope.kind, validated: envelope.body)
            guard case .row(let full) = RecordMapper.map(record, seq: target, options: mapping) else {
                throw ExportError.state("seq \(target) is marked exported but no longer maps to a row")
            }
            row = full
            if case .penalty(let p) = record { summary = p.procedure == .summary } else { summary = false }
        }
        if case .list = sink.profile.withdrawals {
            try sink.withdraw(row.family, cells: WithdrawalList.cells(original: row, withdrawal, kind: kind), sourceSeq: target, withdrawnBy: seq)
        } else {
            guard case .row(let profiled) = ProfileMapper.map(row, summaryProcedure: summary, profile: sink.profile) else {
                throw ExportError.state("seq \(target) is marked exported but no longer maps to a row of profile \(sink.profile.name)")
            }
            try sink.add(ProfileMapper.flagged(profiled, profile: sink.profile), operation: .withdraw, withdrawnBy: seq)
        }
        familyCounts[row.family.ordinal].withdrawn += 1
    }

    /// Re-reads an earlier record, proving it against this batch's checkpoint first.
    private func verifiedEntry(at seq: UInt64) async throws -> [UInt8] {
        let (entries, leafHashes) = try await source.entriesWithLeafHashes(from: seq, count: 1)
        guard let entry = entries.first else { throw ExportError.alarm("entry \(seq) (the target of a withdrawal) cannot be read") }
        let proof = try await source.inclusionProof(seq: seq, size: checkpoint.size)
        guard MerkleTree.verifyInclusion(leafHash: leafHashes?.first ?? MerkleHashing.leafHash(entry), index: seq, size: checkpoint.size,
                                         proof: proof, root: checkpoint.rootHash) else {
            throw ExportError.alarm("entry \(seq) (the target of a withdrawal) is not included in the checkpoint of size \(checkpoint.size)")
        }
        return entry
    }

    /// An earlier record mapped again through the full decoder and validator.
    private func fullRow(_ entry: [UInt8], at seq: UInt64) throws -> ExportRow {
        let envelope = try Envelope.decode(entry)
        guard case .row(let row) = RecordMapper.map(try Record(kind: envelope.kind, validated: envelope.body), seq: seq, options: mapping) else {
            throw ExportError.state("seq \(seq) is marked exported but no longer maps to a row")
        }
        return row
    }

    static func encode(_ row: ExportRow, csv: inout [UInt8], jsonl: inout [UInt8]) {
        CSVEncoding.appendRecord(row.values + [row.operation.rawValue, String(row.sourceSeq), row.withdrawnBy.map(String.init) ?? ""], to: &csv)
        JSONLinesEncoding.appendRow(row, to: &jsonl)
    }

    private mutating func write(_ row: ExportRow) throws {
        var csvBytes = [UInt8](), jsonlBytes = [UInt8]()
        Self.encode(row, csv: &csvBytes, jsonl: &jsonlBytes)
        try write(row.family, row.operation, csv: csvBytes[...], jsonl: jsonlBytes[...])
    }

    private mutating func write(_ family: ExportFamily, _ operation: ExportOperation, csv csvBytes: ArraySlice<UInt8>, jsonl jsonlBytes: ArraySlice<UInt8>) throws {
        let csvWriter = csv[family.ordinal]!, jsonlWriter = jsonl[family.ordinal]!
        try csvWriter.write(csvBytes)
        try jsonlWriter.write(jsonlBytes)
        csvWriter.rows += 1
        jsonlWriter.rows += 1
        switch operation {
        case .add: familyCounts[family.ordinal].added += 1
        case .withdraw: familyCounts[family.ordinal].withdrawn += 1
        }
    }

    private mutating func reject(seq: UInt64, kind: RecordKind?, code: String, reason: String) throws {
        try rejects!.append { out in
            out.append(contentsOf: "{\"seq\":\(seq),\"kind\":".utf8)
            JSONLinesEncoding.appendString(kind?.rawValue ?? "", to: &out)
            out.append(contentsOf: ",\"code\":".utf8)
            JSONLinesEncoding.appendString(code, to: &out)
            out.append(contentsOf: ",\"reason\":".utf8)
            JSONLinesEncoding.appendString(reason, to: &out)
            out.append(contentsOf: "}\n".utf8)
        }
        rejects!.rows += 1
        counts.rejects += 1
    }

    /// fsyncs every file; the manifest entries in name order.
    private func finish() throws -> [Manifest.File] {
        if let sink {
            var files = try sink.finish()
            let digest = try rejects!.finish()
            stepHook?("synced:rejects.jsonl")
            files.append(Manifest.File(name: "rejects.jsonl", sha256: digest.hex, rows: rejects!.rows, bytes: rejects!.bytesWritten))
            return files.sorted { $0.name < $1.name }
        }
        var files = [Manifest.File]()
        for writer in mapping.families.flatMap({ [csv[$0.ordinal]!, jsonl[$0.ordinal]!] }) + [rejects!] {
            let digest = try writer.finish()
            let name = String(writer.path.split(separator: "/").last!)
            stepHook?("synced:\(name)")
            files.append(Manifest.File(name: name, sha256: digest.hex, rows: writer.rows, bytes: writer.bytesWritten))
        }
        return files.sorted { $0.name < $1.name }
    }
}
