import LedgerCrypto
import Synchronization

/// What readers of a log in this process may see: the committed size, the latest
/// checkpoint and the right edge of the committed tree. The committer publishes here after
/// its driver made a batch durable, so readers never see an unacknowledged entry, whatever
/// the storage.
final class PublishedHead: Sendable {
    private let committed = Atomic<UInt64>(0)
    private let latest: Mutex<SignedCheckpoint?> = Mutex(nil)
    private let rightEdge = Mutex(RightEdge(size: 0, starts: [], hashes: []))

    /// MTH(D[start:size]) for each start of a perfect subtree of the committed tree's frontier.
    struct RightEdge {
        var size: UInt64
        var starts: [UInt64]
        var hashes: [Digest32]

        init(size: UInt64, starts: [UInt64], hashes: [Digest32]) {
            (self.size, self.starts, self.hashes) = (size, starts, hashes)
        }

        init(frontier: MerkleFrontier) {
            size = frontier.size
            var starts = [UInt64](), start: UInt64 = 0
            for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
                starts.append(start)
                start += UInt64(1) << UInt64(level)
            }
            var hashes = frontier.hashes
            if hashes.count > 1 {
                for i in stride(from: hashes.count - 2, through: 0, by: -1) { hashes[i] = MerkleHashing.nodeHash(hashes[i], hashes[i + 1]) }
            }
            self.starts = starts
            self.hashes = hashes
        }
    }

    var size: UInt64 { committed.load(ordering: .acquiring) }
    var checkpoint: SignedCheckpoint? { latest.withLock { $0 } }

    /// The size is published before the checkpoint: a reader that takes the latest checkpoint
    /// and then asks for a proof at its size must find the log at least that large. (In the
    /// other order a check under load saw a checkpoint of 68914 beside a size of 68910 and
    /// answered 503 — crash-under-load, RELIABILITY.md.)
    func publish(_ head: LogHead) {
        let edge = RightEdge(frontier: head.frontier)
        rightEdge.withLock { $0 = edge }
        committed.store(head.size, ordering: .releasing)
        latest.withLock { $0 = head.checkpoint }
    }

    func rightEdgeHash(start: UInt64, end: UInt64) -> Digest32? {
        rightEdge.withLock { edge in
            guard edge.size == end, let i = edge.starts.firstIndex(of: start) else { return nil }
            return edge.hashes[i]
        }
    }
}
