import LedgerCrypto

/// The calling thread's guess of the next record it opens (SlotTable.swift,
/// `record(for:probingFirst:)`): one per thread, since each export thread opens its own run
/// of consecutive records. A guess is only ever checked against the commitment asked for, so
/// a stale one (another vault, another run) costs one comparison and is never an answer.
final class OpenHint {
    var next = -1

    static func current() -> OpenHint { perThread.current }

    private static let perThread = PerThread { OpenHint() }
}
