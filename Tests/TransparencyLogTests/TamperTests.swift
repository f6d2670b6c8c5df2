#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// Damage and tampering against a closed log: every stored byte is either covered by the
/// verifier or provably harmless, and structural tampering is caught by the verifier and,
/// where the opener can see it, refused by the opener.
///
/// What the opener (`TransparencyLog.open`) does with each structural case:
/// - torn-tail lookalikes: the last entry deleted, the last segment cut inside a frame. The
///   segments alone look like a batch whose checkpoint never became durable; the published
///   `checkpoint` (and cache-state) cover the lost entries, so the verifier flags them there
///   and the opener refuses, even with cache-state gone.
/// - the latest checkpoint frame forged: the opener refuses (it reads that frame).
/// - damage behind cache-state (entries swapped, a payload rewritten with its CRC, a middle
///   segment cut or deleted, a middle checkpoint forged): open does not rescan what cache-state
///   covers, so it opens; every read of a damaged entry throws and every other read returns
///   the pristine entry. Only the verifier sees the whole of it.
@Suite struct TamperTests {
    // MARK: the pristine log

    static let origin = "tamper.example/log"
    /// The log for the structural cases: 300 entries in 20 batches, so 21 checkpoint frames
    /// (with the empty one), batches crossing segment boundaries, segments 0...3 full and
    /// segment 4 partly filled, and stored tree levels 0, 3, 6 and 8.
    static let perSegment: UInt64 = 64
    static let batches = [1, 3, 7, 2, 12, 5, 20, 9, 4, 16, 8, 13, 30, 25, 40, 6, 33, 27, 19, 20]
    /// The log for the flips, small enough to flip densely in a debug build: four full
    /// segments of 16 (so tree level 6 sits above a segment), 7 checkpoint frames.
    static let flipPerSegment: UInt64 = 16
    static let flipBatches = [1, 5, 12, 20, 9, 17]

    /// Entries of 0, 8, 16 or 24 bytes, so each segment holds frames of equal length to swap.
    static func entry(_ i: Int) -> [UInt8] {
        testEntry(i + 10_000, size: i % 9 == 0 ? 0 : 8 + (i % 3) * 8)
    }

    /// What the pristine log holds, for comparison (Sendable, unlike the directory's owner).
    struct Reference: Sendable {
        let path: String
        let entries: [[UInt8]]
        let root: Digest32
        let note: String
        var size: UInt64 { UInt64(entries.count) }
    }

    struct Pristine {
        let dir: TemporaryDirectory
        let reference: Reference
        var path: String { dir.path }
        var size: UInt64 { reference.size }
        var entries: [[UInt8]] { reference.entries }
        var note: String { reference.note }
    }

    static func makePristine(perSegment: UInt64 = perSegment, batches: [Int] = batches) async throws -> Pristine {
        let dir = TemporaryDirectory("pristine")
        try TransparencyLog.create(directory: dir.path, origin: origin, signingKey: testSigningKey, entriesPerSegment: perSegment)
        let log = try TransparencyLog.open(directory: dir.path, options: noSync)
        var entries = [[UInt8]]()
        for count in batches {
            let batch = (entries.count..<(entries.count + count)).map(entry)
            _ = try await log.append(contentsOf: batch)
            entries += batch
        }
        let latest = log.latestCheckpoint
        try await log.close()
        return Pristine(dir: dir, reference: Reference(path: dir.path, entries: entries, root: latest.checkpoint.rootHash, note: latest.note))
    }

    /// fsync costs tens of milliseconds on a real disk and changes nothing these tests look at.
    static var noSync: TransparencyLog.Options {
        var options = TransparencyLog.Options()
        options.io = NoSyncIO()
        return options
    }

    static func copy(_ pristine: Pristine) throws -> TemporaryDirectory { try copy(pristine.path) }

    static func copy(_ path: String) throws -> TemporaryDirectory {
        let dir = TemporaryDirectory("copy")
        try FileManager.default.copyItem(atPath: path, toPath: dir.path)
        return dir
    }

    /// Regular, non-empty files of the directory (relative paths), LOCK aside: it is empty.
    static func storedFiles(_ directory: String) -> [String] {
        let fm = FileManager.default
        var out = [String]()
        for case let relative as String in fm.enumerator(atPath: directory)! {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue,
                  (fileSize(directory + "/" + relative) ?? 0) > 0 else { continue }
            out.append(relative)
        }
        return out.sorted()
    }

    // MARK: 1. pristine

    @Test func pristineVerifies() async throws {
        let pristine = try await Self.makePristine()
        let report = LogVerifier.verify(directory: pristine.path)
        #expect(report.isValid && report.warnings.isEmpty, "\(report.problems) \(report.warnings)")
        #expect(report.entries == pristine.size)
        #expect(report.checkpoints == UInt64(Self.batches.count + 1))
        #expect(Self.storedFiles(pristine.path).filter { $0.hasPrefix("segments/") }.count == 5)
        #expect(Self.storedFiles(pristine.path).contains("tree/08"))
        // The frame format as documented, with the test's own CRC-32C.
        let segment = try Self.read(pristine.path + "/segments/000000000002.seg")
        for frame in Self.frames(segment) {
            let word = UInt32(segment[frame.start + 2]) << 24 | UInt32(segment[frame.start + 3]) << 16
                | UInt32(segment[frame.start + 4]) << 8 | UInt32(segment[frame.start + 5])
            #expect(word == Self.checkWord(segment, frame: frame))
        }
    }

    // MARK: 2. single flipped bits

    enum FlipOutcome: Sendable { case detected, harmless, neither(String) }

    struct Flip: Sendable {
        let file: String
        let offset: Int
        let bit: Int
    }

    struct Counts { var tried = 0, detected = 0, harmless = 0, failed = 0 }

    @Test(.tags(.slow)) func everyFlippedBitIsDetectedOrHarmless() async throws {
        let pristine = try await Self.makePristine(perSegment: Self.flipPerSegment, batches: Self.flipBatches)
        let files = Self.storedFiles(pristine.path)
        #expect(files.contains("tree/06") && files.filter { $0.hasPrefix("segments/") }.count == 4)
        var flips = [Flip]()
        var frameStarts = [String: [Int]]()
        for file in files {
            let bytes = try Self.read(pristine.path + "/" + file)
            if file.hasPrefix("segments/") { frameStarts[file] = Self.frames(bytes).map(\.start) }
            let structural = Self.structuralOffsets(file: file, bytes: bytes)
            for offset in Self.flipOffsets(file: file, bytes: bytes) {
                // One bit per byte, its position rotating along the file; a second, opposite one
                // where the position matters most (headers, lengths, kind bits, check words).
                let bit = (offset * 3) & 7
                flips.append(Flip(file: file, offset: offset, bit: bit))
                if structural.contains(offset) { flips.append(Flip(file: file, offset: offset, bit: bit ^ 4)) }
            }
        }

        // Two workers, each with its own copy that it flips and restores in place (the
        // verifier and a read-only open change nothing); the writer's open gets a fresh copy.
        let workers = 2
        let reference = pristine.reference
        let starts = frameStarts
        let results = try await withThrowingTaskGroup(of: [(Flip, FlipOutcome)].self) { group in
            for worker in 0..<workers {
                let mine = stride(from: worker, to: flips.count, by: workers).map { flips[$0] }
                group.addTask {
                    let work = try Self.copy(reference.path)
                    var out = [(Flip, FlipOutcome)]()
                    for flip in mine { out.append((flip, try await Self.run(flip, in: work.path, pristine: reference, frameStarts: starts[flip.file] ?? []))) }
                    return out
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        var counts = [String: Counts]()
        var failures = [String]()
        var harmless = [String]()
        for (flip, outcome) in results {
            counts[flip.file, default: Counts()].tried += 1
            switch outcome {
            case .detected: counts[flip.file]!.detected += 1
            case .harmless:
                counts[flip.file]!.harmless += 1
                let byte = try Self.read(pristine.path + "/" + flip.file)[flip.offset]
                harmless.append("\(flip.file) offset \(flip.offset) bit \(flip.bit): \(byte) -> \(byte ^ (1 << UInt8(flip.bit)))")
            case .neither(let why):
                counts[flip.file]!.failed += 1
                failures.append("\(flip.file) offset \(flip.offset) bit \(flip.bit): \(why)")
            }
        }
        var table = "flips per file (tried / detected / harmless / neither):\n"
        for file in files {
            let c = counts[file] ?? Counts()
            table += "  \(file.padding(toLength: 28, withPad: " ", startingAt: 0)) \(c.tried) / \(c.detected) / \(c.harmless) / \(c.failed)\n"
        }
        print(table, terminator: "")
        print("harmless flips (shown harmless by open, compare and re-verify):\n" + harmless.sorted().map { "  " + $0 }.joined(separator: "\n"))
        for failure in failures.prefix(20) { Issue.record(Comment(rawValue: failure)) }
        #expect(failures.count == 0, "flips neither detected nor harmless (the first 20 are recorded above)")
    }

    /// Every offset of a file up to 1 KiB; otherwise the structural offsets and 200 more,
    /// spread evenly. (Every offset of every file would be ~10,000 verifications: too slow
    /// for a debug build on two cores.)
    static func flipOffsets(file: String, bytes: [UInt8]) -> [Int] {
        let n = bytes.count
        guard n > 1024 else { return Array(0..<n) }
        var set = structuralOffsets(file: file, bytes: bytes)
        for i in 0..<200 { set.insert(64 + i * (n - 128) / 200) }
        return set.sorted()
    }

    /// The first and last 64 bytes, and in segments the header and every frame's header,
    /// first payload byte and last byte.
    static func structuralOffsets(file: String, bytes: [UInt8]) -> Set<Int> {
        let n = bytes.count
        var set = Set(0..<min(64, n)).union(max(0, n - 64)..<n)
        if file.hasPrefix("segments/") {
            for frame in frames(bytes) {
                set.formUnion(frame.start..<(frame.start + Frame.headerSize + 1))
                set.insert(frame.start + frame.size - 1)
            }
        }
        return set
    }

    /// Flips one bit, classifies the result, restores the bit.
    static func run(_ flip: Flip, in work: String, pristine: Reference, frameStarts: [Int]) async throws -> FlipOutcome {
        let path = work + "/" + flip.file
        try flipBit(path, offset: flip.offset, bit: flip.bit)
        defer { try! flipBit(path, offset: flip.offset, bit: flip.bit) }

        let report = LogVerifier.verify(directory: work, threads: 1)
        if !report.isValid {
            // Whatever the damage, a reader must throw or serve the pristine bytes; never trap.
            if let wrong = readerServesWrongData(work, pristine: pristine) { return .neither("detected, but \(wrong)") }
            if let misnamed = misnamed(report, flip: flip, work: work, frameStarts: frameStarts) { return .neither(misnamed) }
            return .detected
        }
        // The verifier saw nothing: show the flip is harmless. The writer's open repairs files,
        // so it gets its own copy of the flipped directory.
        let fresh = TemporaryDirectory("fresh")
        try FileManager.default.copyItem(atPath: work, toPath: fresh.path)
        let log: TransparencyLog
        do { log = try TransparencyLog.open(directory: fresh.path, options: noSync) } catch {
            return .neither("verifier found nothing, but open throws: \(error)")
        }
        var why: String?
        if log.size != pristine.size { why = "size \(log.size)" }
        if log.latestCheckpoint.checkpoint.rootHash != pristine.root || log.latestCheckpoint.note != pristine.note { why = "latest checkpoint differs" }
        if why == nil, (try? log.entries(from: 0, count: Int(pristine.size))) != pristine.entries { why = "entries differ" }
        try await log.close()
        if let why { return .neither("verifier found nothing, but the opened log differs: \(why)") }
        let after = LogVerifier.verify(directory: fresh.path, threads: 1)
        guard after.isValid, after.warnings.isEmpty else {
            return .neither("verifier found nothing, but after open: \(after.problems) \(after.warnings)")
        }
        return .harmless
    }

    /// Opens read-only (no repair, nothing written) and reads every entry: each read throws or
    /// returns the pristine entry. Returns what went wrong otherwise.
    static func readerServesWrongData(_ directory: String, pristine: Reference) -> String? {
        guard let reader = try? TransparencyLog.openReadOnly(directory: directory) else { return nil }
        guard reader.size <= pristine.size else { return "a reader sees \(reader.size) entries" }
        if let all = try? reader.entries(from: 0, count: Int(reader.size)), all != Array(pristine.entries.prefix(all.count)) {
            return "a reader is served different entries"
        }
        for seq in 0..<reader.size {
            if let entry = try? reader.entry(at: seq), entry != pristine.entries[Int(seq)] { return "a reader is served a different entry \(seq)" }
        }
        return nil
    }

    /// nil when the first problem names the flipped file (and, in a segment, the seq and the
    /// offset of the frame holding the flipped byte).
    static func misnamed(_ report: LogVerification, flip: Flip, work: String, frameStarts: [Int]) -> String? {
        guard let first = report.firstProblem else { return "no first problem" }
        let path = work + "/" + flip.file
        if flip.file.hasPrefix("segments/") {
            // The pristine frame holding the flipped byte (the segment header is "frame" 0).
            let start = flip.offset < SegmentHeader.size ? 0 : frameStarts.last { $0 <= flip.offset } ?? -1
            guard first.file == path, first.seq != nil, first.offset == Int64(start) else {
                return "first problem should name \(flip.file) offset \(start) and a seq: \(first)"
            }
            return nil
        }
        guard first.file == path || first.message.contains(path) else {
            return "first problem should name \(flip.file): \(first)"
        }
        return nil
    }
}
