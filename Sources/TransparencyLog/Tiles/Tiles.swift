import LedgerCrypto

/// C2SP tlog-tiles: the tree and the entries as immutable static resources.
///
/// Hash tile N at level L holds, for i in 0..<W, the hash of the complete subtree of height
/// 8·L at index N·256 + i: MTH(D[(N·256+i)·256^L : (N·256+i+1)·256^L]). Entry bundle N
/// holds entries N·256 ..< N·256 + W, each as a big-endian uint16 length and its bytes.
///
/// Existence at a tree size s (the functions below take s explicitly): at level L there are
/// c = floor(s / 256^L) complete nodes. Tiles 0 ..< c/256 exist full; tile c/256 exists
/// partial with width c mod 256 when that is not 0 (the spec: "Empty tiles MUST NOT be
/// served"). Any other width of that tile is not a tile *of this tree* and is refused with
/// `TileError.notFound`. In particular a partial width smaller than what is available is
/// refused here, where Go's `ReadTileData` would serve the prefix: the spec ties a partial
/// tile to the tree size of a checkpoint ("Logs MUST serve partial tiles corresponding to
/// tree sizes for which a checkpoint was produced"), so the caller names that size. The
/// serving entry points on `TransparencyLog` do exactly that (see there).
public enum Tiles {
    public static let width = TilePath.fullWidth
    /// Tree height covered by one tile.
    public static let height = 8

    /// The bytes of hash tile `tile` of the tree of `treeSize` leaves: `width` hashes of 32
    /// bytes, read from `nodes` (which must hold at least that tree).
    public static func hashTile(_ tile: TilePath, treeSize: UInt64, nodes: some MerkleNodeSource) throws -> [UInt8] {
        let (nodeHeight, first) = try hashTileNodes(tile, treeSize: treeSize)
        var out = [UInt8]()
        out.reserveCapacity(tile.width * Digest32.byteCount)
        for i in 0..<UInt64(tile.width) {
            let hash = try nodes.node(level: nodeHeight, index: first + i)
            hash.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Where hash tile `tile` of the tree of `treeSize` lies: the height of its nodes and the
    /// index of the first. Throws as `hashTile` does when the tree has no such tile, so a
    /// storage that keeps tiles as such applies the same rule.
    package static func hashTileNodes(_ tile: TilePath, treeSize: UInt64) throws -> (height: Int, first: UInt64) {
        guard case .hash(let level) = tile.kind else { throw TileError.wrongKind(path: tile.path, expected: "a hash tile") }
        let nodeHeight = height * level
        return (nodeHeight, try firstIndex(of: tile, complete: completeNodes(treeSize: treeSize, height: nodeHeight), treeSize: treeSize))
    }

    /// The bytes of entry bundle `tile` of the tree of `treeSize` entries. `entries(first,
    /// count)` answers `count` consecutive entries from `first`.
    public static func entryBundle(_ tile: TilePath, treeSize: UInt64, entries: (UInt64, Int) throws -> [[UInt8]]) throws -> [UInt8] {
        guard tile.kind == .entries else { throw TileError.wrongKind(path: tile.path, expected: "an entry bundle") }
        let first = try firstIndex(of: tile, complete: treeSize, treeSize: treeSize)
        let bundle = try entries(first, tile.width)
        guard bundle.count == tile.width else {
            throw TileError.badEntries(reason: "asked for \(tile.width) entries from \(first), got \(bundle.count)")
        }
        var out = [UInt8]()
        out.reserveCapacity(bundle.reduce(0) { $0 + 2 + $1.count })
        for (offset, entry) in bundle.enumerated() {
            guard entry.count <= Int(UInt16.max) else {
                throw TileError.badEntries(reason: "entry \(first + UInt64(offset)) is \(entry.count) bytes; a bundle's uint16 length holds at most \(UInt16.max)")
            }
            out.append(UInt8(truncatingIfNeeded: entry.count >> 8))
            out.append(UInt8(truncatingIfNeeded: entry.count))
            out += entry
        }
        return out
    }

    /// Every hash tile of the tree of `treeSize`, level by level from 0 up to the top (the
    /// level whose only tile is partial or, for a size of 256^k, full with a width-1 tile
    /// above it). A mirror holding these can serve every root, proof and tile of that tree.
    /// The list has about treeSize/255 elements.
    public static func tiles(forTreeSize treeSize: UInt64) -> [TilePath] {
        var out: [TilePath] = []
        for level in 0...TilePath.maxLevel {
            let complete = completeNodes(treeSize: treeSize, height: height * level)
            if complete == 0 { break }
            out += layout(complete: complete) { try TilePath.hash(level: level, index: $0, width: $1) }
        }
        return out
    }

    /// Every entry bundle of the tree of `treeSize`.
    public static func entryBundles(forTreeSize treeSize: UInt64) -> [TilePath] {
        layout(complete: treeSize) { try TilePath.entries(index: $0, width: $1) }
    }

    /// The tree size at which `tile` first exists with its width: (N·256 + W)·256^L, or nil
    /// when that does not fit in 64 bits (no such tree can exist).
    public static func smallestTreeSize(containing tile: TilePath) -> UInt64? {
        let (scaled, o1) = tile.index.multipliedReportingOverflow(by: UInt64(width))
        let (count, o2) = scaled.addingReportingOverflow(UInt64(tile.width))
        guard !o1, !o2 else { return nil }
        let shift = height * (tile.level ?? 0)
        guard shift < UInt64.bitWidth, count <= UInt64.max >> UInt64(shift) else { return nil }
        return count << UInt64(shift)
    }

    // MARK: internals

    /// Complete subtrees of `height` in a tree of `treeSize` leaves (0 once height ≥ 64).
    @inline(__always)
    static func completeNodes(treeSize: UInt64, height: Int) -> UInt64 {
        height >= UInt64.bitWidth ? 0 : treeSize >> UInt64(height)
    }

    /// Full tiles then the partial one, for a level with `complete` nodes.
    private static func layout(complete: UInt64, _ make: (UInt64, Int) throws -> TilePath) -> [TilePath] {
        let full = complete / UInt64(width)
        let partial = Int(complete % UInt64(width))
        var out: [TilePath] = []
        out.reserveCapacity(Int(min(full, 1 << 20)) + 1)
        // Levels and widths here are in range by construction, so `make` cannot throw.
        for n in 0..<full { out.append(try! make(n, width)) }
        if partial > 0 { out.append(try! make(full, partial)) }
        return out
    }

    /// Checks that `tile` exists at a level holding `complete` nodes and returns the index
    /// of its first node (N·256, which cannot overflow once N ≤ complete/256).
    private static func firstIndex(of tile: TilePath, complete: UInt64, treeSize: UInt64) throws -> UInt64 {
        let full = complete / UInt64(width)
        let partial = Int(complete % UInt64(width))
        func missing(_ reason: String) -> TileError { .notFound(path: tile.path, treeSize: treeSize, reason: reason) }
        if tile.index < full {
            guard !tile.isPartial else {
                throw missing("tile \(tile.index) is full at this size; ask for it without '.p/\(tile.width)'")
            }
        } else if tile.index == full && partial > 0 {
            guard tile.width == partial else {
                throw missing("tile \(tile.index) is partial with width \(partial) at this size")
            }
        } else {
            throw missing("the level has \(complete) hashes, \(full) full tile\(full == 1 ? "" : "s")\(partial > 0 ? " and one of width \(partial)" : "")")
        }
        return tile.index * UInt64(width)
    }
}

extension TransparencyLog {
    /// Serves hash tile `path` (the `<prefix>/tile/<L>/<N>[.p/<W>]` endpoint) from the
    /// committed tree.
    ///
    /// A full tile is served once it is complete. A partial tile of width W is served when
    /// some committed tree size has exactly W hashes in that tile, i.e. when
    /// (N·256 + W)·256^L ≤ the committed size, and its bytes are those of the tile at that
    /// size. The spec requires serving the partial tiles of every checkpointed size
    /// (clients fetch the width their verified checkpoint implies, which the log may have
    /// outgrown since) and allows dropping them once the full tile exists; tile contents
    /// never change, so we keep serving them. Widths the committed tree has never reached
    /// are `TileError.notFound`.
    public func hashTile(_ path: TilePath) throws -> [UInt8] {
        try driver.hashTile(path, treeSize: servingSize(for: path))
    }

    /// Hash tile `path` of the tree of exactly `treeSize` (≤ the committed size): only the
    /// widths that tree has (see `Tiles.hashTile`).
    public func hashTile(_ path: TilePath, treeSize: UInt64) throws -> [UInt8] {
        let committed = size
        guard treeSize <= committed else { throw LogError.invalidArgument("tree size \(treeSize) is beyond the log's size \(committed)") }
        return try driver.hashTile(path, treeSize: treeSize)
    }

    /// Serves entry bundle `path` (`<prefix>/tile/entries/<N>[.p/<W>]`), with the same
    /// rule for partial bundles as `hashTile(_:)`.
    public func entryBundle(_ path: TilePath) throws -> [UInt8] {
        try entryBundle(path, treeSize: servingSize(for: path))
    }

    /// Entry bundle `path` of the tree of exactly `treeSize` (≤ the committed size).
    public func entryBundle(_ path: TilePath, treeSize: UInt64) throws -> [UInt8] {
        let committed = size
        guard treeSize <= committed else { throw LogError.invalidArgument("tree size \(treeSize) is beyond the log's size \(committed)") }
        return try driver.entryBundle(path, treeSize: treeSize)
    }

    /// The smallest tree size holding `path` at its width, if the committed tree has
    /// reached it; notFound otherwise. The committed size is read once, so a concurrent
    /// append cannot move it between the check and the read.
    private func servingSize(for path: TilePath) throws -> UInt64 {
        let committed = size
        guard let needed = Tiles.smallestTreeSize(containing: path), needed <= committed else {
            throw TileError.notFound(path: path.path, treeSize: committed, reason: "the log has not grown that far")
        }
        return needed
    }
}
