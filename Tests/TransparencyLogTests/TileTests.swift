import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

@Suite struct TileTests {
    // MARK: paths

    /// Vectors from the C2SP spec (1234067 → x001/x234/067), Go's tlog documentation (with
    /// the height element dropped, as C2SP does) and transparency-dev's TestTilePath.
    static let pathVectors: [(TilePath.Kind, UInt64, Int, String)] = [
        (.hash(level: 0), 0, 256, "tile/0/000"),
        (.hash(level: 0), 1, 256, "tile/0/001"),
        (.hash(level: 0), 5, 256, "tile/0/005"),
        (.hash(level: 1), 42, 17, "tile/1/042.p/17"),
        (.hash(level: 0), 1_234_067, 256, "tile/0/x001/x234/067"),
        (.hash(level: 0), 1_234_067, 15, "tile/0/x001/x234/067.p/15"),
        (.hash(level: 0), 3_555_699, 45, "tile/0/x003/x555/699.p/45"),
        (.hash(level: 4), 1_234_067, 1, "tile/4/x001/x234/067.p/1"),
        (.hash(level: 0), 1_234_067, 8, "tile/0/x001/x234/067.p/8"),
        (.hash(level: 2), 999, 255, "tile/2/999.p/255"),
        (.hash(level: 0), 1000, 256, "tile/0/x001/000"),
        (.hash(level: 10), 1_000_000, 256, "tile/10/x001/x000/000"),
        (.hash(level: 63), 7, 256, "tile/63/007"),
        (.hash(level: 0), UInt64.max, 3, "tile/0/x018/x446/x744/x073/x709/x551/615.p/3"),
        (.entries, 0, 256, "tile/entries/000"),
        (.entries, 273, 112, "tile/entries/273.p/112"),
        (.entries, 1_234_067, 1, "tile/entries/x001/x234/067.p/1"),
    ]

    @Test func pathsRenderAndParse() throws {
        for (kind, index, width, text) in Self.pathVectors {
            let tile = try TilePath(kind: kind, index: index, width: width)
            #expect(tile.path == text)
            #expect(try TilePath(parsing: text) == tile, "\(text)")
        }
        let partial = try TilePath(parsing: "tile/1/042.p/17")
        #expect(partial.level == 1 && partial.index == 42 && partial.width == 17 && partial.isPartial)
        let bundle = try TilePath(parsing: "tile/entries/x001/000")
        #expect(bundle.level == nil && bundle.kind == .entries && bundle.index == 1000 && !bundle.isPartial)
    }

    @Test func pathsRoundTripAcrossIndexBoundaries() throws {
        var indices: [UInt64] = [0, 9, 10, 99, 100, 999, 1000, 1001, 999_999, 1_000_000, UInt64.max, UInt64.max - 1]
        for k in 0..<64 { indices += [UInt64(1) << UInt64(k), (UInt64(1) << UInt64(k)) - 1] }
        for power in 1...6 {
            let p = (0..<power).reduce(UInt64(1)) { acc, _ in acc * 1000 }
            indices += [p - 1, p, p + 1]
        }
        for index in indices {
            for width in [1, 99, 255, 256] {
                for kind in [TilePath.Kind.hash(level: 0), .hash(level: 9), .entries] {
                    let tile = try TilePath(kind: kind, index: index, width: width)
                    #expect(try TilePath(parsing: tile.path) == tile, "\(tile.path)")
                }
            }
        }
    }

    @Test func invalidTilesAreRefused() {
        #expect(throws: TileError.self) { try TilePath.hash(level: 64, index: 0) }
        #expect(throws: TileError.self) { try TilePath.hash(level: -1, index: 0) }
        #expect(throws: TileError.self) { try TilePath.hash(level: 0, index: 0, width: 0) }
        #expect(throws: TileError.self) { try TilePath.hash(level: 0, index: 0, width: 257) }
        #expect(throws: TileError.self) { try TilePath.entries(index: 0, width: -3) }
    }

    static let malformedPaths: [String] = [
        // empty, absolute, wrong root, missing parts
        "", "/", "/tile/0/000", "tile", "tile/", "tile/0", "tile/0/", "TILE/0/000", "tiles/0/000",
        "./tile/0/000", "tile\\0\\000", " tile/0/000", "tile/0/000 ", "tile/entries", "tile/entries/",
        // extra or empty elements
        "tile//000", "tile/0//000", "tile/0/000/", "tile/0/000//", "tile/0/x001//000", "tile/0/000.p/8/",
        // dot segments
        "tile/0/../000", "tile/../0/000", "tile/0/./000", "tile/0/000/..", "../tile/0/000", "tile/0/x001/../000",
        // levels
        "tile/00/000", "tile/01/000", "tile/64/000", "tile/99/000", "tile/100/000", "tile/-1/000", "tile/+1/000",
        "tile/a/000", "tile/data/000", "tile/entry/000", "tile/Entries/000", "tile/0x1/000", "tile/1e1/000",
        "tile/18446744073709551616/000",
        // Go sumdb paths carry a height element C2SP does not have
        "tile/8/0/000", "tile/8/data/000",
        // index groups
        "tile/0/0", "tile/0/5", "tile/0/00", "tile/0/0000", "tile/0/1234", "tile/0/x005", "tile/0/x001/x234",
        "tile/0/005/x001", "tile/0/001/002", "tile/0/x000/005", "tile/0/x000/x001/005", "tile/0/xx01/002",
        "tile/0/x1/002", "tile/0/x0001/002", "tile/0/x01/002", "tile/0/00a", "tile/0/0 1", "tile/0/-01",
        "tile/0/X001/000", "tile/0/x001/X000", "tile/0/y001/000", "tile/0/000x", "tile/0/0x0",
        // index overflow: 2^64 and beyond, and more groups than 64 bits need
        "tile/0/x018/x446/x744/x073/x709/x551/616", "tile/0/x999/x999/x999/x999/x999/x999/999",
        "tile/0/x001/x000/x000/x000/x000/x000/x000/000", "tile/0/x100/x000/x000/x000/x000/x000/000",
        // widths
        "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/257", "tile/0/000.p/1000", "tile/0/000.p/08",
        "tile/0/000.p/00", "tile/0/000.p/", "tile/0/000.p", "tile/0/000.p/8/9", "tile/0/000.p/8.p/9",
        "tile/0/.p/8", "tile/0/000.q/8", "tile/0/000.p/x8", "tile/0/000.p/-1", "tile/0/000.p/+8", "tile/0/000.P/8",
        "tile/0/000p/8", "tile/0/000..p/8", "tile/0/000.p.p/8", "tile/entries/000.p/256", "tile/0/x001.p/000",
        "tile/0/000.p/18446744073709551617", "tile/0/000.p/8junk", "tile/0/000.pp/8",
        // junk, escapes, controls, non-ASCII digits
        "tile/0/000?x=1", "tile/0/000#frag", "tile/0/000%2F", "tile/0/%30%30%30", "tile/0/000\n", "tile/0/000\0",
        "tile/0/\u{FF10}\u{FF10}\u{FF10}", "tile/0/\u{0660}\u{0660}\u{0660}", "tile/\u{0660}/000", "tile/0/000\u{200B}",
        "tile/0/000;x", "tile/0/000.json", "tile/0/000/checkpoint",
        String(repeating: "x", count: 10_000), "tile/0/" + String(repeating: "x001/", count: 1000) + "000",
    ]

    @Test func malformedPathsAreRefusedWithAReason() {
        for text in Self.malformedPaths {
            do {
                let tile = try TilePath(parsing: text)
                Issue.record("\(String(reflecting: text)) parsed as \(tile)")
            } catch let error as TileError {
                guard case .malformedPath(_, let reason) = error else {
                    Issue.record("\(String(reflecting: text)): unexpected \(error)")
                    continue
                }
                #expect(!reason.isEmpty)
                #expect(error.description.hasPrefix("malformed tile path"))
                // Hostile input is quoted, escaped and cut short in messages.
                #expect(error.description.count < 300)
                #expect(!error.description.contains("\n"))
            } catch {
                Issue.record("\(String(reflecting: text)): unexpected \(error)")
            }
        }
    }

    /// Random edits of valid paths never crash the parser, and whatever it accepts is the
    /// canonical spelling of what it returns (one path per tile).
    @Test func parserSurvivesMutations() {
        var rng = XorShift(seed: 0x5EED)
        let alphabet = Array("0123456789x/.pentris-+ %\u{0}".utf8)
        var accepted = 0
        for _ in 0..<20_000 {
            let (_, _, _, seed) = Self.pathVectors[Int(rng.next() % UInt64(Self.pathVectors.count))]
            var bytes = Array(seed.utf8)
            for _ in 0...(rng.next() % 3) {
                let at = Int(rng.next() % UInt64(bytes.count + 1))
                switch rng.next() % 3 {
                case 0: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at < bytes.count { bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let tile = try? TilePath(parsing: text) {
                accepted += 1
                #expect(tile.path == text, "accepted the non-canonical \(String(reflecting: text))")
            }
        }
        #expect(accepted > 0)
    }

    // MARK: tile sets

    @Test func tileSetsForSmallSizes() throws {
        #expect(Tiles.tiles(forTreeSize: 0).isEmpty)
        #expect(Tiles.entryBundles(forTreeSize: 0).isEmpty)
        #expect(Tiles.tiles(forTreeSize: 1).map(\.path) == ["tile/0/000.p/1"])
        #expect(Tiles.tiles(forTreeSize: 255).map(\.path) == ["tile/0/000.p/255"])
        // The spec: "a tree of size 256 will be represented by a full level 0 tile and a
        // partial level 1 tile of width 1".
        #expect(Tiles.tiles(forTreeSize: 256).map(\.path) == ["tile/0/000", "tile/1/000.p/1"])
        #expect(Tiles.tiles(forTreeSize: 257).map(\.path) == ["tile/0/000", "tile/0/001.p/1", "tile/1/000.p/1"])
        let big = Tiles.tiles(forTreeSize: 65536)
        #expect(big.count == 256 + 1 + 1)
        #expect(big.suffix(2).map(\.path) == ["tile/1/000", "tile/2/000.p/1"])
        #expect(Tiles.entryBundles(forTreeSize: 513).map(\.path) == ["tile/entries/000", "tile/entries/001", "tile/entries/002.p/1"])
        // Sizes near 2^64: the levels stop at 7 and nothing overflows.
        let top = Tiles.tiles(forTreeSize: UInt64.max >> 40)
        #expect(top.last?.level == 2)
        #expect(Tiles.smallestTreeSize(containing: try .hash(level: 0, index: UInt64.max)) == nil)
        #expect(Tiles.smallestTreeSize(containing: try .hash(level: 7, index: 1)) == nil)
        #expect(Tiles.smallestTreeSize(containing: try .hash(level: 63, index: 0, width: 1)) == nil)
        #expect(Tiles.smallestTreeSize(containing: try .hash(level: 1, index: 2, width: 3)) == (2 * 256 + 3) * 256)
    }

    // MARK: a real log of 70,000 entries

    static let entryCount = 70_000

    /// Small entries of 0…39 bytes, so the log builds quickly.
    static func entry(_ i: Int) -> [UInt8] { testEntry(i, size: i % 40) }

    @Test(.tags(.slow)) func seventyThousandEntries() async throws {
        let dir = TemporaryDirectory()
        try TransparencyLog.create(directory: dir.path, origin: "tiles.example/log", signingKey: testSigningKey)
        let log = try TransparencyLog.open(directory: dir.path)
        let entries = (0..<Self.entryCount).map(Self.entry)
        // An early checkpoint in the middle of tile 1, kept to fetch its partial tiles later.
        _ = try await log.append(contentsOf: Array(entries[0..<300]))
        var start = 300
        while start < entries.count {
            let end = min(entries.count, start + 10_000)
            _ = try await log.append(contentsOf: Array(entries[start..<end]))
            start = end
        }
        #expect(log.size == UInt64(Self.entryCount))
        let size = log.size

        // The spec's example, exactly.
        let tiles = Tiles.tiles(forTreeSize: size)
        var expected = (0..<273).map { try! TilePath.hash(level: 0, index: UInt64($0)) }
        expected += [try .hash(level: 0, index: 273, width: 112), try .hash(level: 1, index: 0),
                     try .hash(level: 1, index: 1, width: 17), try .hash(level: 2, index: 0, width: 1)]
        #expect(tiles == expected)
        #expect(Tiles.entryBundles(forTreeSize: size).count == 274)

        // Fetch every tile through the serving API, as a mirror would.
        var data: [TilePath: [UInt8]] = [:]
        for tile in tiles {
            let bytes = try log.hashTile(tile)
            #expect(bytes.count == tile.width * 32)
            #expect(try Tiles.hashTile(tile, treeSize: size, nodes: log.tree()) == bytes)
            data[tile] = bytes
        }

        // Independent reference: leaf hashes and a naive recursive MTH over them.
        let leaves = entries.map { SHA256.hash([0x00] + $0) }
        for tile in tiles {
            let level = tile.level!
            let span = 1 << (8 * level)
            let bytes = data[tile]!
            for i in 0..<tile.width {
                let first = (Int(tile.index) * 256 + i) * span
                let want = level == 0 ? leaves[first] : naiveMTH(leaves[first..<first + span])
                if Array(bytes[i * 32..<(i + 1) * 32]) != want.bytes {
                    Issue.record("\(tile.path) hash \(i) differs from MTH(D[\(first):\(first + span)])")
                }
            }
        }

        // Level 1 tile 0 hash i is the MTH of level 0 tile i's 256 hashes (the tile's own
        // subtree of height 8), and so on up: full tiles authenticate against their parents.
        for tile in tiles where !tile.isPartial {
            let level = tile.level!
            let parent = tiles.first { $0.level == level + 1 && $0.index == tile.index / 256 }!
            let slot = Int(tile.index % 256)
            let inParent = Array(data[parent]![slot * 32..<(slot + 1) * 32])
            #expect(tileHash(data[tile]![...]).bytes == inParent, "\(tile.path) against \(parent.path)")
        }

        // A client verifies the tiles against the signed root by folding them.
        let checkpointRoot = log.latestCheckpoint.checkpoint.rootHash
        #expect(log.latestCheckpoint.checkpoint.size == size)
        #expect(try rootFromTiles(size: size) { data[$0] } == checkpointRoot)
        #expect(naiveMTH(leaves[...]) == checkpointRoot)
        // A corrupted tile no longer matches.
        var bad = data
        bad[try .hash(level: 0, index: 273, width: 112)]![40] ^= 1
        #expect(try rootFromTiles(size: size) { bad[$0] } != checkpointRoot)

        // Entry bundles parse back into exactly what was appended.
        var decoded: [[UInt8]] = []
        for bundle in Tiles.entryBundles(forTreeSize: size) {
            let parsed = try parseBundle(try log.entryBundle(bundle))
            #expect(parsed.count == bundle.width)
            #expect(parsed.map { SHA256.hash([0x00] + $0) } == Array(leaves[Int(bundle.index) * 256..<Int(bundle.index) * 256 + bundle.width]))
            decoded += parsed
        }
        #expect(decoded == entries)

        // What the tree does not have is notFound, never a crash.
        let missing: [TilePath] = [
            try .hash(level: 0, index: 274), try .hash(level: 0, index: 273), try .hash(level: 0, index: 273, width: 113),
            try .hash(level: 0, index: 273, width: 255), try .hash(level: 0, index: 274, width: 1),
            try .hash(level: 1, index: 1), try .hash(level: 1, index: 1, width: 18), try .hash(level: 1, index: 2, width: 1),
            try .hash(level: 2, index: 0), try .hash(level: 2, index: 0, width: 2), try .hash(level: 2, index: 1, width: 1),
            try .hash(level: 3, index: 0, width: 1), try .hash(level: 7, index: 0), try .hash(level: 63, index: 0, width: 1),
            try .hash(level: 0, index: UInt64.max), try .hash(level: 0, index: UInt64.max / 256, width: 255),
        ]
        for tile in missing {
            expectNotFound(tile.path) { try log.hashTile(tile) }
            expectNotFound(tile.path) { try Tiles.hashTile(tile, treeSize: size, nodes: log.tree()) }
        }
        for bundle: TilePath in [try .entries(index: 274), try .entries(index: 273), try .entries(index: 273, width: 113),
                                 try .entries(index: UInt64.max), try .entries(index: 300, width: 1)] {
            expectNotFound(bundle.path) { try log.entryBundle(bundle) }
        }

        // At one tree size only that size's widths exist: smaller partial widths and
        // partial spellings of full tiles are not tiles of the tree of 70,000.
        for tile: TilePath in [try .hash(level: 0, index: 273, width: 50), try .hash(level: 0, index: 5, width: 10),
                               try .hash(level: 1, index: 0, width: 1), try .hash(level: 1, index: 1, width: 16)] {
            expectNotFound(tile.path) { try Tiles.hashTile(tile, treeSize: size, nodes: log.tree()) }
            expectNotFound(tile.path) { try log.hashTile(tile, treeSize: size) }
        }
        expectNotFound("entries/273.p/50") { try log.entryBundle(try .entries(index: 273, width: 50), treeSize: size) }

        // ...but the log keeps serving the partial tiles of earlier sizes (a client holding
        // the checkpoint of size 300 asks for tile/0/001.p/44), and they are prefixes.
        let old = try TilePath.hash(level: 0, index: 1, width: 44)
        #expect(try log.hashTile(old) == Array(data[try .hash(level: 0, index: 1)]!.prefix(44 * 32)))
        #expect(try log.hashTile(old, treeSize: 300) == log.hashTile(old))
        let shrunk = try TilePath.hash(level: 0, index: 273, width: 50)
        #expect(try log.hashTile(shrunk) == Array(data[try .hash(level: 0, index: 273, width: 112)]!.prefix(50 * 32)))
        let oldBundle = try log.entryBundle(try .entries(index: 1, width: 44))
        #expect(try parseBundle(oldBundle) == Array(entries[256..<300]))
        #expect(try rootFromTiles(size: 300) { try log.hashTile($0) } == log.rootHash(size: 300))

        // Asking for the wrong kind is an error too.
        #expect(throws: TileError.self) { try Tiles.hashTile(try .entries(index: 0), treeSize: size, nodes: log.tree()) }
        #expect(throws: TileError.self) { try Tiles.entryBundle(try .hash(level: 0, index: 0), treeSize: size) { _, _ in [] } }
        try await log.close()
    }

    @Test func entryBundleChecksItsSource() throws {
        let tile = try TilePath.entries(index: 0, width: 3)
        let bundle = try Tiles.entryBundle(tile, treeSize: 3) { first, count in
            (0..<count).map { [UInt8](repeating: UInt8(first) + UInt8($0), count: $0 * 300) }
        }
        #expect(bundle.prefix(2) == [0, 0] && bundle[2...3] == [0x01, 0x2C])
        #expect(try parseBundle(bundle).map(\.count) == [0, 300, 600])
        #expect(throws: TileError.self) {
            try Tiles.entryBundle(tile, treeSize: 3) { _, _ in [[1]] }
        }
        #expect(throws: TileError.self) {
            try Tiles.entryBundle(tile, treeSize: 3) { _, _ in [[], [], [UInt8](repeating: 0, count: 65_536)] }
        }
        let largest = try Tiles.entryBundle(try .entries(index: 0, width: 1), treeSize: 1) { _, _ in [[UInt8](repeating: 9, count: 65_535)] }
        #expect(largest.prefix(2) == [0xFF, 0xFF] && largest.count == 65_537)
    }

    // MARK: helpers

    private func expectNotFound<T>(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
        do {
            _ = try body()
            Issue.record("\(what) was served", sourceLocation: sourceLocation)
        } catch let error as TileError {
            guard case .notFound = error else {
                Issue.record("\(what): \(error)", sourceLocation: sourceLocation)
                return
            }
        } catch {
            Issue.record("\(what): \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// RFC 9162 MTH, written out naively and hashed without MerkleHashing.
private func naiveMTH(_ leaves: ArraySlice<Digest32>) -> Digest32 {
    if leaves.count == 1 { return leaves.first! }
    var k = 1
    while k * 2 < leaves.count { k *= 2 }
    let split = leaves.startIndex + k
    return SHA256.hash([0x01] + naiveMTH(leaves[..<split]).bytes + naiveMTH(leaves[split...]).bytes)
}

/// The hash of the subtree whose leaves are the 2^k hashes in `data` (a tile or part of one).
private func tileHash(_ data: ArraySlice<UInt8>) -> Digest32 {
    if data.count == 32 { return Digest32(bytes: data)! }
    let half = data.startIndex + data.count / 2
    return SHA256.hash([0x01] + tileHash(data[..<half]).bytes + tileHash(data[half...]).bytes)
}

/// The root of the tree of `size` from its tiles, as a tlog client computes it: one
/// complete subtree per set bit of `size` (largest first), each hashed from the tile that
/// holds its hashes at the nearest tile level below, then folded from the right.
private func rootFromTiles(size: UInt64, fetch: (TilePath) throws -> [UInt8]?) throws -> Digest32 {
    var subtrees: [Digest32] = []
    var start: UInt64 = 0
    for height in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(height)) != 0 {
        let level = height / 8
        let below = UInt64(1) << UInt64(8 * level)
        let first = start / below                    // first hash at tile level
        let count = 1 << (height - 8 * level)       // hashes under this subtree
        let n = first / 256
        let available = size / below - n * 256       // hashes of tile n at this size
        let width = Int(min(available, 256))
        guard let bytes = try fetch(try .hash(level: level, index: n, width: width)) else {
            throw TileError.notFound(path: "tile", treeSize: size, reason: "missing")
        }
        let offset = Int(first % 256) * 32
        subtrees.append(tileHash(bytes[offset..<offset + count * 32]))
        start += UInt64(1) << UInt64(height)
    }
    guard var root = subtrees.popLast() else { return MerkleHashing.emptyRoot }
    while let left = subtrees.popLast() { root = SHA256.hash([0x01] + left.bytes + root.bytes) }
    return root
}

/// Splits an entry bundle into its uint16-length-prefixed entries.
private func parseBundle(_ bytes: [UInt8]) throws -> [[UInt8]] {
    var out: [[UInt8]] = []
    var at = 0
    while at < bytes.count {
        guard at + 2 <= bytes.count else { throw TileError.badEntries(reason: "truncated length") }
        let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
        guard at + 2 + length <= bytes.count else { throw TileError.badEntries(reason: "truncated entry") }
        out.append(Array(bytes[at + 2..<at + 2 + length]))
        at += 2 + length
    }
    return out
}

private struct XorShift {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
