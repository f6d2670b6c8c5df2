import Foundation
import LedgerCrypto
import LedgerTestSupport
import Synchronization
import Testing
@testable import TransparencyLog

/// The storages the conformance suite runs on.
enum StorageKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case files, memory
    var testDescription: String { rawValue }
}

/// One storage under test. It outlives the logs opened on it: a "restart" opens another log
/// on the same directory (files) or the same driver object (memory, as a database outlives
/// the process). `wrap` puts a driver between the log and the storage, to watch the seam.
final class StorageUnderTest {
    let kind: StorageKind
    let verifier: NoteVerifier
    private let directory: TemporaryDirectory?
    private let memory: MemoryStorageDriver?
    /// The file driver's I/O for the next writer; a fault armed here fails its next commit.
    private var io: FaultInjectingIO?

    init(_ kind: StorageKind, origin: String = "conformance.example/log", entriesPerSegment: UInt64 = 64) throws {
        self.kind = kind
        switch kind {
        case .files:
            let directory = TemporaryDirectory()
            verifier = try TransparencyLog.create(directory: directory.path, origin: origin, signingKey: testSigningKey,
                                                  entriesPerSegment: entriesPerSegment)
            self.directory = directory
            memory = nil
        case .memory:
            let driver = try MemoryStorageDriver.create(origin: origin, signingKey: testSigningKey)
            verifier = driver.verifier
            memory = driver
            directory = nil
        }
    }

    var path: String { directory?.path ?? "" }

    /// A driver opened for writing (files: takes the directory lock).
    func writerDriver() throws -> any LogStorageDriver {
        switch kind {
        case .files:
            let io = FaultInjectingIO()
            self.io = io
            return try FileStorageDriver.openForWriting(directory: path, io: io)
        case .memory:
            return memory!
        }
    }

    func openWriter(wrap: (any LogStorageDriver) -> any LogStorageDriver = { $0 }) throws -> TransparencyLog {
        try TransparencyLog.open(driver: wrap(writerDriver()), signingKey: testSigningKey)
    }

    func openReader() throws -> TransparencyLog {
        switch kind {
        case .files: try TransparencyLog.openReadOnly(directory: path)
        case .memory: try TransparencyLog.openReadOnly(driver: memory!)
        }
    }

    /// The current writer's next commit fails without committing anything.
    func failNextCommit() {
        switch kind {
        // The commit's write to a segment: a background cache or tile write may come first
        // on a loaded machine and must not take the fault meant for the commit.
        case .files: io!.inject(.failBeforeWrite(EIO), at: FaultInjectingIO.Trigger(operation: .pwrite, pathContaining: "/segments/"))
        case .memory: memory!.failNextCommit(StorageError("commit", path: "memory", code: EIO))
        }
    }
}

/// A driver that hands everything to another and lets a test look at the log from inside
/// `commit`, before and after the storage made the batch durable.
final class WatchedDriver: LogStorageDriver, Sendable {
    let inner: any LogStorageDriver
    private let hook: Mutex<(@Sendable (_ batch: LogBatch, _ durable: Bool) -> Void)?> = Mutex(nil)

    init(_ inner: any LogStorageDriver) { self.inner = inner }

    func onCommit(_ body: @escaping @Sendable (_ batch: LogBatch, _ durable: Bool) -> Void) { hook.withLock { $0 = body } }

    var origin: String { inner.origin }
    var verifier: NoteVerifier { inner.verifier }
    var capacity: UInt64 { inner.capacity }
    func storesNodes(atLevel level: Int) -> Bool { inner.storesNodes(atLevel: level) }
    func recover() throws -> (LogHead, RecoveryReport) { try inner.recover() }
    func reloadIfNeeded() throws -> LogHead? { try inner.reloadIfNeeded() }
    func commit(_ batch: LogBatch) throws {
        let body = hook.withLock { $0 }
        body?(batch, false)
        try inner.commit(batch)
        body?(batch, true)
    }
    func didPublish(_ head: LogHead) { inner.didPublish(head) }
    func idle() { inner.idle() }
    var idleInterval: Duration { inner.idleInterval }
    func close() throws { try inner.close() }
    func entries(from first: UInt64, count: Int) throws -> [[UInt8]] { try inner.entries(from: first, count: count) }
    func leafHash(at seq: UInt64) throws -> Digest32 { try inner.leafHash(at: seq) }
    func node(level: Int, index: UInt64) throws -> Digest32 { try inner.node(level: level, index: index) }
    func checkpointCount(upTo size: UInt64) -> UInt64 { inner.checkpointCount(upTo: size) }
    func checkpointSize(number: UInt64) -> UInt64 { inner.checkpointSize(number: number) }
    func checkpoint(number: UInt64) throws -> SignedCheckpoint { try inner.checkpoint(number: number) }
    func hashTile(_ tile: TilePath, treeSize: UInt64) throws -> [UInt8] { try inner.hashTile(tile, treeSize: treeSize) }
    func entryBundle(_ tile: TilePath, treeSize: UInt64) throws -> [UInt8] { try inner.entryBundle(tile, treeSize: treeSize) }
}

/// What a log holds, re-derived from the entries alone: the reference the suite compares with.
struct ExpectedLog {
    var entries: [[UInt8]] = []
    var tree: InMemoryMerkleTree { InMemoryMerkleTree(leafHashes: entries.map { MerkleHashing.leafHash($0) }) }
}
