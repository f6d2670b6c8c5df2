import Synchronization

/// Keys held between validating a record and applying it to the registry, so that two
/// concurrent appends cannot both record the same document number of one authority or both
/// withdraw the same target: validation sees only committed records, the reservation covers
/// the window until the first is committed.
package final class KeyReservations: Sendable {
    private let held = Mutex<Set<String>>([])

    /// Takes all `keys` or none; false when any is already held.
    package func reserve(_ keys: [String]) -> Bool {
        held.withLock { held in
            guard keys.allSatisfy({ !held.contains($0) }) else { return false }
            held.formUnion(keys)
            return true
        }
    }

    package func release(_ keys: [String]) {
        held.withLock { held in held.subtract(keys) }
    }

    package var count: Int { held.withLock { $0.count } }
}
