import LedgerCore
import LedgerCrypto
import Synchronization

/// The person checked, signed in at /me with a one-time code (docs/web.md "The person
/// checked"). Apart from principals' sessions: another cookie (`careledger_me`, Path=/me), a
/// shorter life, and it opens only that person's own page. In memory only; only the SHA-256 of
/// a session id is kept.
final class SubjectSessions: Sendable {
    struct Session: Sendable {
        let who: SubjectIdentity
        let csrf: String
        let createdAt: ContinuousClock.Instant
        var lastSeen: ContinuousClock.Instant
    }

    static let idleTimeout: Duration = .seconds(15 * 60)
    static let absoluteTimeout: Duration = .seconds(60 * 60)
    static let maxSessions = 5_000

    private let sessions = Mutex<[Digest32: Session]>([:])

    func create(_ who: SubjectIdentity) -> (id: String, csrf: String) {
        let id = WebSessions.randomToken(), csrf = WebSessions.randomToken()
        let now = ContinuousClock.now
        sessions.withLock { table in
            if table.count >= Self.maxSessions {
                table = table.filter { now - $0.value.lastSeen < Self.idleTimeout && now - $0.value.createdAt < Self.absoluteTimeout }
                if table.count >= Self.maxSessions, let oldest = table.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
                    table[oldest] = nil
                }
            }
            table[SHA256.hash(id)] = Session(who: who, csrf: csrf, createdAt: now, lastSeen: now)
        }
        return (id, csrf)
    }

    func session(id: String) -> Session? {
        guard id.utf8.count == 64 else { return nil }
        let key = SHA256.hash(id), now = ContinuousClock.now
        return sessions.withLock { table in
            guard var session = table[key] else { return nil }
            guard now - session.lastSeen < Self.idleTimeout, now - session.createdAt < Self.absoluteTimeout else {
                table[key] = nil
                return nil
            }
            session.lastSeen = now
            table[key] = session
            return session
        }
    }

    func end(id: String) {
        let key = SHA256.hash(id)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }
}
