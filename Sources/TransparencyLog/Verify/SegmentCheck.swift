import Foundation
import LedgerCrypto

/// One segment checked on its own, so segments can be checked in parallel. Segments start
/// at a multiple of 2^k entries, so each holds whole subtrees of the Merkle tree: its leaves,
/// links of the chain and nodes up to its own root need nothing from other segments. What
/// does cross segments (the first chain link, checkpoint roots, higher nodes) is left to
/// `LogVerifier`, which combines the results in order.
struct SegmentCheck {
    struct CheckpointFrame {
        let note: String
        /// Set by `LogVerifier` once the signature is checked (on whichever core is free).
        var checkpoint: Checkpoint?
        var signatureProblem: String?
        /// Perfect subtrees of [segment start, checkpoint size), highest first.
        let localFrontier: [Digest32]
        let entriesBefore: UInt64
        let offset: Int64
        let end: Int64
    }

    var segment: UInt64
    var entries: UInt64 = 0
    var bytes: Int64 = 0
    var firstLeaf: Digest32?
    var firstChain: Digest32?
    var lastChain: Digest32?
    var checkpoints: [CheckpointFrame] = []
    var frontier = MerkleFrontier()
    var problems: [LogVerification.Problem] = []
    /// Cache records that disagree, by the seq that first depends on them.
    var cacheMismatches: [(seq: UInt64, problem: LogVerification.Problem)] = []
    var end: SegmentScanner.End = .endOfFile(offset: 0)
    var headerValid = true

    /// Checkpoint notes are handed to `signatures` in batches of `batch` (with the index of the
    /// batch's first checkpoint frame in this segment) as the scan finds them, so their
    /// signatures can be checked on another core while this one hashes on.
    static func run(files: LogFiles, segment: UInt64, batch: Int = 32, signatures: (_ firstFrame: Int, _ notes: [String]) -> Void) -> SegmentCheck {
        var result = SegmentCheck(segment: segment)
        let path = files.layout.segment(segment)
        let perSegment = files.config.entriesPerSegment
        let firstSeq = segment * perSegment
        guard SegmentScanner.checkHeader(path: path, segment: segment) == .valid else {
            result.headerValid = false
            result.problems.append(.init(seq: firstSeq, file: path, offset: 0, message: "segment header is missing or wrong"))
            return result
        }
        let hasher = SHA256Hasher()
        let indexCount = (try? files.index.fileRecordCount()) ?? 0
        let counts = files.levels.map { (try? $0?.fileRecordCount()) ?? nil }
        var previousChain: Digest32?
        var pending = [String]()
        pending.reserveCapacity(batch)
        // Takes the frame count rather than reading `result`: capturing `result` here would put
        // it under dynamic exclusivity checks, which the frontier callback below would trip.
        func flush(framesSoFar: Int) {
            guard !pending.isEmpty else { return }
            signatures(framesSoFar - pending.count, pending)
            pending.removeAll(keepingCapacity: true)
        }
        do {
            result.end = try SegmentScanner.scan(path: path, from: Int64(SegmentHeader.size)) { frame in
                result.bytes = frame.offset + Int64(frame.size)
                switch frame.kind {
                case .entry:
                    let seq = firstSeq + result.entries
                    if result.entries == perSegment {
                        result.problems.append(.init(seq: seq, file: path, offset: frame.offset, message: "segment holds more than \(perSegment) entries"))
                        return
                    }
                    let leaf = MerkleHashing.leafHash(frame.payload, using: hasher)
                    if let previous = previousChain {
                        if MerkleHashing.chainHash(previous: previous, leafHash: leaf) != frame.chain {
                            result.problems.append(.init(seq: seq, file: path, offset: frame.offset, message: "chain hash does not follow from the previous entry"))
                        }
                    } else {
                        result.firstLeaf = leaf
                        result.firstChain = frame.chain
                    }
                    previousChain = frame.chain
                    result.lastChain = frame.chain
                    if seq >= indexCount || files.index.uint32(seq) != UInt32(truncatingIfNeeded: frame.offset) {
                        result.cacheMismatches.append((seq, .init(seq: seq, file: files.layout.index, offset: Int64(seq) * 4,
                                                                   message: "index record does not point at the frame (offset \(frame.offset))")))
                    }
                    result.frontier.append(leafHash: leaf) { level, localIndex, hash in
                        guard let column = files.levels[level] else { return }
                        let index = (firstSeq >> UInt64(level)) + localIndex
                        if index >= (counts[level] ?? 0) || column.digest(index) != hash {
                            let lastSeq = ((index + 1) << UInt64(level)) - 1
                            result.cacheMismatches.append((lastSeq, .init(seq: lastSeq, file: column.path, offset: Int64(index) * 32,
                                                                          message: "stored tree node (level \(level), index \(index)) differs from the entries")))
                        }
                    }
                    result.entries += 1
                case .checkpoint:
                    // The signature is checked elsewhere, on whichever core is free: a log built
                    // from small batches holds one per few entries, and an Ed25519 verification
                    // costs as much as hashing ~150 KiB of entries.
                    let note = String(decoding: frame.payload, as: UTF8.self)
                    pending.append(note)
                    result.checkpoints.append(.init(note: note, checkpoint: nil, signatureProblem: nil,
                                                    localFrontier: result.frontier.hashes, entriesBefore: result.entries,
                                                    offset: frame.offset, end: frame.offset + Int64(frame.size)))
                    if pending.count == batch { flush(framesSoFar: result.checkpoints.count) }
                }
            }
        } catch {
            result.problems.append(.init(seq: nil, file: path, offset: nil, message: "\(error)"))
        }
        flush(framesSoFar: result.checkpoints.count)
        return result
    }
}
