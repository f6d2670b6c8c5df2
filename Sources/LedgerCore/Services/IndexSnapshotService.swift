import ServiceLifecycle

/// Writes the background index's snapshot whenever the feeder says one is due (every
/// `indexSnapshotInterval` applied entries, or after a long replay at start-up), off the
/// request path. On graceful shutdown it stops taking requests; `Ledger.close()` writes the
/// final snapshot once the requests in flight are done.
public struct IndexSnapshotService: Service {
    let ledger: Ledger

    public init(ledger: Ledger) { self.ledger = ledger }

    public func run() async throws {
        for await _ in ledger.indexFeeder.snapshotRequests.cancelOnGracefulShutdown() {
            await ledger.indexFeeder.writeRequestedSnapshot()
        }
    }
}
