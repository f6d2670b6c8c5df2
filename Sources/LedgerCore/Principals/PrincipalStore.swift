import CreditRecords
import DurableStorage
import Foundation
import LedgerCrypto
import Synchronization

/// The principals, kept in memory and in `<data>/principals.json` (mode 0600, replaced
/// atomically on every change). Tokens are stored only as SHA-256 hashes and compared in
/// constant time. Revoked principals stay in the file so that their ids, which appear in
/// log entries, are never reused.
public final class PrincipalStore: Sendable {
    public enum CreateError: Error, Equatable {
        case duplicate
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
    }

    package let path: String
    private let io: StorageIO
    private let state: Mutex<State>

    private init(path: String, principals: [Principal], io: StorageIO) {
        self.path = path
        self.io = io
        var byId = [String: Int]()
        for (i, p) in principals.enumerated() { byId[p.id] = i }
        state = Mutex(State(principals: principals, byId: byId))
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
    package static func create(path: String, adminId: String, token: String, now: String, io: StorageIO = PosixIO()) throws -> PrincipalStore {
        let admin = Principal(id: adminId, role: .admin, authority: nil, institution: nil, publicKey: nil,
                              tokenSHA256: BearerToken.hash(token).hex, createdAt: now)
        try write([admin], to: path, io: io)
        return PrincipalStore(path: path, principals: [admin], io: io)
    }

    /// The active principal holding `token`, or nil. Every active principal's hash is
    /// compared, in constant time, so the time taken says nothing about which one matched.
    public func authenticate(token: some StringProtocol) -> Principal? {
        let presented = BearerToken.hash(String(token)).hex.utf8
        return state.withLock { state in
            var found: Principal?
            for principal in state.principals where principal.isActive {
                if ConstantTime.equals(Array(principal.tokenSHA256.utf8), Array(presented)) && found == nil {
                    found = principal
                }
            }
            return found
        }
    }

    public func principal(id: String) -> Principal? {
        state.withLock { state in state.byId[id].map { state.principals[$0] } }
    }

    public var all: [Principal] { state.withLock { $0.principals } }

    /// Adds a principal with a new token and makes it durable before returning the token.
    package func create(id: String, role: Role, authority: Organization?, institution: Organization?, publicKey: String?,
                now: String) throws -> (Principal, token: String) {
        let token = BearerToken.generate()
        let principal = Principal(id: id, role: role, authority: authority, institution: institution, publicKey: publicKey,
                                  tokenSHA256: BearerToken.hash(token).hex, createdAt: now)
        try state.withLock { state in
            guard state.byId[id] == nil else { throw CreateError.duplicate }
            let next = state.principals + [principal]
            try Self.write(next, to: path, io: io)
            state.principals = next
            state.byId[id] = next.count - 1
        }
        return (principal, token)
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
