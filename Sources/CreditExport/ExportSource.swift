import Foundation
import LedgerCrypto
import TransparencyLog

/// Where the exporter reads the log. Nothing a source returns is trusted: entries are
/// checked against the signed checkpoint (via the Merkle frontier or inclusion proofs),
/// checkpoints against the verifier key, proofs against the roots.
public protocol ExportSource: Sendable {
    /// The latest signed checkpoint, as note text.
    func latestCheckpoint() async throws -> String
    func consistencyProof(from: UInt64, to: UInt64) async throws -> [Digest32]
    func inclusionProof(seq: UInt64, size: UInt64) async throws -> [Digest32]
    /// Up to `count` consecutive entries from `seq` (fewer only at the end of the log).
    func entries(from seq: UInt64, count: Int) async throws -> [[UInt8]]
    func entry(at seq: UInt64) async throws -> [UInt8]
    /// `entries(from:count:)` with their leaf hashes when the source has already computed
    /// them from the very bytes it returns (a local log checks every entry against its
    /// stored leaf hash); nil makes the exporter hash the entries itself. Either way the
    /// hashes are then folded into the frontier and checked against the signed root.
    func entriesWithLeafHashes(from seq: UInt64, count: Int) async throws -> (entries: [[UInt8]], leafHashes: [Digest32]?)
}

extension ExportSource {
    public func entriesWithLeafHashes(from seq: UInt64, count: Int) async throws -> (entries: [[UInt8]], leafHashes: [Digest32]?) {
        (try await entries(from: seq, count: count), nil)
    }
}

/// A records log read straight from its directory (read-only open: works beside a running
/// service, which keeps appending; the export covers what the latest checkpoint signs).
public struct LogDirectorySource: ExportSource {
    public let log: TransparencyLog

    public init(logDirectory: String) throws {
        do { log = try TransparencyLog.openReadOnly(directory: logDirectory) } catch {
            throw ExportError.source("cannot open the log in \(logDirectory): \(error)")
        }
    }

    public func latestCheckpoint() async throws -> String { log.latestCheckpoint.note }
    public func consistencyProof(from: UInt64, to: UInt64) async throws -> [Digest32] { try log.consistencyProof(from: from, to: to) }
    public func inclusionProof(seq: UInt64, size: UInt64) async throws -> [Digest32] { try log.inclusionProof(seq: seq, size: size) }
    public func entries(from seq: UInt64, count: Int) async throws -> [[UInt8]] { try log.entries(from: seq, count: count) }
    public func entry(at seq: UInt64) async throws -> [UInt8] { try log.entry(at: seq) }

    /// `TransparencyLog.entries` has checked every entry's bytes against its stored leaf hash,
    /// so the stored hashes are the hashes of these bytes: the exporter need not hash again.
    public func entriesWithLeafHashes(from seq: UInt64, count: Int) async throws -> (entries: [[UInt8]], leafHashes: [Digest32]?) {
        let entries = try log.entries(from: seq, count: count)
        return (entries, try (0..<UInt64(entries.count)).map { try log.leafHash(at: seq + $0) })
    }
}
