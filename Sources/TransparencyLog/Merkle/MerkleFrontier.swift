import LedgerCrypto

/// The right edge of a growing tree (a "compact range" starting at 0): one hash per set bit
/// of `size`. Appending a leaf merges completed subtrees and reports every node that becomes
/// complete, so a writer or a streaming verifier learns each perfect node exactly once.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64 = 0
    /// Roots of the perfect subtrees that make up [0, size), from the highest level down.
    public private(set) var hashes: [Digest32] = []

    public init() {}

    /// Rebuilds the frontier for `size` from complete nodes.
    public init(size: UInt64, nodes: some MerkleNodeSource) throws {
        self.size = size
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            hashes.append(try nodes.node(level: level, index: start >> UInt64(level)))
            start += UInt64(1) << UInt64(level)
        }
    }

    /// Appends a leaf.
    ///
    /// A separate overload rather than a defaulted `completed` argument: a defaulted
    /// closure argument of a `rethrows` function counts as throwing, so every plain
    /// `append(leafHash:)` call needed a `try`.
    @inline(__always)
    public mutating func append(leafHash: Digest32) {
        append(leafHash: leafHash) { _, _, _ in }
    }

    /// Appends a leaf, hashing with the caller's `hasher` (a streaming verifier appends
    /// millions of leaves).
    public mutating func append(leafHash: Digest32, using hasher: SHA256Hasher) {
        var hash = leafHash
        var bits = size
        while bits & 1 == 1 {
            hash = MerkleHashing.nodeHash(hashes.removeLast(), hash, using: hasher)
            bits >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    /// Appends a leaf. `completed(level, index, hash)` is called for the leaf (level 0) and
    /// for every interior node the append completes, lowest level first.
    @inline(__always)
    public mutating func append(leafHash: Digest32, completed: (Int, UInt64, Digest32) throws -> Void) rethrows {
        var hash = leafHash
        var index = size
        var level = 0
        try completed(0, index, hash)
        // Each trailing one bit of the old size is a left sibling waiting for this subtree.
        var bits = size
        while bits & 1 == 1 {
            hash = MerkleHashing.nodeHash(hashes.removeLast(), hash)
            index >>= 1
            level += 1
            try completed(level, index, hash)
            bits >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    /// MTH of [0, size): fold the perfect subtrees from the right.
    public func root() -> Digest32 {
        guard var hash = hashes.last else { return MerkleHashing.emptyRoot }
        for left in hashes.dropLast().reversed() {
            hash = MerkleHashing.nodeHash(left, hash)
        }
        return hash
    }
}
