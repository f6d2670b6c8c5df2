import Foundation
import LedgerCrypto

/// How far the caches (index, tree, checkpoints.idx) are known to be durable, and where in
/// the segments recovery resumes. Written with `StorageIO.replaceFile` (DurableStorage) after the caches
/// were fsync'd; a torn or tampered file fails its checksum and recovery starts from entry 0.
struct CacheState: Codable, Equatable, Sendable {
    var entries: UInt64
    var checkpoints: UInt64
    /// The first byte after the last frame the caches cover.
    var segment: UInt64
    var offset: Int64
    /// chain[entries - 1], base64 (32 zero bytes for an empty log).
    var chain: String

    static let empty = CacheState(entries: 0, checkpoints: 0, segment: 0, offset: Int64(SegmentHeader.size), chain: Digest32.zero.base64)

    var chainHash: Digest32? { Digest32(base64: chain) }

    /// The file holds one JSON line and the hex SHA-256 of that line.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(self)
        return Array(json) + [0x0A] + Array(SHA256.hash(Array(json)).hex.utf8) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) -> CacheState? {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count == 3, lines[2].isEmpty,
              SHA256.hash(Array(lines[0])).hex == String(decoding: lines[1], as: UTF8.self) else { return nil }
        return try? JSONDecoder().decode(CacheState.self, from: Data(lines[0]))
    }

    static func load(_ layout: LogLayout) -> CacheState? {
        guard let data = FileManager.default.contents(atPath: layout.cacheState) else { return nil }
        return decode(Array(data))
    }
}
