import CreditRecords
import DurableStorage
import LedgerCrypto
import TransparencyLog

/// What a client (`careledger check`) remembers of a log: the largest checkpoint it verified,
/// per origin, in `<directory>/<hex SHA-256 of the origin>.checkpoint` (the signed note). A new
/// checkpoint must be consistent with it (RFC 9162 consistency proof), so a service that
/// forks its log (a restored backup appended to, a second writer) is caught by any client
/// that saw the other branch (issue 17, part 7).
public struct CheckpointMemory: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public enum Outcome: Sendable, Equatable {
        /// Nothing remembered for this origin: the checkpoint is now remembered.
        case first
        case same
        /// Proven to extend the one remembered, which it now replaces.
        case extended(from: UInt64)
        /// Older than the one remembered but proven a prefix of it (a lagging replica).
        case older(than: UInt64)
    }

    /// The log the service shows is not the log this client saw before.
    public struct Fork: Error, CustomStringConvertible, Sendable {
        public let origin: String
        public let remembered: UInt64
        public let presented: UInt64
        public var description: String {
            "FORK: the log \(origin) at size \(presented) is not consistent with the checkpoint of size \(remembered) this client verified before. Do not rely on this answer; report it to the log's operator and its auditors."
        }
    }

    func path(origin: String) -> String { directory + "/" + SHA256.hash(Array(origin.utf8)).hex + ".checkpoint" }

    /// The remembered checkpoint of `origin`, verified with `verifier`.
    public func remembered(origin: String, verifier: NoteVerifier) throws -> Checkpoint? {
        guard let bytes = try DurableFile.read(path(origin: origin)) else { return nil }
        return try Checkpoint.open(note: String(decoding: bytes, as: UTF8.self), verifier: verifier)
    }

    /// Checks `note` (already verified with `verifier`) against the remembered checkpoint,
    /// asking `proof(from, to)` for a consistency proof, and remembers it when it is newer.
    public func reconcile(note: String, checkpoint: Checkpoint, verifier: NoteVerifier,
                          proof: (UInt64, UInt64) async throws -> [Digest32]) async throws -> Outcome {
        guard let old = try remembered(origin: checkpoint.origin, verifier: verifier) else {
            try remember(note, origin: checkpoint.origin)
            return .first
        }
        let fork = Fork(origin: checkpoint.origin, remembered: old.size, presented: checkpoint.size)
        if old.size == checkpoint.size {
            guard old.rootHash == checkpoint.rootHash else { throw fork }
            return .same
        }
        let (from, to) = old.size < checkpoint.size ? (old, checkpoint) : (checkpoint, old)
        let hashes = try await proof(from.size, to.size)
        guard MerkleTree.verifyConsistency(from: from.size, to: to.size, fromRoot: from.rootHash, toRoot: to.rootHash, proof: hashes) else {
            throw fork
        }
        guard old.size < checkpoint.size else { return .older(than: old.size) }
        try remember(note, origin: checkpoint.origin)
        return .extended(from: old.size)
    }

    func remember(_ note: String, origin: String) throws {
        try PrivateDirectory.create(directory)
        try DurableFile.replace(path(origin: origin), with: Array(note.utf8), mode: 0o600)
    }
}
