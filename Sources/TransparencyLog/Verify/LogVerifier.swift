import Foundation
import LedgerCrypto

/// Which checkpoint frames' signatures a verify checks (docs/log-format.md, "What a full
/// verify proves").
public enum SignatureCheck: String, Sendable, CaseIterable {
    /// Every checkpoint frame's: a full verify, the default.
    case every
    /// Only the latest checkpoint frame's (and the published checkpoint's). Every other frame
    /// must still parse, carry a signature line by the log's key and state exactly the size
    /// and root its entries give; only the Ed25519 arithmetic on it is skipped. The latest
    /// signed root covers every entry and so every earlier root; what is not shown is that an
    /// older frame's signature bytes are intact (the log re-verifies a note before serving it).
    case latest
}

/// The outcome of re-deriving a log from its entries.
public struct LogVerification: Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let seq: UInt64?
        public let file: String
        public let offset: Int64?
        public let message: String

        public var description: String {
            var where_ = file
            if let offset { where_ += " offset \(offset)" }
            if let seq { return "seq \(seq) (\(where_)): \(message)" }
            return "\(where_): \(message)"
        }
    }

    public var entries: UInt64 = 0
    public var checkpoints: UInt64 = 0
    public var segmentBytes: Int64 = 0
    /// Checkpoint signatures verified (Ed25519), the published checkpoint's included.
    public var signaturesVerified: UInt64 = 0
    /// Tamper or damage: the log does not verify.
    public var problems: [Problem] = []
    /// States a crash can leave (an unacknowledged tail), repaired by the next open.
    public var warnings: [String] = []

    public var isValid: Bool { problems.isEmpty }
    /// The first problem by position in the log: a damaged log.json (which invalidates
    /// everything) first, then lowest seq first; at the same seq the segments (the truth) before
    /// the files derived from them, and segments in order.
    public var firstProblem: Problem? {
        func position(_ p: Problem) -> (Int, UInt64, Int, String, Int64) {
            (p.file.hasSuffix("/log.json") ? 0 : 1, p.seq ?? .max, p.file.hasSuffix(".seg") ? 0 : 1, p.file, p.offset ?? 0)
        }
        return problems.min { position($0) < position($1) }
    }
}

/// `careledger log verify`: trusts nothing but the entries. Re-derives the chain, every leaf
/// and stored tree node, every checkpoint's signature and root, and the caches, and checks
/// the published checkpoint and cache-state against them. Segments are scanned, and checkpoint
/// signatures verified, on all cores (`VerifyWork`).
public enum LogVerifier {
    public static func verify(directory: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                              signatures: SignatureCheck = .every) -> LogVerification {
        var report = LogVerification()
        let layout = LogLayout(directory: directory)
        let files: LogFiles
        do { files = try LogFiles(layout: layout, io: nil) } catch {
            report.problems.append(.init(seq: nil, file: layout.config, offset: nil, message: "\(error)"))
            return report
        }
        checkSigningKey(files: files, into: &report)

        var found: UInt64 = 0
        while fileSize(layout.segment(found)) != nil { found += 1 }
        let segmentCount = found
        // A gap hides every segment after it from the scan below: name the missing one.
        let later = ((try? FileManager.default.contentsOfDirectory(atPath: layout.segments)) ?? [])
            .compactMap { $0.hasSuffix(".seg") ? UInt64($0.dropLast(4)) : nil }.filter { $0 > found }
        if let last = later.max() {
            report.problems.append(.init(seq: found * files.config.entriesPerSegment, file: layout.segment(found), offset: nil,
                                         message: "segment is missing, but later segments (up to \(last)) exist"))
        }
        var segments = VerifyWork.run(files: files, segmentCount: segmentCount, threads: threads, signatures: signatures)
        let frames = segments.reduce(UInt64(0)) { $0 + UInt64($1.checkpoints.count) }
        if signatures == .latest, let s = segments.lastIndex(where: { !$0.checkpoints.isEmpty }) {
            let f = segments[s].checkpoints.count - 1
            do {
                segments[s].checkpoints[f].checkpoint = try Checkpoint.open(note: segments[s].checkpoints[f].note, verifier: files.verifier)
            } catch {
                segments[s].checkpoints[f].checkpoint = nil
                segments[s].checkpoints[f].signatureProblem = "\(error)"
            }
            report.signaturesVerified = 1
        } else {
            report.signaturesVerified = frames
        }
        combine(segments, files: files, into: &report)
        return report
    }

    private static func checkSigningKey(files: LogFiles, into report: inout LogVerification) {
        guard let pem = FileManager.default.contents(atPath: files.layout.signingKey) else { return }
        guard let key = try? Ed25519PrivateKey(pemRepresentation: String(decoding: pem, as: UTF8.self)),
              key.publicKey == files.verifier.publicKey else {
            report.problems.append(.init(seq: nil, file: files.layout.signingKey, offset: nil, message: "signing key does not match the public key in log.json"))
            return
        }
    }

    /// Joins the per-segment results in order: chain links across segments, checkpoint roots,
    /// tree levels above a segment, the committed size, and the side files.
    private static func combine(_ segments: [SegmentCheck], files: LogFiles, into report: inout LogVerification) {
        let perSegment = files.config.entriesPerSegment
        let segmentLevel = perSegment.trailingZeroBitCount
        var upper = MerkleFrontier()        // over whole segments' roots
        var chain = Digest32.zero
        var entries: UInt64 = 0
        var committed: UInt64 = 0
        var checkpointNumber: UInt64 = 0
        var published: [UInt64: Digest32] = [:]
        var cacheMismatches: [(seq: UInt64, problem: LogVerification.Problem)] = []
        var tornAt: LogVerification.Problem?
        let checkpointRecords = (try? files.checkpointIndex.fileRecordCount()) ?? 0

        var previousSegment: SegmentCheck?
        var signatureFailures = 0
        for result in segments {
            defer { previousSegment = result }
            let path = files.layout.segment(result.segment)
            report.problems += result.problems
            report.segmentBytes += result.bytes
            cacheMismatches += result.cacheMismatches
            if tornAt != nil {
                report.problems.append(.init(seq: entries, file: path, offset: nil, message: "segment follows a damaged one"))
                continue
            }
            if let firstLeaf = result.firstLeaf, MerkleHashing.chainHash(previous: chain, leafHash: firstLeaf) != result.firstChain {
                report.problems.append(.init(seq: entries, file: path, offset: Int64(SegmentHeader.size), message: "chain hash does not follow from the previous segment"))
            }
            if entries != result.segment * perSegment, let previous = previousSegment {
                // Entries are missing at the end of the previous segment: name that place.
                report.problems.append(.init(seq: entries, file: files.layout.segment(previous.segment), offset: max(previous.bytes, Int64(SegmentHeader.size)),
                                             message: "segment is not full (\(entries % perSegment) of \(perSegment) entries) but later segments exist"))
            }
            for frame in result.checkpoints {
                let size = result.segment * perSegment + frame.entriesBefore
                guard let checkpoint = frame.checkpoint else {
                    signatureFailures += 1
                    report.problems.append(.init(seq: size, file: path, offset: frame.offset, message: "checkpoint does not verify: \(frame.signatureProblem ?? "")"))
                    continue
                }
                let hashes = upper.hashes + frame.localFrontier
                var root = hashes.last ?? MerkleHashing.emptyRoot
                for left in hashes.dropLast().reversed() { root = MerkleHashing.nodeHash(left, root) }
                if checkpoint.size != size || checkpoint.rootHash != root {
                    report.problems.append(.init(seq: size, file: path, offset: frame.offset,
                                                 message: "checkpoint says size \(checkpoint.size) root \(checkpoint.rootHash.base64); the entries give size \(size) root \(root.base64)"))
                    continue
                }
                if checkpointNumber >= checkpointRecords || !checkpointRecordMatches(files, checkpointNumber, size, result.segment, frame.offset) {
                    cacheMismatches.append((size == 0 ? 0 : size - 1, .init(seq: size, file: files.layout.checkpointIndex, offset: Int64(checkpointNumber) * 16,
                                                                               message: "checkpoint index record \(checkpointNumber) does not match the checkpoint frame")))
                }
                checkpointNumber += 1
                published[size] = root
                committed = size
            }
            entries += result.entries
            if let last = result.lastChain { chain = last }
            if result.entries == perSegment {
                // The segment root joins the tree above; levels above a segment are checked here.
                upper.append(leafHash: result.frontier.root()) { level, index, hash in
                    let global = level + segmentLevel
                    guard level > 0, global <= LogFiles.maxLevel, let column = files.levels[global] else { return }
                    if index >= ((try? column.fileRecordCount()) ?? 0) || column.digest(index) != hash {
                        let lastSeq = ((index + 1) << UInt64(global)) - 1
                        cacheMismatches.append((lastSeq, .init(seq: lastSeq, file: column.path, offset: Int64(index) * 32,
                                                               message: "stored tree node (level \(global), index \(index)) differs from the entries")))
                    }
                }
            }
            if case .torn(let offset, let reason) = result.end {
                tornAt = .init(seq: entries, file: path, offset: offset, message: reason)
            }
        }

        report.entries = committed
        report.checkpoints = checkpointNumber
        if checkpointNumber == 0 && signatureFailures > 0 {
            // Whole checkpoint frames, none of which verifies: log.json names the wrong origin or key.
            report.problems.append(.init(seq: nil, file: files.layout.config, offset: nil,
                                         message: "none of the \(signatureFailures) checkpoints in the segments verifies under the origin and public key in log.json"))
        }
        if checkpointNumber == 0 { report.problems.append(.init(seq: nil, file: files.layout.segments, offset: nil, message: "no checkpoint found")) }
        // Entries past the last checkpoint that verifies are a crash's leftovers only when no
        // checkpoint failed its signature: otherwise a checkpoint covers them, and the problem
        // is the key (a replaced one, or a forged checkpoint), reported above.
        if entries > committed && signatureFailures == 0 {
            report.warnings.append("\(entries - committed) entries after the last checkpoint were never acknowledged; the next open cuts them")
        }
        if let torn = tornAt {
            report.warnings.append("torn tail: \(torn)")
        }
        // Caches that disagree about committed data are damage; past it, crash leftovers.
        for mismatch in cacheMismatches {
            if mismatch.seq < committed { report.problems.append(mismatch.problem) }
        }
        checkSideFiles(files: files, committed: committed, checkpoints: checkpointNumber, roots: published, torn: tornAt, into: &report)
        if tornAt != nil && !report.problems.isEmpty, let torn = tornAt, !report.problems.contains(torn) {
            // Damage inside acknowledged data shows up as a "torn" frame: name it first.
            report.problems.append(torn)
        }
    }

    private static func checkpointRecordMatches(_ files: LogFiles, _ number: UInt64, _ size: UInt64, _ segment: UInt64, _ offset: Int64) -> Bool {
        let record = files.checkpointIndex.pointer(number)
        return UInt64(littleEndian: record.loadUnaligned(as: UInt64.self)) == size
            && UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == UInt32(segment)
            && UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) == UInt32(truncatingIfNeeded: offset)
    }

    /// The published checkpoint and cache-state must not claim more than the segments hold.
    private static func checkSideFiles(files: LogFiles, committed: UInt64, checkpoints: UInt64, roots: [UInt64: Digest32], torn: LogVerification.Problem?,
                                       into report: inout LogVerification) {
        let layout = files.layout
        // When the segments themselves are damaged, side files that cover more than survives
        // are a consequence, not a place: they get no seq, so they never rank first.
        let segmentsDamaged = torn != nil || report.problems.contains { $0.file.hasPrefix(layout.segments) }
        let missingFrom: UInt64? = segmentsDamaged ? nil : committed
        if let data = FileManager.default.contents(atPath: layout.checkpoint) {
            report.signaturesVerified += 1
            do {
                let checkpoint = try Checkpoint.open(note: String(decoding: data, as: UTF8.self), verifier: files.verifier)
                if checkpoint.size > committed {
                    report.problems.append(torn ?? .init(seq: missingFrom, file: layout.checkpoint, offset: nil,
                                                         message: "published checkpoint covers \(checkpoint.size) entries but the log holds \(committed): entries are missing"))
                    if torn != nil {
                        report.problems.append(.init(seq: missingFrom, file: layout.checkpoint, offset: nil, message: "published checkpoint covers \(checkpoint.size) entries but the log holds \(committed)"))
                    }
                } else if roots[checkpoint.size] != checkpoint.rootHash {
                    report.problems.append(.init(seq: checkpoint.size, file: layout.checkpoint, offset: nil, message: "published checkpoint matches no checkpoint in the segments"))
                }
            } catch {
                report.problems.append(.init(seq: nil, file: layout.checkpoint, offset: nil, message: "published checkpoint does not verify: \(error)"))
            }
        }
        if let data = FileManager.default.contents(atPath: layout.cacheState) {
            guard let state = CacheState.decode(Array(data)) else {
                report.problems.append(.init(seq: nil, file: layout.cacheState, offset: nil, message: "cache-state is damaged (checksum)"))
                return
            }
            if state.entries > committed || state.checkpoints > checkpoints {
                report.problems.append(torn ?? .init(seq: missingFrom, file: layout.cacheState, offset: nil,
                                                     message: "cache-state covers \(state.entries) entries but the log holds \(committed)"))
            }
        }
    }
}

