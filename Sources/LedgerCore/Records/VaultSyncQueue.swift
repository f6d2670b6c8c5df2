import Dispatch
import Synchronization

/// Group commit for the vault's `sync`, ahead of the log (issue 15).
///
/// An append waits here, after sealing and before its leaf enters the log's commit queue, so
/// the log never holds, writes or acknowledges a leaf whose personal part is not yet durable
/// (no checkpoint can cover it first). Running it here rather than on the log's committer
/// thread lets the vault's fdatasync for the next appends overlap the log's fdatasync of the
/// batch before: the two stages form a pipeline instead of adding up per batch, and the
/// log knows nothing of vaults.
///
/// The fdatasync blocks, so it runs on its own serial queue, never on the cooperative pool.
/// Every caller waiting when a round starts is answered by that round; callers arriving
/// during it wait for the next one (their seals may have missed the running fdatasync).
package final class VaultSyncQueue: Sendable {
    private struct State {
        var waiting: [CheckedContinuation<Void, any Error>] = []
        var running = false
    }

    private let sync: @Sendable () throws -> Void
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "careledger.vault-sync")

    package init(sync: @escaping @Sendable () throws -> Void) { self.sync = sync }

    /// Returns once every seal made before the call is durable; throws what the vault's
    /// `sync` threw (then nothing sealed since the last good sync may be relied on).
    package func durable() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = state.withLock { s in
                s.waiting.append(continuation)
                if s.running { return false }
                s.running = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            let round = state.withLock { s in
                let round = s.waiting
                s.waiting = []
                if round.isEmpty { s.running = false }
                return round
            }
            if round.isEmpty { return }
            do {
                try sync()
                for waiter in round { waiter.resume() }
            } catch {
                for waiter in round { waiter.resume(throwing: error) }
            }
        }
    }
}
