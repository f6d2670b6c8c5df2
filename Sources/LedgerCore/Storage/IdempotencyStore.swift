import DurableStorage
import Foundation
import LedgerCrypto
import Synchronization

/// Idempotency-Key support for appends (docs/records.md "Idempotency-Key"): a key is scoped to its principal; the
/// same key with the same body replays the original answer, with another body it is a
/// conflict, and while the first request is still running any reuse is a conflict.
///
/// Completed answers are appended to `<data>/idempotency.jsonl` and fdatasync'd before the
/// response goes out, kept at least `retention` seconds, and reloaded at start. The file is
/// compacted (expired and torn lines dropped) at start and at most hourly afterwards.
package final class IdempotencyStore: Sendable {
    package struct Stored: Codable, Equatable, Sendable {
        package var principal: String
        package var key: String
        /// Hex SHA-256 of the raw request body.
        package var bodySHA256: String
        package var status: Int
        /// Base64 of the response body.
        package var body: String
        package var contentType: String
        /// Seconds since the epoch.
        package var createdAt: Int64
    }

    package enum Begin: Equatable {
        /// New key: run the request, then `complete` or `abandon`.
        case proceed
        case replay(Stored)
        /// Used before with a different body.
        case mismatch
        /// The first request with this key is still running.
        case inFlight
    }

    package static let maxKeyLength = 128

    private struct State {
        var done: [String: Stored]
        var inFlight: Set<String>
        var file: DurableAppendFile
        var lastCompaction: Int64
    }

    package let path: String
    package let retention: Int64
    private let io: StorageIO
    private let state: Mutex<State>

    private init(path: String, retention: Int64, io: StorageIO, state: State) {
        self.path = path
        self.retention = retention
        self.io = io
        self.state = Mutex(state)
    }

    /// Loads the remembered keys, dropping those older than `retention` seconds.
    package static func open(path: String, retention: Int64, now: Int64 = Timestamp.epochSeconds(), io: StorageIO = PosixIO()) throws -> IdempotencyStore {
        var done = [String: Stored]()
        var dropped = false
        if let bytes = try DurableFile.read(path) {
            let decoder = JSONDecoder()
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
                guard let entry = try? decoder.decode(Stored.self, from: Data(line)) else {
                    dropped = true  // a torn last line after a crash
                    continue
                }
                if now - entry.createdAt > retention {
                    dropped = true
                    continue
                }
                done[scope(entry.principal, entry.key)] = entry
            }
        }
        if dropped { try rewrite(path: path, entries: Array(done.values), io: io) }
        let file = try DurableAppendFile(path: path, io: io)
        return IdempotencyStore(path: path, retention: retention, io: io,
                                state: State(done: done, inFlight: [], file: file, lastCompaction: now))
    }

    /// A key is 1 to 128 printable ASCII characters (space to tilde).
    package static func isValidKey(_ key: String) -> Bool {
        let b = key.utf8
        return (1...maxKeyLength).contains(b.count) && b.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    package func begin(principal: String, key: String, bodySHA256: String) -> Begin {
        let scoped = Self.scope(principal, key)
        return state.withLock { state in
            if state.inFlight.contains(scoped) { return .inFlight }
            if let stored = state.done[scoped] {
                return stored.bodySHA256 == bodySHA256 ? .replay(stored) : .mismatch
            }
            state.inFlight.insert(scoped)
            return .proceed
        }
    }

    /// Remembers the answer (in memory first, so a retry in this process replays it even if
    /// the disk fails) and makes it durable; a write error is thrown after that.
    package func complete(_ stored: Stored, now: Int64 = Timestamp.epochSeconds()) throws {
        let scoped = Self.scope(stored.principal, stored.key)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Array(try encoder.encode(stored)) + [0x0A]
        try state.withLock { state in
            state.inFlight.remove(scoped)
            state.done[scoped] = stored
            try state.file.append(line)
            if now - state.lastCompaction >= 3600 {
                state.lastCompaction = now
                let before = state.done.count
                state.done = state.done.filter { now - $0.value.createdAt <= retention }
                if state.done.count != before {
                    try Self.rewrite(path: path, entries: Array(state.done.values), io: io)
                    state.file = try DurableAppendFile(path: path, io: io)
                }
            }
        }
    }

    /// Forgets an in-flight key whose request did not complete (it may be retried).
    package func abandon(principal: String, key: String) {
        let scoped = Self.scope(principal, key)
        _ = state.withLock { $0.inFlight.remove(scoped) }
    }

    package var count: Int { state.withLock { $0.done.count } }

    private static func scope(_ principal: String, _ key: String) -> String { principal + "\u{0}" + key }

    private static func rewrite(path: String, entries: [Stored], io: StorageIO) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8]()
        for entry in entries.sorted(by: { $0.createdAt < $1.createdAt }) { bytes += Array(try encoder.encode(entry)) + [0x0A] }
        try DurableFile.replace(path, with: bytes, mode: 0o600, io: io)
    }
}
