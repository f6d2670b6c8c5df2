import Synchronization

/// The service's own export to the national platform, as erasures must see it
/// (`serve --export-every … --export-to …`; docs/http.md "Erasures").
///
/// A record revoked as a data error is erased only once its 撤回 has left in a batch: the
/// withdrawal row repeats the person's identity, so an erasure first would leave the wrong
/// row on the platform. `onPlatform` answers from the spool's cursor. That cursor is written
/// at the end of a run, so a run under way may have opened a record the cursor does not yet
/// show as exported; erasures and runs therefore exclude each other. An erasure does not
/// wait for a run (it answers 503, retry later); a run waits for erasures under way.
public final class PlatformExport: Sendable {
    /// Of the seqs given, those exported as 新增 and not yet withdrawn.
    let onPlatform: @Sendable ([UInt64]) throws -> Set<UInt64>
    private let state = Mutex<(running: Bool, erasures: Int)>((false, 0))

    public init(onPlatform: @escaping @Sendable ([UInt64]) throws -> Set<UInt64>) {
        self.onPlatform = onPlatform
    }

    /// Before a run: waits until no erasure is under way, and keeps new ones out until `endRun`.
    public func beginRun() async {
        while !state.withLock({ s in
            guard s.erasures == 0 else { return false }
            s.running = true
            return true
        }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func endRun() {
        state.withLock { $0.running = false }
    }

    /// False while a run is under way.
    func beginErasure() -> Bool {
        state.withLock { s in
            guard !s.running else { return false }
            s.erasures += 1
            return true
        }
    }

    func endErasure() {
        state.withLock { $0.erasures -= 1 }
    }
}
