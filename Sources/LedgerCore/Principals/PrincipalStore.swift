import CreditRecords
import DurableStorage
import Foundation
import LedgerCrypto
import Synchronization

/// The principals, kept in memory and in `<data>/principals.json` (mode 0600, replaced
/// atomically on every change). Tokens are stored only as SHA-256 hashes, found by that hash
/// (O(1) however many principals there are) and the one found compared in constant time.
/// Revoked principals stay in the file so that their ids, which appear in log entries, are
/// never reused.
public final class PrincipalStore: Sendable {
    public enum CreateError: Error, Equatable {
        case duplicate
    }

    public enum RotateOutcome: Equatable, Sendable {
        case rotated(Principal, token: String)
        case notFound
        case revoked
    }

    public enum RevokeOutcome: Equatable, Sendable {
        case revoked
        case alreadyRevoked
        case notFound
        /// Refused: it is the last active admin, and nobody could create principals again.
        case lastAdmin
    }

    private struct File: Codable {
        var format = 1
        var principals: [Principal]
    }

    private struct State {
        var principals: [Principal]
        var byId: [String: Int]
        /// Token hash → index, for active principals' current tokens (fixed-size keys: no
        /// hex text to build or hash per request).
        var byHash: [Digest32: Int]

        init(principals: [Principal]) {
            self.principals = principals
            byId = [:]
            byHash = [:]
            for (i, p) in principals.enumerated() {
                byId[p.id] = i
                if p.isActive, let digest = Digest32(hex: p.tokenSHA256) { byHash[digest] = i }
            }
        }
    }

    package let path: String
    private let io: StorageIO
    private let state: Mutex<State>

    private init(path: String, principals: [Principal], io: StorageIO) {
        self.path = path
        self.io = io
        state = Mutex(State(principals: principals))
    }

    /// Loads `path`; nil when the file does not exist.
    package static func load(path: String, io: StorageIO = PosixIO()) throws -> PrincipalStore? {
        guard let bytes = try DurableFile.read(path) else { return nil }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: Data(bytes)) } catch {
            throw MalformedFile(path: path, reason: "not a principals file: \(error)")
        }
        guard file.format == 1 else { throw MalformedFile(path: path, reason: "unknown format \(file.format)") }
        return PrincipalStore(path: path, principals: file.principals, io: io)
    }

    /// Makes a new store holding only an admin with `token`.
    package static func create(path: String, adminId: String, token: String, now: String, expiresAt: String?,
                               io: StorageIO = PosixIO()) throws -> PrincipalStore {
        let admin = Principal(id: adminId, role: .admin, authority: nil, institution: nil, publicKey: nil,
                              tokenSHA256: BearerToken.hash(token).hex, createdAt: now, expiresAt: expiresAt)
        try write([admin], to: path, io: io)
        return PrincipalStore(path: path, principals: [admin], io: io)
    }

    /// The active, unexpired principal holding `token`, or nil. The table is keyed by the
    /// token's SHA-256, which says nothing about the token to whoever times the lookup; the
    /// stored hash is then compared with the presented one in constant time all the same.
    public func authenticate(token: some StringProtocol, now: String? = nil) -> Principal? {
        let presented = BearerToken.hash(String(token))
        let now = now ?? Timestamp.now()
        return state.withLock { state in
            guard let index = state.byHash[presented] else { return nil }
            let principal = state.principals[index]
            guard ConstantTime.equals(Array(principal.tokenSHA256.utf8), Array(presented.hex.utf8)), principal.isUsable(at: now) else {
                return nil
            }
            return principal
        }
    }

    /// The active, unexpired principal `id` if `password` is its sign-in password. The scrypt
    /// runs outside the lock, and runs for an unknown id or a principal without a password
    /// too, so the time taken does not tell which ids exist.
    public func authenticate(id: String, password: String, now: String? = nil) -> Principal? {
        let now = now ?? Timestamp.now()
        let found = principal(id: id)
        let stored = found?.passwordHash ?? Self.decoyHash
        let matches = PasswordHash.verify(password, against: stored)
        guard matches, let found, found.passwordHash != nil, found.isUsable(at: now) else { return nil }
        return found
    }

    /// A hash of a random password, verified when there is nothing to verify against.
    private static let decoyHash = PasswordHash.hash(Hex.encode(SecureRandom.bytes(16)))

    public func principal(id: String) -> Principal? {
        state.withLock { state in state.byId[id].map { state.principals[$0] } }
    }

    public var all: [Principal] { state.withLock { $0.principals } }

    /// Up to `limit` principals in creation order after the one with id `after`; nil when
    /// `after` names no principal.
    public func page(after: String?, limit: Int) -> [Principal]? {
        state.withLock { state in
            var start = 0
            if let after {
                guard let index = state.byId[after] else { return nil }
                start = index + 1
            }
            return Array(state.principals[min(start, state.principals.count)..<min(start + limit, state.principals.count)])
        }
    }

    /// Adds a principal with a new token and makes it durable before returning the token.
    package func create(id: String, role: Role, authority: Organization?, institution: Organization?, publicKey: String?,
                now: String, expiresAt: String?, passwordHash: String? = nil) throws -> (Principal, token: String) {
        let token = BearerToken.generate()
        var principal = Principal(id: id, role: role, authority: authority, institution: institution, publicKey: publicKey,
                                  tokenSHA256: BearerToken.hash(token).hex, createdAt: now, expiresAt: expiresAt)
        principal.passwordHash = passwordHash
        try state.withLock { state in
            guard state.byId[id] == nil else { throw CreateError.duplicate }
            state.principals.append(principal)
            do {
                try Self.write(state.principals, to: path, io: io)
            } catch {
                state.principals.removeLast()
                throw error
            }
            state.byId[id] = state.principals.count - 1
            state.byHash[BearerToken.hash(token)] = state.principals.count - 1
        }
        return (principal, token)
    }

    /// What `createMany` adds: a principal without its token.
    package struct NewPrincipal: Sendable {
        package var id: String
        package var role: Role
        package var authority: Organization?
        package var institution: Organization?

        package init(id: String, role: Role, authority: Organization? = nil, institution: Organization? = nil) {
            self.id = id
            self.role = role
            self.authority = authority
            self.institution = institution
        }
    }

    /// Adds many principals with one write of the file (a bulk load: `create` per principal
    /// rewrites the whole file each time, quadratic at 100,000). All or none: a duplicate id
    /// or a failed write adds nothing.
    package func createMany(_ specs: [NewPrincipal], now: String, expiresAt: String?) throws -> [(Principal, token: String)] {
        let created = specs.map { spec in
            let token = BearerToken.generate()
            return (Principal(id: spec.id, role: spec.role, authority: spec.authority, institution: spec.institution, publicKey: nil,
                              tokenSHA256: BearerToken.hash(token).hex, createdAt: now, expiresAt: expiresAt), token: token)
        }
        try state.withLock { state in
            var ids = Set<String>()
            for (principal, _) in created where state.byId[principal.id] != nil || !ids.insert(principal.id).inserted {
                throw CreateError.duplicate
            }
            let start = state.principals.count
            state.principals += created.map(\.0)
            do {
                try Self.write(state.principals, to: path, io: io)
            } catch {
                state.principals.removeLast(created.count)
                throw error
            }
            for (offset, (principal, token)) in created.enumerated() {
                state.byId[principal.id] = start + offset
                state.byHash[BearerToken.hash(token)] = start + offset
            }
        }
        return created
    }

    /// Gives `id` a new token (the old one stops working) that expires at `expiresAt`, and
    /// makes it durable before returning it.
    package func rotate(id: String, now: String, expiresAt: String?) throws -> RotateOutcome {
        let token = BearerToken.generate()
        let digest = BearerToken.hash(token)
        let hash = digest.hex
        return try state.withLock { state in
            guard let index = state.byId[id] else { return .notFound }
            let before = state.principals[index]
            guard before.isActive else { return .revoked }
            var after = before
            after.tokenSHA256 = hash
            after.expiresAt = expiresAt
            after.rotatedAt = now
            state.principals[index] = after
            do {
                try Self.write(state.principals, to: path, io: io)
            } catch {
                state.principals[index] = before
                throw error
            }
            if let old = Digest32(hex: before.tokenSHA256) { state.byHash[old] = nil }
            state.byHash[digest] = index
            return .rotated(after, token: token)
        }
    }

    /// Revokes `id`. The in-memory map changes first, so the token stops working at once even
    /// if writing the file fails (the error is then thrown, and the revocation is retried by
    /// the next change or a repeated DELETE).
    package func revoke(id: String, now: String) throws -> RevokeOutcome {
        try state.withLock { state in
            guard let index = state.byId[id] else { return .notFound }
            let target = state.principals[index]
            guard target.isActive else {
                try Self.write(state.principals, to: path, io: io)
                return .alreadyRevoked
            }
            if target.role == .admin && state.principals.filter({ $0.role == .admin && $0.isActive }).count == 1 {
                return .lastAdmin
            }
            state.principals[index].revokedAt = now
            if let old = Digest32(hex: target.tokenSHA256) { state.byHash[old] = nil }
            try Self.write(state.principals, to: path, io: io)
            return .revoked
        }
    }

    private static func write(_ principals: [Principal], to path: String, io: StorageIO) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(File(principals: principals))) + [0x0A]
        try DurableFile.replace(path, with: bytes, mode: 0o600, io: io)
    }
}

/// One of the server's files does not hold what it should.
public struct MalformedFile: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
