import LedgerCore
import LedgerCrypto
import Synchronization

/// Signed-in browsers (docs/web.md "Sign-in and sessions"). A session is a random 256-bit id
/// in an HttpOnly, SameSite=Strict cookie, bound to one principal and carrying its own CSRF
/// token. Sessions live in memory: a restart signs everyone out, which is the safe failure.
/// Only the SHA-256 of an id is kept, so a memory dump does not hand out live cookies.
final class WebSessions: Sendable {
    struct Session: Sendable {
        let principalID: String
        let csrf: String
        let createdAt: ContinuousClock.Instant
        var lastSeen: ContinuousClock.Instant
    }

    /// Signed out after this long without a request…
    static let idleTimeout: Duration = .seconds(30 * 60)
    /// …and after this long in any case (a shared office computer).
    static let absoluteTimeout: Duration = .seconds(8 * 3600)
    /// Oldest sessions are dropped beyond this, so sign-ins cannot exhaust memory.
    static let maxSessions = 20_000

    private let sessions = Mutex<[Digest32: Session]>([:])

    /// A new session for `principal`: the cookie value and the session's CSRF token.
    func create(principalID: String) -> (id: String, csrf: String) {
        let id = Self.randomToken(), csrf = Self.randomToken()
        let now = ContinuousClock.now
        sessions.withLock { table in
            if table.count >= Self.maxSessions {
                Self.dropExpired(&table, now: now)
                if table.count >= Self.maxSessions, let oldest = table.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
                    table[oldest] = nil
                }
            }
            table[SHA256.hash(id)] = Session(principalID: principalID, csrf: csrf, createdAt: now, lastSeen: now)
        }
        return (id, csrf)
    }

    /// The live session behind a cookie value (its last use refreshed), or nil.
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

    private static func dropExpired(_ table: inout [Digest32: Session], now: ContinuousClock.Instant) {
        table = table.filter { now - $0.value.lastSeen < idleTimeout && now - $0.value.createdAt < absoluteTimeout }
    }

    /// 32 random bytes as 64 lower-case hex characters.
    static func randomToken() -> String { Hex.encode(SecureRandom.bytes(32)) }
}
