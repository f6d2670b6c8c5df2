import PersonalVault
import Synchronization

/// Keeps a person's erasure apart from appends that name the same person (issue 15).
///
/// An erasure checks its rules (no ban in force) against the index, then destroys the
/// person's data key. A ban naming that person, sealed between the two, would be sealed
/// under the key about to be destroyed: committed, then erased with the rest, and after
/// that a check on the banned person answers `clear`. So an append takes a ticket naming
/// the people it names before it seals and returns it once its record is committed and in
/// the index; an erasure first closes the gate for its person (an append naming them is
/// refused, to retry), then waits until no ticket taken before names them, and only then
/// reads the index. Appends naming anyone else pass as before: one uncontended lock each.
package final class ErasureGate: Sendable {
    private struct State {
        var erasing: Set<SubjectIdentifier> = []
        var appending: [UInt64: [SubjectIdentifier]] = [:]
        var nextTicket: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// A ticket for an append naming `people`, or nil while one of them is being erased.
    package func enter(naming people: [SubjectIdentifier]) -> UInt64? {
        state.withLock { s in
            guard s.erasing.isDisjoint(with: people) else { return nil }
            let ticket = s.nextTicket
            s.nextTicket += 1
            s.appending[ticket] = people
            return ticket
        }
    }

    package func leave(_ ticket: UInt64) {
        _ = state.withLock { $0.appending.removeValue(forKey: ticket) }
    }

    /// Closes the gate for `person` and waits (up to `timeout`) for appends already under
    /// way that name them. False when another erasure of the same person holds the gate,
    /// or the appends did not finish in time (the gate is then open again).
    package func closeForErasure(of person: SubjectIdentifier, timeout: Duration = .seconds(10)) async -> Bool {
        let closed = state.withLock { s in s.erasing.insert(person).inserted }
        guard closed else { return false }
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ s in s.appending.values.contains { $0.contains(person) } }) {
            guard ContinuousClock.now < deadline else {
                open(for: person)
                return false
            }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    package func open(for person: SubjectIdentifier) {
        _ = state.withLock { $0.erasing.remove(person) }
    }
}
