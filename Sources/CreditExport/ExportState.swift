import DurableStorage
import Foundation
import LedgerCrypto
import TransparencyLog

/// The exporter's durable state, one JSON file (`cursor.json`) beside the batches, replaced
/// atomically (temp, fsync, rename, fsync the directory) — so the cursor, the checkpoint it
/// was verified against, the Merkle frontier and the per-seq marks always move together.
public struct ExportState: Sendable, Equatable {
    public static let fileName = "cursor.json"

    /// The log this state belongs to (a different origin or key is refused).
    public var origin: String
    public var vkey: String
    /// The first seq not yet in a batch; batches so far cover [0, next).
    public var next: UInt64
    /// The signed checkpoint (size == next) the last batch was verified against.
    public var checkpoint: String?
    /// The compact range of the tree [0, next): extending it with the next batch's leaves
    /// must give the next checkpoint's root, which proves both the new entries and the
    /// log's consistency with everything exported before.
    public var frontier: MerkleFrontier
    public var marks: SeqMarks
    /// Push mode: batches covering [0, pushedThrough) were acknowledged by the target.
    public var pushedThrough: UInt64
    /// The optional kinds every batch of this spool maps; fixed by the first batch (stored as
    /// `includedKinds`, absent when none, so a default cursor is what it was before).
    public var mapping: MappingOptions
    /// The target profile of every batch of this spool; nil = csv-2.0 (and then absent from
    /// the file, so a cursor made before profiles reads as csv-2.0 and is written unchanged).
    public var profile: ProfileIdentity?

    public struct ProfileIdentity: Sendable, Equatable {
        public let name: String
        /// SHA-256 of the profile's bytes: an edited profile file is another profile.
        public let sha256: String

        init?(_ profile: ExportProfile) {
            guard !profile.isLegacy else { return nil }
            (name, sha256) = (profile.name, profile.sha256)
        }

        init(name: String, sha256: String) { (self.name, self.sha256) = (name, sha256) }

        /// What a complete batch on disk was made with (its verified `profile.json`).
        init?(manifest: Manifest) {
            guard let name = manifest.profile else { return nil }
            self.init(name: name, sha256: manifest.files.first { $0.name == ProfileFiles.profile }?.sha256 ?? "")
        }
    }

    public init(origin: String, vkey: String) {
        self.origin = origin
        self.vkey = vkey
        next = 0
        checkpoint = nil
        frontier = MerkleFrontier()
        marks = SeqMarks()
        pushedThrough = 0
        mapping = MappingOptions()
    }

    private struct Stored: Codable {
        var format: Int
        var origin: String
        var vkey: String
        var next: UInt64
        var checkpoint: String?
        var frontier: [String]
        var marks: String
        var pushedThrough: UInt64
        var includedKinds: [String]?
        var profile: String?
        var profileSHA256: String?
    }

    public static func load(directory: String) throws -> ExportState? {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: data) } catch { throw ExportError.state("\(path) is unreadable: \(error)") }
        guard stored.format == 1 else { throw ExportError.state("\(path) has format \(stored.format), this exporter reads 1") }
        let hashes = try stored.frontier.map { text -> Digest32 in
            guard let d = Digest32(base64: text) else { throw ExportError.state("\(path): a frontier hash is not base64 of 32 bytes") }
            return d
        }
        guard let markBytes = Base64.decode(stored.marks), let marks = SeqMarks(count: stored.next, bytes: markBytes) else {
            throw ExportError.state("\(path): the marks do not cover [0, \(stored.next))")
        }
        let frontier: MerkleFrontier
        do { frontier = try MerkleFrontier(size: stored.next, nodes: FrontierNodes(size: stored.next, hashes: hashes)) } catch {
            throw ExportError.state("\(path): the frontier does not fit size \(stored.next)")
        }
        var state = ExportState(origin: stored.origin, vkey: stored.vkey)
        state.next = stored.next
        state.checkpoint = stored.checkpoint
        state.frontier = frontier
        state.marks = marks
        state.pushedThrough = stored.pushedThrough
        guard let mapping = MappingOptions(names: stored.includedKinds ?? []) else {
            throw ExportError.state("\(path): includedKinds \(stored.includedKinds ?? []) names a kind that cannot be included")
        }
        state.mapping = mapping
        if let name = stored.profile, let sha = stored.profileSHA256 { state.profile = ProfileIdentity(name: name, sha256: sha) }
        return state
    }

    /// Through `io` (default the real disk); a failure at any step leaves the previous file.
    public func save(directory: String, stepHook: ExportStepHook? = nil, io: StorageIO = PosixIO()) throws {
        let stored = Stored(format: 1, origin: origin, vkey: vkey, next: next, checkpoint: checkpoint,
                            frontier: frontier.hashes.map(\.base64), marks: Base64.encode(marks.bytes), pushedThrough: pushedThrough,
                            includedKinds: mapping.included.isEmpty ? nil : mapping.names,
                            profile: profile?.name, profileSHA256: profile?.sha256)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        stepHook?("before-cursor")
        let bytes = Array(try encoder.encode(stored)) + [0x0A]
        try ExportError.reportingStorage { try io.replaceFile(directory + "/" + Self.fileName, with: bytes) }
        stepHook?("after-cursor")
    }
}

/// The stored frontier hashes as a node source, so `MerkleFrontier(size:nodes:)` rebuilds it.
private struct FrontierNodes: MerkleNodeSource {
    let size: UInt64
    let hashes: [Digest32]

    func node(level: Int, index: UInt64) throws -> Digest32 {
        var start: UInt64 = 0
        var i = 0
        for l in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(l)) != 0 {
            if l == level && start >> UInt64(l) == index, i < hashes.count { return hashes[i] }
            start += UInt64(1) << UInt64(l)
            i += 1
        }
        throw ExportError.state("no frontier node at level \(level), index \(index)")
    }
}
