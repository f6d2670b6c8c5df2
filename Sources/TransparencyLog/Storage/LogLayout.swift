import Foundation
import LedgerCrypto

/// Where each file of a log lives inside its directory.
///
///     log.json            origin, public key, segment size (written once, at create)
///     signing-key.pem     Ed25519 private key, mode 0600 (only the writer reads it)
///     LOCK                flock(2) by the one writer
///     segments/N.seg      frames: entries and the checkpoints that cover them (the truth)
///     index               u32 LE per entry: frame offset inside its segment      (cache)
///     tree/LL             32-byte hashes of complete subtrees at height LL       (cache)
///     checkpoints.idx     16 bytes per checkpoint: u64 size, u32 segment, u32 offset (cache)
///     cache-state         how far the caches are known durable, and where to resume
///     checkpoint          the latest durable signed checkpoint, for readers
///
/// Caches are derived from the segments: recovery re-derives whatever is past cache-state.
struct LogLayout: Sendable {
    let directory: String

    var config: String { directory + "/log.json" }
    var signingKey: String { directory + "/signing-key.pem" }
    var lock: String { directory + "/LOCK" }
    var segments: String { directory + "/segments" }
    var index: String { directory + "/index" }
    var tree: String { directory + "/tree" }
    var checkpointIndex: String { directory + "/checkpoints.idx" }
    var cacheState: String { directory + "/cache-state" }
    var checkpoint: String { directory + "/checkpoint" }

    func segment(_ number: UInt64) -> String {
        let digits = String(number)
        return segments + "/" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".seg"
    }

    func treeLevel(_ level: Int) -> String {
        tree + "/" + (level < 10 ? "0\(level)" : "\(level)")
    }
}

/// The immutable description of a log, fixed at creation.
public struct LogConfig: Codable, Sendable, Equatable {
    public var format: Int
    public var origin: String
    /// base64 of the raw Ed25519 public key.
    public var publicKey: String
    public var entriesPerSegment: UInt64

    public static let defaultEntriesPerSegment: UInt64 = 1 << 15

    func verifier() throws -> NoteVerifier {
        guard let raw = Base64.decode(publicKey) else { throw LogError.corrupt("log.json: publicKey is not base64") }
        return try NoteVerifier(name: origin, publicKey: Ed25519PublicKey(rawRepresentation: raw))
    }

    static func load(_ layout: LogLayout) throws -> LogConfig {
        guard let data = FileManager.default.contents(atPath: layout.config) else {
            throw LogError.notALog(layout.directory)
        }
        do {
            let config = try JSONDecoder().decode(LogConfig.self, from: data)
            guard config.format == 1 else { throw LogError.corrupt("log.json: unsupported format \(config.format)") }
            guard config.entriesPerSegment > 0, config.entriesPerSegment & (config.entriesPerSegment - 1) == 0 else {
                throw LogError.corrupt("log.json: entriesPerSegment must be a power of two")
            }
            return config
        } catch let error as LogError {
            throw error
        } catch {
            throw LogError.corrupt("log.json: \(error)")
        }
    }
}

/// Stored tree levels: 0, 3, 6 and every level from 8 up. Levels 1, 2, 4, 5 and 7 are
/// recomputed from at most four stored hashes, which keeps the tree under 37 bytes an entry
/// while a proof still needs only a handful of hash computations.
enum TreeLevels {
    static func isStored(_ level: Int) -> Bool { level == 0 || level == 3 || level == 6 || level >= 8 }
    /// The stored level a non-stored level is computed from.
    static func base(of level: Int) -> Int { level < 3 ? 0 : level < 6 ? 3 : 6 }
}
