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

    // MARK: 3 and 4. structural tampering

    @Test func lastEntryDeleted() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        let last = pristine.size - 1
        let segment = Self.segmentPath(copy.path, last)
        try Self.truncate(segment, to: Self.indexOffset(copy.path, last))
        // The segments alone look like a torn tail (a batch whose checkpoint never became
        // durable); the published checkpoint says the entries were acknowledged.
        try expectTornTailLookalike(copy.path, committedBefore: pristine.size - UInt64(Self.batches.last!))
    }

    @Test func lastSegmentTruncatedInsideAFrame() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        let seq = pristine.size - 3
        try Self.truncate(Self.segmentPath(copy.path, seq), to: Self.indexOffset(copy.path, seq) + 9)
        try expectTornTailLookalike(copy.path, committedBefore: pristine.size - UInt64(Self.batches.last!))
    }

    /// The two torn-tail lookalikes: the verifier flags them through the published checkpoint,
    /// and the opener refuses (the published checkpoint and cache-state cover the lost entries).
    func expectTornTailLookalike(_ directory: String, committedBefore: UInt64) throws {
        let report = LogVerifier.verify(directory: directory)
        #expect(!report.isValid)
        #expect(report.entries == committedBefore)
        #expect(report.problems.contains { $0.file == directory + "/checkpoint" && $0.message.contains("entries") }, "\(report.problems)")
        #expect(throws: LogError.self) { try TransparencyLog.open(directory: directory, options: Self.noSync) }
        // Even without cache-state, the published checkpoint alone makes the opener refuse.
        try FileManager.default.removeItem(atPath: directory + "/cache-state")
        #expect(throws: LogError.self) { try TransparencyLog.open(directory: directory, options: Self.noSync) }
        let again = LogVerifier.verify(directory: directory)
        #expect(again.problems.contains { $0.file == directory + "/checkpoint" }, "\(again.problems)")
    }

    @Test func twoEntriesSwapped() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        // Two entries of equal length and different content in segment 2.
        let seqs = (2 * Self.perSegment)..<(3 * Self.perSegment)
        let a = seqs.first { Self.entry(Int($0)).count == 16 }!
        let b = seqs.last { Self.entry(Int($0)).count == 16 }!
        let path = Self.segmentPath(copy.path, a)
        var bytes = try Self.read(path)
        let (oa, ob) = (Int(try Self.indexOffset(copy.path, a)), Int(try Self.indexOffset(copy.path, b)))
        let size = Frame.size(kind: .entry, payloadCount: 16)
        let frameA = Array(bytes[oa..<(oa + size)])
        bytes.replaceSubrange(oa..<(oa + size), with: bytes[ob..<(ob + size)])
        bytes.replaceSubrange(ob..<(ob + size), with: frameA)
        try Self.write(path, bytes)

        let report = LogVerifier.verify(directory: copy.path)
        #expect(report.firstProblem?.file == path && report.firstProblem?.seq == a && report.firstProblem?.offset == Int64(oa), "\(report.problems)")
        // open does not rescan behind cache-state; the reads of the two entries are refused.
        #expect(try expectOpenRefusesOrServesNothingDifferent(copy.path, pristine: pristine) == [a, b])
    }

    @Test func middleSegmentTruncatedAtAFrameBoundary() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        let seq = 2 * Self.perSegment + 8
        let path = Self.segmentPath(copy.path, seq)
        let offset = try Self.indexOffset(copy.path, seq)
        try Self.truncate(path, to: offset)
        let report = LogVerifier.verify(directory: copy.path)
        #expect(report.firstProblem?.file == path && report.firstProblem?.seq == seq && report.firstProblem?.offset == Int64(offset), "\(report.problems)")
        try expectOpenRefusesOrServesNothingDifferent(copy.path, pristine: pristine)
    }

    @Test func middleSegmentTruncatedInsideAFrame() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        let seq = 2 * Self.perSegment + 8
        let path = Self.segmentPath(copy.path, seq)
        let offset = try Self.indexOffset(copy.path, seq)
        try Self.truncate(path, to: offset + 7)
        let report = LogVerifier.verify(directory: copy.path)
        #expect(report.firstProblem?.file == path && report.firstProblem?.seq == seq && report.firstProblem?.offset == Int64(offset), "\(report.problems)")
        try expectOpenRefusesOrServesNothingDifferent(copy.path, pristine: pristine)
    }

    @Test func middleSegmentDeleted() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        let path = copy.path + "/segments/000000000002.seg"
        try FileManager.default.removeItem(atPath: path)
        let report = LogVerifier.verify(directory: copy.path)
        #expect(report.firstProblem?.file == path && report.firstProblem?.seq == 2 * Self.perSegment, "\(report.problems)")
        try expectOpenRefusesOrServesNothingDifferent(copy.path, pristine: pristine)
    }

    /// An attacker who knows the frame format: new payload, CRC-32C recomputed. Only the chain
    /// (and the tree) can tell.
    @Test func payloadRewrittenWithItsCRC() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        let seq = 2 * Self.perSegment + 5
        let path = Self.segmentPath(copy.path, seq)
        var bytes = try Self.read(path)
        let offset = Int(try Self.indexOffset(copy.path, seq))
        let frame = Self.frames(bytes).first { $0.start == offset }!
        #expect(frame.size > Frame.headerSize + Frame.chainSize)
        for i in (offset + Frame.headerSize)..<(offset + frame.size - Frame.chainSize) { bytes[i] ^= 0x5A }
        Self.storeCheckWord(&bytes, frame: frame)
        try Self.write(path, bytes)
        #expect(bytes.withUnsafeBytes { Frame.decode($0, at: offset) } != .corrupt)

        let report = LogVerifier.verify(directory: copy.path)
        #expect(report.firstProblem?.file == path && report.firstProblem?.seq == seq && report.firstProblem?.offset == Int64(offset), "\(report.problems)")
        #expect(report.problems.contains { $0.message.contains("chain") }, "\(report.problems)")
        #expect(try expectOpenRefusesOrServesNothingDifferent(copy.path, pristine: pristine) == [seq])
    }

    @Test func checkpointSignedByAnotherKey() async throws {
        let pristine = try await Self.makePristine()
        let other = try NoteSigner(name: Self.origin, privateKey: Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32)))
        for number in [UInt64(5), UInt64(Self.batches.count)] {     // a middle one and the latest
            let copy = try Self.copy(pristine)
            let record = try Self.read(copy.path + "/checkpoints.idx")[Int(number) * 16..<Int(number + 1) * 16].map { $0 }
            let size = record[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let segment = record[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let offset = Int(record[12..<16].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let path = LogLayout(directory: copy.path).segment(UInt64(segment))
            var bytes = try Self.read(path)
            let frame = Self.frames(bytes).first { $0.start == offset }!
            #expect(frame.isCheckpoint)
            let note = String(decoding: bytes[(offset + Frame.headerSize)..<(offset + frame.size)], as: UTF8.self)
            let body = try SignedNote.parse(note).text
            let forged = Array(try other.sign(body).utf8)
            #expect(forged.count == frame.size - Frame.headerSize, "same key name, so the same note length")
            bytes.replaceSubrange((offset + Frame.headerSize)..<(offset + frame.size), with: forged)
            Self.storeCheckWord(&bytes, frame: frame)
            try Self.write(path, bytes)

            let report = LogVerifier.verify(directory: copy.path)
            #expect(report.firstProblem?.file == path && report.firstProblem?.seq == size && report.firstProblem?.offset == Int64(offset), "\(report.problems)")
            #expect(report.firstProblem?.message.contains("does not verify") == true, "\(report.problems)")
            if number == UInt64(Self.batches.count) {
                #expect(throws: LogError.self) { try TransparencyLog.open(directory: copy.path, options: Self.noSync) }
            } else {
                // A checkpoint inside the log is not served: the opened log is the pristine one.
                try expectOpenRefusesOrServesNothingDifferent(copy.path, pristine: pristine)
            }
        }
    }

    /// A damaged index record makes a bulk read throw, not trap on a negative length.
    @Test func indexRunningBackwardsIsRefused() async throws {
        let pristine = try await Self.makePristine()
        let copy = try Self.copy(pristine)
        try Self.flipBit(copy.path + "/index", offset: 3, bit: 6)     // seq 0 now points 1 GiB on
        let reader = try TransparencyLog.openReadOnly(directory: copy.path)
        #expect(throws: LogError.self) { try reader.entries(from: 0, count: Int(Self.perSegment)) }
        #expect(LogVerifier.verify(directory: copy.path).firstProblem?.file == copy.path + "/index")
    }

    /// The writer's open trusts what cache-state covers (that is what makes it O(tail)), so
    /// damage behind it may open. Then no read may return bytes other than the pristine ones:
    /// each throws or returns the pristine entry, and the size and checkpoint are pristine.
    /// Returns the seqs whose reads were refused, or nil when open refused.
    @discardableResult
    func expectOpenRefusesOrServesNothingDifferent(_ directory: String, pristine: Pristine) throws -> Set<UInt64>? {
        let log: TransparencyLog
        do { log = try TransparencyLog.open(directory: directory, options: Self.noSync) } catch { return nil }
        #expect(log.size == pristine.size)
        #expect(log.latestCheckpoint.note == pristine.note)
        var refused = Set<UInt64>()
        for seq in 0..<log.size {
            do {
                let entry = try log.entry(at: seq)
                #expect(entry == pristine.entries[Int(seq)], "seq \(seq) is served with different content")
            } catch {
                refused.insert(seq)
            }
        }
        return refused
    }

    // MARK: helpers

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw LogError.notALog(path) }
        return Array(data)
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func truncate(_ path: String, to length: UInt32) throws {
        guard Glibc.truncate(path, off_t(length)) == 0 else { throw StorageError("truncate", path: path, code: errno) }
    }

    static func flipBit(_ path: String, offset: Int, bit: Int) throws {
        let fd = Glibc.open(path, O_RDWR)
        guard fd >= 0 else { throw StorageError("open", path: path, code: errno) }
        defer { Glibc.close(fd) }
        var byte: UInt8 = 0
        guard pread(fd, &byte, 1, off_t(offset)) == 1 else { throw StorageError("pread", path: path, code: errno) }
        byte ^= 1 << UInt8(bit)
        guard pwrite(fd, &byte, 1, off_t(offset)) == 1 else { throw StorageError("pwrite", path: path, code: errno) }
    }

    static func segmentPath(_ directory: String, _ seq: UInt64) -> String {
        LogLayout(directory: directory).segment(seq / perSegment)
    }

    /// The index file: a u32 little-endian frame offset per seq.
    static func indexOffset(_ directory: String, _ seq: UInt64) throws -> UInt32 {
        let index = try read(directory + "/index")
        return index[Int(seq) * 4..<Int(seq) * 4 + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    struct FrameSpan { let start: Int, size: Int, isCheckpoint: Bool }

    /// The frames of a segment file, by their headers alone (no checks).
    static func frames(_ bytes: [UInt8]) -> [FrameSpan] {
        var out = [FrameSpan]()
        var at = SegmentHeader.size
        while at + Frame.headerSize <= bytes.count {
            let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            let isCheckpoint = bytes[at + 2] & 0x80 != 0
            let size = Frame.headerSize + length + (isCheckpoint ? 0 : Frame.chainSize)
            guard at + size <= bytes.count else { break }
            out.append(FrameSpan(start: at, size: size, isCheckpoint: isCheckpoint))
            at += size
        }
        return out
    }

    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit: the test's own.
    static func crc32c(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    /// The check word as Frame.swift documents it: kind bit, then CRC-32C over
    /// (kind byte ‖ u16 BE length ‖ payload ‖ chain).
    static func checkWord(_ bytes: [UInt8], frame: FrameSpan) -> UInt32 {
        let kind: UInt8 = frame.isCheckpoint ? 1 : 0
        let covered = [kind, bytes[frame.start], bytes[frame.start + 1]] + bytes[(frame.start + Frame.headerSize)..<(frame.start + frame.size)]
        return (crc32c(covered) & 0x7FFF_FFFF) | (frame.isCheckpoint ? 0x8000_0000 : 0)
    }

    static func storeCheckWord(_ bytes: inout [UInt8], frame: FrameSpan) {
        let word = checkWord(bytes, frame: frame)
        for i in 0..<4 { bytes[frame.start + 2 + i] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * i)) }
    }
}

/// PosixIO without fsync.
struct NoSyncIO: StorageIO {
    let base = PosixIO()
    func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 { try base.open(path, flags: flags, mode: mode) }
    func pwrite(_ fd: Int32, _ data: UnsafeRawBufferPointer, offset: Int64) throws -> Int { try base.pwrite(fd, data, offset: offset) }
    func fdatasync(_ fd: Int32) throws {}
    func ftruncate(_ fd: Int32, length: Int64) throws { try base.ftruncate(fd, length: length) }
    func rename(_ from: String, _ to: String) throws { try base.rename(from, to) }
    func fsyncDirectory(_ path: String) throws {}
    func close(_ fd: Int32) { base.close(fd) }
}
