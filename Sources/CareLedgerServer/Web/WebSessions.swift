import LedgerCore
import LedgerCrypto
import Synchronization

/// Signed-in browsers (docs/web.md "Sign-in and sessions"). A session is a random 256-bit id
/// in an HttpOnly, SameSite=Strict cookie, bound to one owner and carrying its own CSRF token.
/// Sessions live in memory: a restart signs everyone out, which is the safe failure. Only the
/// SHA-256 of an id is kept, so a memory dump does not hand out live cookies.
///
/// Two tables use it: principals' sessions (`WebSessions`) and the person checked at /me
/// (`SubjectSessions`, another cookie with a shorter life that opens only that person's page).
final class SessionTable<Owner: Sendable>: Sendable {
    struct Session: Sendable {
        let owner: Owner
        let csrf: String
        let createdAt: ContinuousClock.Instant
        var lastSeen: ContinuousClock.Instant
    }

    /// Signed out after this long without a request…
    let idleTimeout: Duration
    /// …and after this long in any case (a shared office computer).
    let absoluteTimeout: Duration
    /// Oldest sessions are dropped beyond this, so sign-ins cannot exhaust memory.
    let maxSessions: Int

    private let sessions = Mutex<[Digest32: Session]>([:])
    /// The time (tests move it by hand, so expiry is tested without sleeping).
    private let now: @Sendable () -> ContinuousClock.Instant

    init(idleTimeout: Duration, absoluteTimeout: Duration, maxSessions: Int,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.maxSessions = maxSessions
        self.now = now
    }

    /// A new session for `owner`: the cookie value and the session's CSRF token.
    func create(_ owner: Owner) -> (id: String, csrf: String) {
        let id = randomToken(), csrf = randomToken()
        let now = now()
        sessions.withLock { table in
            if table.count >= maxSessions {
                table = table.filter { isLive($0.value, now: now) }
                if table.count >= maxSessions, let oldest = table.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
                    table[oldest] = nil
                }
            }
            table[SHA256.hash(id)] = Session(owner: owner, csrf: csrf, createdAt: now, lastSeen: now)
        }
        return (id, csrf)
    }

    /// The live session behind a cookie value (its last use refreshed), or nil.
    func session(id: String) -> Session? {
        guard id.utf8.count == 64 else { return nil }
        let key = SHA256.hash(id), now = now()
        return sessions.withLock { table in
            guard var session = table[key] else { return nil }
            guard isLive(session, now: now) else {
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

    private func isLive(_ session: Session, now: ContinuousClock.Instant) -> Bool {
        now - session.lastSeen < idleTimeout && now - session.createdAt < absoluteTimeout
    }
}

/// Principals' sessions, by principal id: 30 minutes idle, 8 hours at most.
typealias WebSessions = SessionTable<String>
/// The person checked, signed in at /me with a one-time code: 15 minutes idle, 1 hour at most.
typealias SubjectSessions = SessionTable<SubjectIdentity>

extension SessionTable<String> {
    static func principals() -> WebSessions {
        WebSessions(idleTimeout: .seconds(30 * 60), absoluteTimeout: .seconds(8 * 3600), maxSessions: 20_000)
    }
}

extension SessionTable<SubjectIdentity> {
    static func subjects() -> SubjectSessions {
        SubjectSessions(idleTimeout: .seconds(15 * 60), absoluteTimeout: .seconds(60 * 60), maxSessions: 5_000)
    }
}

/// 32 random bytes as 64 lower-case hex characters: session ids, CSRF tokens, default keys.
func randomToken() -> String { Hex.encode(SecureRandom.bytes(32)) }
