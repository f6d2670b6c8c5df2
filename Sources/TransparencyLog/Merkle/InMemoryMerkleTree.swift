import LedgerCrypto

/// A Merkle tree held in memory with every complete node stored: level 0 is the leaf
/// hashes, level l holds node(l, i) = MTH of leaves [i·2^l, (i+1)·2^l) for each complete i.
/// About two hashes per leaf, so it suits tests, small tools and verifiers, not the log.
public struct InMemoryMerkleTree: MerkleNodeSource, Sendable {
    /// levels[l][i] is node(l, i); only complete nodes are stored. Never empty.
    private var levels: [[Digest32]]

    public init() {
        levels = [[]]
    }

    public init(leafHashes: [Digest32]) {
        levels = [leafHashes]
        var level = 0
        while levels[level].count > 1 {
            let below = levels[level]
            var above: [Digest32] = []
            above.reserveCapacity(below.count / 2)
            var i = 1
            while i < below.count {
                above.append(MerkleHashing.nodeHash(below[i - 1], below[i]))
                i += 2
            }
            levels.append(above)
            level += 1
        }
    }

    /// Number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// MTH of all leaves (the empty-tree hash when there are none).
    public var root: Digest32 {
        var remaining = size
        guard remaining > 0 else { return MerkleHashing.emptyRoot }
        // Fold the complete subtrees of the right edge from the right.
        var right = remaining
        var level = remaining.trailingZeroBitCount
        right -= UInt64(1) << UInt64(level)
        var hash = levels[level][Int(right >> UInt64(level))]
        remaining &= remaining - 1
        while remaining != 0 {
            level = remaining.trailingZeroBitCount
            right -= UInt64(1) << UInt64(level)
            hash = MerkleHashing.nodeHash(levels[level][Int(right >> UInt64(level))], hash)
            remaining &= remaining - 1
        }
        return hash
    }

    /// Appends a leaf and stores every node it completes.
    public mutating func append(leafHash: Digest32) {
        levels[0].append(leafHash)
        var level = 0
        // A level whose count just became even has a new complete pair.
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = MerkleHashing.nodeHash(levels[level][count - 2], levels[level][count - 1])
            if level + 1 == levels.count { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    /// The complete node at (level, index); throws `MerkleError.nodeUnavailable` for a node
    /// that is not complete in this tree (or a negative level).
    public func node(level: Int, index: UInt64) throws -> Digest32 {
        guard level >= 0, level < levels.count, index < UInt64(levels[level].count) else {
            throw MerkleError.nodeUnavailable(level: level, index: index)
        }
        return levels[level][Int(index)]
    }
}
