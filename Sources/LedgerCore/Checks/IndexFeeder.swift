import BackgroundIndex
import CreditRecords
import LedgerCrypto
import Logging
import Dispatch
import Glibc
import PersonalVault
import Synchronization
import TransparencyLog

/// Record envelopes read back from the records log by seq, opened through the vault, for
/// the index's answers (an erased record reads as its sealed, public form).
public struct LogEnvelopeSource: EnvelopeSource {
    public let log: TransparencyLog
    package let sealed: SealedEntries

    package init(log: TransparencyLog, sealed: SealedEntries) {
        self.log = log
        self.sealed = sealed
    }

    public func envelope(at seq: UInt64) throws -> Envelope { try Envelope.decode(sealed.open(log.entry(at: seq))) }

    public func entryBytes(at seq: UInt64) throws -> [UInt8]? { try sealed.open(log.entry(at: seq)) }
}

/// Loading, rebuilding and writing the background index's snapshot (`<data>/index.snapshot`),
/// shared by the service and `careledger index`.
public enum IndexSnapshots {
    public struct Loaded: Sendable {
        public let index: BackgroundIndex
        /// Why the snapshot was not used (missing, corrupt, stale, foreign), or nil when it was.
        public let problem: String?
        /// Entries applied by replaying the log after the snapshot (or from 0).
        public let replayed: UInt64
        /// The log size the index reflects once loaded.
        public let size: UInt64
    }

    /// The log's root at `size`, or nil when the log is shorter (a snapshot from elsewhere).
    package static func rootAt(_ log: TransparencyLog) -> (UInt64) throws -> Digest32? {
        { size in size <= log.size ? try log.rootHash(size: size) : nil }
    }

    /// The snapshot at `path` if it names a prefix of this log, else a fresh index; then the
    /// log's tail (or all of it) replayed in seq order.
    public static func load(log: TransparencyLog, path: String, vault: any PersonalVault) throws -> Loaded {
        try loadSnapshot(log: log, path: path, vault: vault).replayingTail(log: log, vault: vault)
    }

    /// A snapshot read but not yet caught up with the log: what it covers is known (its
    /// erasures, say) before the tail is read through the vault.
    public struct Snapshot: Sendable {
        public let index: BackgroundIndex
        public let problem: String?

        /// The log's tail (or all of it) replayed in seq order.
        public func replayingTail(log: TransparencyLog, vault: any PersonalVault) throws -> Loaded {
            let from = index.size, to = log.size
            try replay(log, into: index, sealed: SealedEntries(vault: vault), from: from, to: to)
            return Loaded(index: index, problem: problem, replayed: to - from, size: to)
        }
    }

    /// The snapshot at `path` if it names a prefix of this log, else a fresh index.
    public static func loadSnapshot(log: TransparencyLog, path: String, vault: any PersonalVault) -> Snapshot {
        let keying = keying(vault)
        let (loaded, problem) = BackgroundIndex.loadSnapshot(from: path, keying: keying, rootAt: rootAt(log))
        return Snapshot(index: loaded ?? BackgroundIndex(keying: keying), problem: loaded == nil ? (problem ?? "no usable snapshot") : nil)
    }

    /// A new index built from every entry of the log.
    public static func rebuild(log: TransparencyLog, vault: any PersonalVault) throws -> BackgroundIndex {
        let index = BackgroundIndex(keying: keying(vault))
        try replay(log, into: index, sealed: SealedEntries(vault: vault), from: 0, to: log.size)
        return index
    }

    /// People keyed by the vault's pseudonyms (docs/background-index.md "Keyed people").
    public static func keying(_ vault: any PersonalVault) -> PersonKeying {
        PersonKeying(keyID: vault.indexKeyID) { type, number in
            vault.pseudonym(.person(idType: type.rawValue, idNumber: number)).digest
        }
    }

    /// Writes the index's snapshot (temp file, fsync, rename), naming the log's root at the
    /// size the index reflects.
    public static func write(_ index: BackgroundIndex, log: TransparencyLog, path: String) throws {
        try index.writeSnapshot(to: path, rootHash: log.rootHash(size: index.size))
    }

    package static func replay(_ log: TransparencyLog, into index: BackgroundIndex, sealed: SealedEntries, from: UInt64, to: UInt64) throws {
        try log.forEachEntry(in: from..<max(from, to)) { seq, entry in index.apply(seq: seq, entry: try sealed.open(entry)) }
    }
}

/// Keeps the background index equal to a prefix of the records log. Appenders resume in any
/// order after a group commit, but the index takes entries in seq order, each once: whoever
/// comes first applies every committed entry up to its own (reading the others back from the
/// log), under one lock, so a check made after a 201 always sees that record.
///
/// Snapshots are written on a queue of their own, never under that lock: at a million records
/// a snapshot is ~60 MB and its fsync would otherwise stall every check behind it.
package final class IndexFeeder: Sendable {
    package let index: BackgroundIndex
    package let log: TransparencyLog
    package let sealed: SealedEntries
    package let snapshotPath: String
    /// A snapshot is written after this many entries, or a quarter of the log if that is more
    /// (so the tail a restart replays stays short and snapshots stay rare), and on a clean
    /// shutdown.
    package let snapshotInterval: UInt64
    /// The vault's open index is refreshed after a periodic snapshot once this many durable
    /// records (or a tenth of the vault, if more) are newer than it.
    package let vaultIndexMinimumTail: Int

    private struct State {
        /// Entries applied (counted here rather than read from the index, so a lagging or
        /// placeholder index can never make an entry apply twice).
        var applied: UInt64
        var snapshotAt: UInt64
        var writing = false
    }

    private let state: Mutex<State>
    /// Envelopes of appends under way, by their leaf's bytes: whoever catches up first applies
    /// its batch-mates from here instead of reading each back through the vault and decoding
    /// it again (issue 15: the catch-up opened about half of all appends a second time).
    /// An append files its envelope before the log takes its leaf and withdraws it if the
    /// log refuses; applying it takes it out.
    private let underWay = Mutex<[LeafKey: Envelope]>([:])
    private let logger: Logger
    /// Snapshot writes are blocking file I/O: they run on this queue, off the cooperative pool.
    private let snapshots = DispatchQueue(label: "careledger.index-snapshots")
    /// "A snapshot is due", consumed by `IndexSnapshotService` (the newest request is enough).
    private let requests: AsyncStream<Void>
    private let requested: AsyncStream<Void>.Continuation

    package init(index: BackgroundIndex, log: TransparencyLog, sealed: SealedEntries, applied: UInt64, snapshotAt: UInt64, snapshotPath: String,
         snapshotInterval: UInt64, vaultIndexMinimumTail: Int, logger: Logger) {
        self.index = index
        self.vaultIndexMinimumTail = vaultIndexMinimumTail
        self.log = log
        self.sealed = sealed
        self.snapshotPath = snapshotPath
        self.snapshotInterval = snapshotInterval
        self.logger = logger
        state = Mutex(State(applied: applied, snapshotAt: snapshotAt))
        (requests, requested) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    package var applied: UInt64 { state.withLock { $0.applied } }

    /// Files the full envelope of a leaf about to be appended (`underWay`).
    package func expect(_ leaf: [UInt8], envelope: Envelope) {
        underWay.withLock { $0[LeafKey(leaf)] = envelope }
    }

    /// Withdraws it: the log did not take the leaf.
    package func withdraw(_ leaf: [UInt8]) {
        _ = underWay.withLock { $0.removeValue(forKey: LeafKey(leaf)) }
    }

    /// How many envelopes are filed (tests: none is left behind).
    package var underWayCount: Int { underWay.withLock { $0.count } }

    /// Applies every committed entry below `size`.
    package func catchUp(to size: UInt64) throws {
        let due = try state.withLock { state -> Bool in
            if state.applied < size {
                // The records of appends under way (the caller's own among them) are already
                // decoded; any other is read back.
                try log.forEachEntry(in: state.applied..<size) { seq, entry in
                    if let filed = underWay.withLock({ $0.removeValue(forKey: LeafKey(entry)) }) {
                        index.apply(seq: seq, envelope: filed)
                    } else {
                        index.apply(seq: seq, entry: try sealed.open(entry))
                    }
                }
                state.applied = size
            }
            guard !state.writing, state.applied - state.snapshotAt >= max(snapshotInterval, state.applied / 4) else { return false }
            state.writing = true
            return true
        }
        if due { requested.yield() }
    }

    /// Writes a snapshot now and waits for it (shutdown), unless nothing was applied since
    /// the last one.
    package func snapshotNow() {
        snapshots.sync { writeIfNeeded() }
    }

    /// Asks the snapshot service for one (after a long replay at start-up).
    package func snapshotSoon() {
        state.withLock { $0.writing = true }
        requested.yield()
    }

    /// The snapshot requests, one at a time, until the feeder is closed.
    package var snapshotRequests: AsyncStream<Void> { requests }

    /// Writes the requested snapshot on the snapshot queue and returns when it is written.
    package func writeRequestedSnapshot() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            snapshots.async {
                self.writeSnapshot()
                self.refreshVaultOpenIndex()
                done.resume()
            }
        }
    }

    private func writeIfNeeded() {
        let needed = state.withLock { state in
            guard state.applied != state.snapshotAt || !DurableFile.exists(snapshotPath) else { return false }
            state.writing = true
            return true
        }
        if needed { writeSnapshot() }
    }

    /// On the snapshot queue, after a periodic snapshot: the vault's open index, when enough
    /// was sealed since it (`FileVault.refreshOpenIndexIfDue`), so a start after a crash does
    /// not scan the whole vault. (At a clean close `Ledger.close` writes it in full.)
    private func refreshVaultOpenIndex() {
        guard let vault = sealed.vault as? FileVault else { return }
        do { try vault.refreshOpenIndexIfDue(minimumTail: vaultIndexMinimumTail) } catch {
            logger.warning("could not write the vault's open index; a start after a crash scans the vault", metadata: ["error": "\(error)"])
        }
    }

    /// On the snapshot queue. The index copies its state under its own lock (copy-on-write),
    /// so appends and checks go on while the copy is written out.
    private func writeSnapshot() {
        do {
            let size = try index.writeSnapshot(to: snapshotPath, rootAt: { try self.log.rootHash(size: $0) })
            state.withLock { state in
                state.snapshotAt = size
                state.writing = false
            }
            logger.info("index snapshot written", metadata: ["treeSize": "\(size)"])
        } catch {
            // The index stays correct in memory; the next start replays a longer tail.
            logger.warning("could not write the index snapshot", metadata: ["error": "\(error)"])
            state.withLock { state in
                state.snapshotAt = state.applied
                state.writing = false
            }
        }
    }
}

/// A leaf's bytes as a dictionary key, hashed as one buffer. `[UInt8]`'s own `Hashable`
/// feeds the hasher a byte at a time: at two lookups of a ~600-byte leaf per append that was
/// about 5 % of an append's CPU (perf, 7 December 2026).
private struct LeafKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: LeafKey, rhs: LeafKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count && lhs.bytes.withUnsafeBytes { a in
            rhs.bytes.withUnsafeBytes { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
    }
}
