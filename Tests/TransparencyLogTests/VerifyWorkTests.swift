import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// The verifier's work queue: segments scanned on several cores while other cores verify the
/// checkpoint signatures those scans release, in batches. Whatever the core count and however
/// the batches fall, the report must be the same, and damage in a later segment or batch found.
@Suite struct VerifyWorkTests {
    /// One entry per batch, as a log appended over HTTP looks: 200 entries, 201 checkpoint
    /// frames (the empty tree's included), 64 per full segment, so each full segment releases
    /// two signature batches of 32 and segment 3 a short one.
    static let entries = 200

    static func makeLog() async throws -> TamperTests.Pristine {
        try await TamperTests.makePristine(perSegment: TamperTests.perSegment, batches: Array(repeating: 1, count: entries))
    }

    /// Where checkpoint frame `number` (oldest first) is: its segment file, offset and the size it covers.
    static func checkpointFrame(_ directory: String, number: Int) throws -> (path: String, offset: Int, size: UInt64) {
        let record = try TamperTests.read(directory + "/checkpoints.idx")[number * 16..<(number + 1) * 16].map { $0 }
        let size = record[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let segment = record[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let offset = Int(record[12..<16].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        return (LogLayout(directory: directory).segment(UInt64(segment)), offset, size)
    }

    /// Changes one base64 character of checkpoint frame `number`'s signature line (so the
    /// signature, not the key ID, is wrong) and recomputes the frame's CRC.
    static func spoilSignature(_ directory: String, number: Int) throws -> (path: String, offset: Int, size: UInt64) {
        let place = try checkpointFrame(directory, number: number)
        var bytes = try TamperTests.read(place.path)
        let frame = TamperTests.frames(bytes).first { $0.start == place.offset }!
        #expect(frame.isCheckpoint)
        let at = frame.start + frame.size - 10      // inside the signature's base64, before the padding and newline
        bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        TamperTests.storeCheckWord(&bytes, frame: frame)
        try TamperTests.write(place.path, bytes)
        return place
    }

    @Test func everyCoreCountGivesTheSameReport() async throws {
        let log = try await Self.makeLog()
        for threads in [1, 2, 3, 8] {
            let report = LogVerifier.verify(directory: log.path, threads: threads)
            #expect(report.isValid && report.warnings.isEmpty, "threads \(threads): \(report.problems) \(report.warnings)")
            #expect(report.entries == UInt64(Self.entries))
            #expect(report.checkpoints == UInt64(Self.entries + 1))
            // Every frame's signature and the published checkpoint's.
            #expect(report.signaturesVerified == UInt64(Self.entries + 2))
        }
    }

    /// An entry rewritten with its CRC in segment 2 is found, and named the same way, whether
    /// one core scans every segment or several scan them side by side.
    @Test func damageInALaterSegmentIsFoundOnAnyCoreCount() async throws {
        let log = try await Self.makeLog()
        let copy = try TamperTests.copy(log.path)
        let seq = 2 * TamperTests.perSegment + 40
        let path = TamperTests.segmentPath(copy.path, seq)
        var bytes = try TamperTests.read(path)
        let offset = Int(try TamperTests.indexOffset(copy.path, seq))
        let frame = TamperTests.frames(bytes).first { $0.start == offset }!
        bytes[offset + Frame.headerSize] ^= 0x01
        TamperTests.storeCheckWord(&bytes, frame: frame)
        try TamperTests.write(path, bytes)

        let one = LogVerifier.verify(directory: copy.path, threads: 1)
        #expect(one.firstProblem?.file == path && one.firstProblem?.seq == seq && one.firstProblem?.offset == Int64(offset), "\(one.problems)")
        for threads in [2, 3, 8] {
            let report = LogVerifier.verify(directory: copy.path, threads: threads)
            #expect(report.firstProblem == one.firstProblem, "threads \(threads): \(report.problems)")
            #expect(Set(report.problems.map(\.description)) == Set(one.problems.map(\.description)))
        }
    }

    /// A spoilt signature in segment 2's second batch (frame 2·64 + 40) is found on any core
    /// count; `.latest` does not look at it, as documented, but does at the latest frame's.
    @Test func aSpoiltSignatureInALaterBatchIsFound() async throws {
        let log = try await Self.makeLog()
        let copy = try TamperTests.copy(log.path)
        let place = try Self.spoilSignature(copy.path, number: 2 * 64 + 40)
        #expect(place.path.hasSuffix("000000000002.seg"))
        for threads in [1, 2, 8] {
            let report = LogVerifier.verify(directory: copy.path, threads: threads)
            #expect(report.firstProblem?.file == place.path && report.firstProblem?.seq == place.size
                        && report.firstProblem?.offset == Int64(place.offset), "threads \(threads): \(report.problems)")
            #expect(report.firstProblem?.message.contains("does not verify") == true, "\(report.problems)")
        }
        let latestOnly = LogVerifier.verify(directory: copy.path, threads: 2, signatures: .latest)
        #expect(latestOnly.isValid, "\(latestOnly.problems)")
        #expect(latestOnly.signaturesVerified == 2)

        let last = try TamperTests.copy(log.path)
        let lastPlace = try Self.spoilSignature(last.path, number: Self.entries)
        let report = LogVerifier.verify(directory: last.path, threads: 2, signatures: .latest)
        #expect(report.problems.contains { $0.file == lastPlace.path && $0.offset == Int64(lastPlace.offset) && $0.message.contains("does not verify") },
                "\(report.problems)")
    }

    /// `.latest` skips only the Ed25519 arithmetic on older frames: one signed by another key
    /// (same name, so another key ID), or one stating another root, is still refused.
    @Test func latestStillChecksEveryFramesKeyAndRoot() async throws {
        let log = try await Self.makeLog()
        let other = try NoteSigner(name: TamperTests.origin, privateKey: Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32)))
        let cases: [(String, (Checkpoint) -> Checkpoint, NoteSigner)] = [
            ("another key", { $0 }, other),
            ("another root", { Checkpoint(origin: $0.origin, size: $0.size, rootHash: SHA256.hash([UInt8(7)])) }, try NoteSigner(name: TamperTests.origin, privateKey: testSigningKey)),
        ]
        for (name, change, signer) in cases {
            let copy = try TamperTests.copy(log.path)
            let place = try Self.checkpointFrame(copy.path, number: 70)
            var bytes = try TamperTests.read(place.path)
            let frame = TamperTests.frames(bytes).first { $0.start == place.offset }!
            let note = String(decoding: bytes[(place.offset + Frame.headerSize)..<(place.offset + frame.size)], as: UTF8.self)
            let forged = Array(try change(Checkpoint(parsingBody: SignedNote.parse(note).text)).signed(by: signer).utf8)
            #expect(forged.count == frame.size - Frame.headerSize, "\(name): same length")
            bytes.replaceSubrange((place.offset + Frame.headerSize)..<(place.offset + frame.size), with: forged)
            TamperTests.storeCheckWord(&bytes, frame: frame)
            try TamperTests.write(place.path, bytes)

            let report = LogVerifier.verify(directory: copy.path, threads: 2, signatures: .latest)
            #expect(report.firstProblem?.file == place.path && report.firstProblem?.offset == Int64(place.offset), "\(name): \(report.problems)")
        }
    }
}
