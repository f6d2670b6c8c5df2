import Foundation
import LedgerCrypto

/// The work of a full verify, handed to `threads` workers as they come free: segment scans
/// first (each scan releases the checkpoints it finds), then checkpoint signatures in batches.
///
/// Why one queue: in a log appended over HTTP most of the CPU goes to checkpoint signatures
/// (one per few entries, ~110 µs each), and a log of 2^15-entry segments has few segments.
/// Scanning all segments before verifying any signature left cores idle behind the last,
/// often partial, segment; here a free worker verifies the signatures of batches already
/// scanned while another core hashes on, so every core stays busy until the end.
final class VerifyWork: @unchecked Sendable {   // all state guarded by `condition`
    struct Opened {
        let segment: Int
        let firstFrame: Int
        let results: [(Checkpoint?, String?)]
    }

    private enum Job {
        case segment(UInt64)
        case signatures(segment: Int, firstFrame: Int, notes: [String])
    }

    private let condition = NSCondition()
    private let signatures: SignatureCheck
    private let segmentCount: UInt64
    private var nextSegment: UInt64 = 0
    private var scanning = 0
    private var waiting: [Job] = []
    private var scanned: [SegmentCheck?]
    private var opened: [Opened] = []

    private init(segmentCount: UInt64, signatures: SignatureCheck) {
        self.segmentCount = segmentCount
        self.signatures = signatures
        scanned = Array(repeating: nil, count: Int(segmentCount))
    }

    /// Scans every segment and opens every checkpoint frame (verifying its signature unless
    /// `signatures` is `.latest`); the segments' results in order, each checkpoint frame's
    /// `checkpoint` or `signatureProblem` set.
    static func run(files: LogFiles, segmentCount: UInt64, threads: Int, signatures: SignatureCheck) -> [SegmentCheck] {
        let work = VerifyWork(segmentCount: segmentCount, signatures: signatures)
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in work.work(files: files) }
        var segments = work.scanned.map { $0! }
        for batch in work.opened {
            for (n, result) in batch.results.enumerated() {
                segments[batch.segment].checkpoints[batch.firstFrame + n].checkpoint = result.0
                segments[batch.segment].checkpoints[batch.firstFrame + n].signatureProblem = result.1
            }
        }
        return segments
    }

    private func work(files: LogFiles) {
        while let job = next() {
            switch job {
            case .segment(let segment):
                let result = SegmentCheck.run(files: files, segment: segment) { firstFrame, notes in
                    self.add(.signatures(segment: Int(segment), firstFrame: firstFrame, notes: notes))
                }
                condition.lock()
                scanned[Int(segment)] = result
                scanning -= 1
                // The last scan ending may leave nothing to do: let the waiting workers return.
                if scanning == 0 { condition.broadcast() }
                condition.unlock()
            case .signatures(let segment, let firstFrame, let notes):
                let results = notes.map { note -> (Checkpoint?, String?) in
                    do {
                        let checkpoint = signatures == .every ? try Checkpoint.open(note: note, verifier: files.verifier)
                            : try Self.openUnverified(note: note, verifier: files.verifier)
                        return (checkpoint, nil)
                    } catch { return (nil, "\(error)") }
                }
                condition.lock()
                opened.append(Opened(segment: segment, firstFrame: firstFrame, results: results))
                condition.unlock()
            }
        }
    }

    /// A segment to scan while any is left (they release the signature work), else a batch of
    /// signatures; waits while scans still running may add some; nil when all is done.
    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if nextSegment < segmentCount {
                nextSegment += 1
                scanning += 1
                return .segment(nextSegment - 1)
            }
            if let job = waiting.popLast() { return job }
            if scanning == 0 { return nil }
            condition.wait()
        }
    }

    /// `Checkpoint.open` but for the Ed25519 arithmetic: the note must parse, carry a signature
    /// line by the log's key (name and key ID) and state the log's origin.
    static func openUnverified(note: String, verifier: NoteVerifier) throws -> Checkpoint {
        let parsed = try SignedNote.parse(note)
        guard parsed.signatures.contains(where: { $0.keyID == verifier.keyID && NoteSyntax.same($0.name, verifier.name) }) else {
            throw NoteError.noVerifiedSignature
        }
        let checkpoint = try Checkpoint(parsingBody: parsed.text)
        guard NoteSyntax.same(checkpoint.origin, verifier.name) else {
            throw NoteError.originMismatch(origin: checkpoint.origin, keyName: verifier.name)
        }
        return checkpoint
    }

    private func add(_ job: Job) {
        condition.lock()
        waiting.append(job)
        condition.signal()
        condition.unlock()
    }
}
