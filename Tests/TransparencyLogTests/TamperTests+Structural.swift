#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// Parts 3 and 4: structural tampering (deleted, swapped, truncated, rewritten, re-signed),
/// caught by the verifier and, where the opener reads it, refused by the opener.
extension TamperTests {
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
}
