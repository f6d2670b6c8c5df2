import DurableStorage
import Foundation
import Synchronization
import TransparencyLog

/// Where the latest signed checkpoint of the records log is kept outside the data directory,
/// with compare-and-swap: a file on another path now (`--checkpoint-witness`), a PostgreSQL
/// row later. A restored backup or a second writer cannot extend the log unnoticed: the
/// service refuses to start on a log behind or beside the stored checkpoint, and refuses to
/// acknowledge an append whose checkpoint does not extend it (docs/operations.md "Forks").
public protocol CheckpointStore: Sendable {
    /// The stored signed note, nil when none is stored yet.
    func load() throws -> String?
    /// Stores `new` only if the store still holds `expected`; false (nothing written) otherwise.
    func compareAndSwap(expected: String?, new: String) throws -> Bool
}

/// A file holding the note, replaced atomically under an exclusive flock(2) on `<path>.lock`,
/// so two processes (two writers sharing the path) cannot both swap from the same note.
public struct FileCheckpointStore: CheckpointStore {
    public let path: String

    public init(path: String) { self.path = path }

    public func load() throws -> String? {
        try DurableFile.read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    public func compareAndSwap(expected: String?, new: String) throws -> Bool {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try PrivateDirectory.create(String(path[..<slash])) }
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StorageError("open", path: path + ".lock", code: errno) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw StorageError("flock", path: path + ".lock", code: errno) }
        defer { flock(fd, LOCK_UN) }
        guard try load() == expected else { return false }
        try DurableFile.replace(path, with: Array(new.utf8), mode: 0o600)
        return true
    }
}

/// The records log's side of the store: checks the log against it at start, and moves it
/// forward after each append.
package final class CheckpointWitness: Sendable {
    package struct Refused: Error, CustomStringConvertible, Sendable {
        package let description: String
    }

    let store: any CheckpointStore
    /// The note this writer last stored (or found consistent at start); nil once frozen.
    private let last: Mutex<(note: String, size: UInt64)?>

    /// Opens against `log`: the stored checkpoint must verify with the log's key and the log
    /// must extend it (a consistency proof from the log itself); then the log's latest is stored.
    package init(store: any CheckpointStore, log: TransparencyLog) throws {
        self.store = store
        let latest = log.latestCheckpoint
        if let note = try store.load() {
            let stored: Checkpoint
            do { stored = try Checkpoint.open(note: note, verifier: log.verifier) } catch {
                throw Refused(description: "the checkpoint witness does not hold a checkpoint signed by this log's key (\(error))")
            }
            guard stored.size <= latest.checkpoint.size else {
                throw Refused(description: "the records log (size \(latest.checkpoint.size)) is behind the checkpoint witness (size \(stored.size)): it lost acknowledged entries, e.g. a restored backup. Do not append to it: freeze it and start a new origin (docs/operations.md \"Forks\").")
            }
            let proof = try log.consistencyProof(from: stored.size, to: latest.checkpoint.size)
            guard MerkleTree.verifyConsistency(from: stored.size, to: latest.checkpoint.size, fromRoot: stored.rootHash,
                                               toRoot: latest.checkpoint.rootHash, proof: proof) else {
                throw Refused(description: "the records log does not extend the checkpoint witness (size \(stored.size)): the log forked. Freeze it and start a new origin (docs/operations.md \"Forks\").")
            }
            if note != latest.note {
                guard try store.compareAndSwap(expected: note, new: latest.note) else {
                    throw Refused(description: "the checkpoint witness changed while the service started: another writer?")
                }
            }
        } else {
            guard try store.compareAndSwap(expected: nil, new: latest.note) else {
                throw Refused(description: "the checkpoint witness changed while the service started: another writer?")
            }
        }
        last = Mutex((latest.note, latest.checkpoint.size))
    }

    package var isFrozen: Bool { last.withLock { $0 == nil } }

    /// The gate the log calls before it signs a batch's checkpoint (`Options.beforeSigning`):
    /// the store must still hold the note this writer stored last, or the new checkpoint
    /// could fork the one another writer (a restored backup, a copy) put there. Throws, and
    /// freezes this writer, when it does not, so the refusal comes before any signature or
    /// write. (The compare-and-swap after the commit still closes the race between two
    /// writers appending at the same instant.)
    package func confirmBeforeSigning() throws {
        try last.withLock { last in
            guard let current = last else { throw Refused(description: "the records log is frozen (fork)") }
            guard try store.load() == current.note else {
                last = nil
                throw Refused(description: "the checkpoint witness holds a checkpoint this writer did not store: another writer (a restored backup?) extended the log; refusing to sign")
            }
        }
    }

    /// Stores `checkpoint` if it is newer than the one this writer stored last. False, and
    /// frozen from then on, when the store holds something this writer did not put there.
    package func advance(to checkpoint: SignedCheckpoint) throws -> Bool {
        try last.withLock { last in
            guard let current = last else { return false }
            guard checkpoint.checkpoint.size > current.size else { return true }
            guard try store.compareAndSwap(expected: current.note, new: checkpoint.note) else {
                last = nil
                return false
            }
            last = (checkpoint.note, checkpoint.checkpoint.size)
            return true
        }
    }
}

/// Lets the log, opened before the witness can be (the witness verifies against the open
/// log), call the witness's gate once it exists.
package final class CheckpointGate: Sendable {
    private let witness = Mutex<CheckpointWitness?>(nil)

    package init() {}

    package func attach(_ witness: CheckpointWitness) { self.witness.withLock { $0 = witness } }

    package func confirm() throws { try witness.withLock { $0 }?.confirmBeforeSigning() }
}
