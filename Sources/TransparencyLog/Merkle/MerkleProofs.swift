import LedgerCrypto

/// Bad arguments to a Merkle computation. Proof generation and node lookups throw these;
/// they never trap, because sizes and indices usually come from the network.
public enum MerkleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An inclusion proof asked for a leaf at or beyond the tree size.
    case indexOutOfRange(index: UInt64, size: UInt64)
    /// An inclusion proof asked for a leaf of the empty tree, which has none.
    case emptyTree
    /// A consistency proof asked to go from a larger tree to a smaller one.
    case sizesOutOfOrder(from: UInt64, to: UInt64)
    /// A node source was asked for a node it does not hold (not complete yet, or beyond
    /// the tree).
    case nodeUnavailable(level: Int, index: UInt64)

    public var description: String {
        switch self {
        case let .indexOutOfRange(index, size):
            return "leaf index \(index) is out of range for a tree of size \(size)"
        case .emptyTree:
            return "the empty tree has no leaves to prove"
        case let .sizesOutOfOrder(from, to):
            return "cannot prove consistency from tree size \(from) to the smaller size \(to)"
        case let .nodeUnavailable(level, index):
            return "Merkle node at level \(level), index \(index) is not available (not a complete subtree)"
        }
    }
}

/// Roots, inclusion proofs and consistency proofs of RFC 9162 §2.1 (RFC 6962 §2.1, C2SP
/// merkle-tree), computed from complete subtrees served by a `MerkleNodeSource`, and their
/// verification.
///
/// Every proof node is MTH(D[a:b]) with `a` aligned. A complete range is a single
/// `node(level:index:)` lookup; the one ragged range a proof can hold (the subtree touching
/// the right edge of a tree whose size is not a power of two) is hashed from its binary
/// decomposition, the fewest complete subtrees that cover it. Generation is iterative and
/// allocates only the result array.
public enum MerkleTree {
    // MARK: Generation

    /// MTH(D[0:size]); the empty-tree hash for size 0. Reads one node per set bit of `size`.
    public static func root(size: UInt64, nodes: some MerkleNodeSource) throws -> Digest32 {
        guard size > 0 else { return MerkleHashing.emptyRoot }
        return try rangeHash(start: 0, end: size, nodes: nodes)
    }

    /// PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf up.
    public static func inclusionProof(index: UInt64, size: UInt64, nodes: some MerkleNodeSource) throws -> [Digest32] {
        guard size > 0 else { throw MerkleError.emptyTree }
        guard index < size else { throw MerkleError.indexOutOfRange(index: index, size: size) }
        var proof: [Digest32] = []
        proof.reserveCapacity(heightAboveLevel(0, size: size))
        try appendSiblings(level: 0, index: index, size: size, nodes: nodes, to: &proof)
        return proof
    }

    /// PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1. Empty when m == 0 or m == n.
    ///
    /// Shape (equivalent to the SUBPROOF recursion): let (level, index) be the last complete
    /// subtree of the old tree, the one ending at leaf m. The proof is that node (omitted
    /// when it is the whole old tree, i.e. m is a power of two) followed by its siblings on
    /// the way up to the root of the new tree.
    public static func consistencyProof(from m: UInt64, to n: UInt64, nodes: some MerkleNodeSource) throws -> [Digest32] {
        guard m <= n else { throw MerkleError.sizesOutOfOrder(from: m, to: n) }
        guard m > 0, m < n else { return [] }
        let level = m.trailingZeroBitCount
        let index = (m - 1) &>> UInt64(level)
        var proof: [Digest32] = []
        proof.reserveCapacity(heightAboveLevel(level, size: n) + 1)
        if index != 0 {
            proof.append(try nodes.node(level: level, index: index))
        }
        try appendSiblings(level: level, index: index, size: n, nodes: nodes, to: &proof)
        return proof
    }

    // MARK: Verification

    /// The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or nil when the proof has
    /// the wrong length for (index, size) or index ≥ size.
    public static func rootFromInclusionProof(leafHash: Digest32, index: UInt64, size: UInt64, proof: [Digest32]) -> Digest32? {
        guard index < size else { return nil }
        var fn = index
        var sn = size - 1
        var hash = leafHash
        for sibling in proof {
            // More proof hashes than levels: too long.
            guard sn != 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                hash = MerkleHashing.nodeHash(sibling, hash)
                // Skip the levels where this node has no right sibling (it is promoted).
                while fn & 1 == 0 && fn != 0 {
                    fn &>>= 1
                    sn &>>= 1
                }
            } else {
                hash = MerkleHashing.nodeHash(hash, sibling)
            }
            fn &>>= 1
            sn &>>= 1
        }
        // Fewer proof hashes than levels: too short.
        guard sn == 0 else { return nil }
        return hash
    }

    /// True when `proof` shows the leaf with `leafHash` at `index` in the tree of `size`
    /// leaves whose root is `root` (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(leafHash: Digest32, index: UInt64, size: UInt64, proof: [Digest32], root: Digest32) -> Bool {
        rootFromInclusionProof(leafHash: leafHash, index: index, size: size, proof: proof) == root
    }

    /// True when `proof` shows that the tree of size m with root `fromRoot` is a prefix of
    /// the tree of size n with root `toRoot` (RFC 9162 §2.1.4.2).
    ///
    /// Conventions: m > n is always false; m == n holds iff the proof is empty and the roots
    /// are equal; 0 == m < n holds iff the proof is empty (every tree extends the empty
    /// tree, so `fromRoot` is not consulted).
    public static func verifyConsistency(from m: UInt64, to n: UInt64, fromRoot: Digest32, toRoot: Digest32, proof: [Digest32]) -> Bool {
        if m > n { return false }
        if m == n { return proof.isEmpty && fromRoot == toRoot }
        if m == 0 { return proof.isEmpty }
        if proof.isEmpty { return false }

        var fn = m - 1
        var sn = n - 1
        // When m is a power of two the old root is itself the first node of the path and
        // the proof leaves it out; start from it instead of from proof[0].
        var position = 0
        var fr: Digest32
        if m & (m - 1) == 0 {
            fr = fromRoot
        } else {
            fr = proof[0]
            position = 1
        }
        var sr = fr
        while fn & 1 == 1 {
            fn &>>= 1
            sn &>>= 1
        }
        while position < proof.count {
            guard sn != 0 else { return false }
            let node = proof[position]
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHashing.nodeHash(node, fr)
                sr = MerkleHashing.nodeHash(node, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn &>>= 1
                    sn &>>= 1
                }
            } else {
                sr = MerkleHashing.nodeHash(sr, node)
            }
            fn &>>= 1
            sn &>>= 1
            position += 1
        }
        return sn == 0 && fr == fromRoot && sr == toRoot
    }

    // MARK: Internals

    /// Levels between `level` and the root of a tree of `size` > 0 leaves: an upper bound
    /// on the number of siblings above a node at `level`.
    @inline(__always)
    static func heightAboveLevel(_ level: Int, size: UInt64) -> Int {
        max(0, (UInt64.bitWidth - (size - 1).leadingZeroBitCount) - level)
    }

    /// Appends the RFC 9162 path of the complete node (level, index) in the tree of `size`
    /// leaves: for each level up to the root, the sibling's MTH, skipping levels where the
    /// node sits alone at the right edge (the RFC tree promotes it, no hash).
    @inline(__always)
    static func appendSiblings(level startLevel: Int, index startIndex: UInt64, size: UInt64,
                               nodes: some MerkleNodeSource, to proof: inout [Digest32]) throws {
        var level = startLevel
        var index = startIndex
        // Index of the last node at `level`; it is ragged unless size is a multiple of 2^level.
        var last = (size - 1) &>> UInt64(level)
        while last != 0 {
            // last != 0 implies level < 64, so the shifts below are exact.
            if index & 1 == 1 {
                // A left sibling is always complete: it ends before our own node does.
                proof.append(try nodes.node(level: level, index: index ^ 1))
            } else {
                let sibling = index | 1
                if sibling < size &>> UInt64(level) {
                    proof.append(try nodes.node(level: level, index: sibling))
                } else if sibling == last {
                    // The ragged right edge [sibling·2^level, size).
                    proof.append(try rangeHash(start: sibling &<< UInt64(level), end: size, nodes: nodes))
                }
                // else: no sibling at this level.
            }
            index &>>= 1
            last &>>= 1
            level += 1
        }
    }

    /// MTH(D[start:end]) for start < end, where `start` is a multiple of every power of two
    /// not above end - start (true for 0 and for the start of a ragged right edge). The
    /// range splits into one complete subtree per set bit of end - start, largest first;
    /// they are folded from the right, as MTH's left-balanced split does.
    @inline(__always)
    static func rangeHash(start: UInt64, end: UInt64, nodes: some MerkleNodeSource) throws -> Digest32 {
        var remaining = end - start
        if remaining & (remaining - 1) != 0, let cached = nodes.cachedRangeHash(start: start, end: end) { return cached }
        var right = end
        var level = remaining.trailingZeroBitCount
        right -= UInt64(1) &<< UInt64(level)
        var hash = try nodes.node(level: level, index: right &>> UInt64(level))
        remaining &= remaining - 1
        while remaining != 0 {
            level = remaining.trailingZeroBitCount
            right -= UInt64(1) &<< UInt64(level)
            hash = MerkleHashing.nodeHash(try nodes.node(level: level, index: right &>> UInt64(level)), hash)
            remaining &= remaining - 1
        }
        return hash
    }
}
