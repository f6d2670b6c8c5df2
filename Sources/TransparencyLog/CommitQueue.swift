import Foundation
import LedgerCrypto

/// What an append gets back once its entry is durable and covered by a signed checkpoint.
public struct AppendReceipt: Sendable, Equatable {
    public let seq: UInt64
    public let leafHash: Digest32
    public let checkpoint: SignedCheckpoint
}

/// Group commit. Appenders queue their entries and wait; one committer thread takes
/// everything queued (up to a batch limit), has it sequenced, signed once and committed by
/// the storage driver as one batch (files: one write and one fdatasync per file), and wakes
/// them all. The queue is bounded: when it is full,
/// appenders wait for room instead of growing memory.
final class CommitQueue: @unchecked Sendable {
    struct Limits: Sendable {
        var maxQueuedEntries = 8192
        var maxBatchEntries = 4096
        var maxBatchBytes = 32 << 20
    }

    private struct Pending {
        let entries: [PreparedEntry]
        let bytes: Int
        let fence: UInt64?
        let continuation: CheckedContinuation<[AppendReceipt], Error>
    }

    private let limits: Limits
    private let core: LogWriterCore
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var queuedEntries = 0
    private var waiting: [(count: Int, continuation: CheckedContinuation<Void, Error>)] = []
    private var closing = false
    private var finished: CheckedContinuation<Void, Never>?
    private var done = false
    private var closeError: Error?

    init(core: LogWriterCore, limits: Limits) {
        self.core = core
        self.limits = limits
        let thread = Thread { [self] in run() }
        thread.name = "log-committer"
        thread.start()
    }

    func append(_ entries: [PreparedEntry], fence: UInt64? = nil) async throws -> [AppendReceipt] {
        guard !entries.isEmpty else { return [] }
        try await admit(entries.count)
        let bytes = entries.reduce(0) { $0 + $1.bytes.count }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !closing else {
                queuedEntries -= entries.count
                continuation.resume(throwing: LogError.closed)
                return
            }
            pending.append(Pending(entries: entries, bytes: bytes, fence: fence, continuation: continuation))
            condition.signal()
        }
    }

    /// Reserves room for `count` entries, waiting while the queue is full.
    private func admit(_ count: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            condition.lock()
            defer { condition.unlock() }
            if closing {
                continuation.resume(throwing: LogError.closed)
            } else if queuedEntries == 0 || queuedEntries + count <= limits.maxQueuedEntries {
                queuedEntries += count
                continuation.resume()
            } else {
                waiting.append((count, continuation))
            }
        }
    }

    /// Stops taking appends, commits what is queued, flushes the caches.
    func close() async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            closing = true
            if done {
                continuation.resume()
            } else {
                finished = continuation
            }
            condition.signal()
            condition.unlock()
        }
        if let closeError { throw closeError }
    }

    /// An idle log makes its caches durable after the same interval as a busy one.
    private var idleFlushSeconds: Double {
        let interval = core.idleInterval.components
        return max(0.05, Double(interval.seconds) + Double(interval.attoseconds) / 1e18)
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !closing {
                if !condition.wait(until: Date(timeIntervalSinceNow: idleFlushSeconds)) && pending.isEmpty {
                    // Idle: the driver's upkeep (files: make the caches durable so a crash replays little).
                    condition.unlock()
                    core.idle()
                    condition.lock()
                }
            }
            if pending.isEmpty && closing {
                for waiter in waiting { waiter.continuation.resume(throwing: LogError.closed) }
                waiting = []
                condition.unlock()
                break
            }
            var batch = [Pending]()
            var entries = 0, bytes = 0
            while let next = pending.first,
                  batch.isEmpty || (entries + next.entries.count <= limits.maxBatchEntries && bytes + next.bytes <= limits.maxBatchBytes) {
                batch.append(pending.removeFirst())
                entries += next.entries.count
                bytes += next.bytes
            }
            condition.unlock()

            commit(batch)

            condition.lock()
            queuedEntries -= entries
            while let first = waiting.first, queuedEntries == 0 || queuedEntries + first.count <= limits.maxQueuedEntries {
                waiting.removeFirst()
                queuedEntries += first.count
                first.continuation.resume()
            }
            condition.unlock()
        }
        do { try core.close() } catch { closeError = error }
        condition.lock()
        done = true
        let waiter = finished
        condition.unlock()
        waiter?.resume()
    }

    private func commit(_ batch: [Pending]) {
        let all = batch.count == 1 ? batch[0].entries : batch.flatMap(\.entries)
        let oldestFence = batch.lazy.compactMap(\.fence).min()
        do {
            let result = try core.commit(all, oldestFence: oldestFence)
            var seq = result.firstSeq
            var position = 0
            for item in batch {
                var receipts = [AppendReceipt]()
                receipts.reserveCapacity(item.entries.count)
                for _ in item.entries {
                    receipts.append(AppendReceipt(seq: seq, leafHash: result.leafHashes[position], checkpoint: result.checkpoint))
                    seq += 1
                    position += 1
                }
                item.continuation.resume(returning: receipts)
            }
        } catch {
            for item in batch { item.continuation.resume(throwing: error) }
        }
    }
}
