import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

@Suite("MerkleTests")
struct MerkleTests {
    @Test func hashingRulesAndPublishedRoots() throws {
        #expect(MerkleHashing.emptyRoot == hex(referenceRoots[0]))
        #expect(MerkleHashing.leafHash([UInt8]()) == hex(referenceRoots[1]))
        var tree = InMemoryMerkleTree()
        var frontier = MerkleFrontier()
        #expect(tree.root == hex(referenceRoots[0]))
        for (i, input) in referenceLeafInputs.enumerated() {
            let leaf = MerkleHashing.leafHash(bytes(hex: input))
            tree.append(leafHash: leaf)
            frontier.append(leafHash: leaf)
            #expect(tree.root == hex(referenceRoots[i + 1]), "size \(i + 1)")
            #expect(frontier.root() == hex(referenceRoots[i + 1]), "size \(i + 1)")
        }
        let full = referenceTree(size: 8)
        for size in 0...8 {
            #expect(try MerkleTree.root(size: UInt64(size), nodes: full) == hex(referenceRoots[size]), "size \(size)")
        }
    }

    /// Inclusion and consistency vectors for the reference tree published with
    /// transparency-dev/merkle (generated from the C++ CT reference implementation).
    @Test func publishedProofVectors() throws {
        let tree = referenceTree(size: 8)
        let inclusion: [(index: UInt64, size: UInt64, proof: [String])] = [
            (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
            (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
            (0, 1, []),
        ]
        for vector in inclusion {
            let proof = try MerkleTree.inclusionProof(index: vector.index, size: vector.size, nodes: tree)
            #expect(proof == vector.proof.map(hex), "inclusion \(vector.index) in \(vector.size)")
            let leaf = try tree.node(level: 0, index: vector.index)
            #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: vector.index, size: vector.size,
                                               proof: proof, root: hex(referenceRoots[Int(vector.size)])))
        }
        let consistency: [(m: UInt64, n: UInt64, proof: [String])] = [
            (1, 1, []),
            (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
            (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        ]
        for vector in consistency {
            let proof = try MerkleTree.consistencyProof(from: vector.m, to: vector.n, nodes: tree)
            #expect(proof == vector.proof.map(hex), "consistency \(vector.m) -> \(vector.n)")
            #expect(MerkleTree.verifyConsistency(from: vector.m, to: vector.n,
                                                 fromRoot: hex(referenceRoots[Int(vector.m)]),
                                                 toRoot: hex(referenceRoots[Int(vector.n)]), proof: proof))
        }
    }

    /// The 7-leaf example of the C2SP merkle-tree document (the RFC 9162 §2.1.5 tree),
    /// built from the first seven reference leaf inputs, with its labels:
    ///   a..g = leaves d[0]..d[6], h = H(a,b), i = H(c,d), j = H(e,f), k = H(h,i),
    ///   l = H(j,g), root = H(k,l).
    @Test func c2spSevenLeafExample() throws {
        let tree = referenceTree(size: 7)
        let leaf = try (0..<7).map { try tree.node(level: 0, index: UInt64($0)) }
        let (a, b, c, d, e, f, g) = (leaf[0], leaf[1], leaf[2], leaf[3], leaf[4], leaf[5], leaf[6])
        let h = MerkleHashing.nodeHash(a, b)
        let i = MerkleHashing.nodeHash(c, d)
        let j = MerkleHashing.nodeHash(e, f)
        let k = MerkleHashing.nodeHash(h, i)
        let l = MerkleHashing.nodeHash(j, g)
        let root = MerkleHashing.nodeHash(k, l)
        #expect(root == hex(referenceRoots[7]))
        #expect(tree.root == root)
        #expect(try MerkleTree.root(size: 7, nodes: tree) == root)

        let inclusion: [(UInt64, [Digest32])] = [(0, [b, i, l]), (3, [c, h, l]), (4, [f, g, k]), (6, [j, k])]
        for (index, expected) in inclusion {
            let proof = try MerkleTree.inclusionProof(index: index, size: 7, nodes: tree)
            #expect(proof == expected, "inclusion of d[\(index)]")
            #expect(MerkleTree.verifyInclusion(leafHash: leaf[Int(index)], index: index, size: 7, proof: proof, root: root))
        }

        let big = referenceTree(size: 8)
        let consistency: [(UInt64, [Digest32])] = [(3, [c, d, h, l]), (4, [l]), (6, [j, g, k])]
        for (m, expected) in consistency {
            // Generated both from the 7-leaf tree and from a larger tree that holds it.
            let proof = try MerkleTree.consistencyProof(from: m, to: 7, nodes: tree)
            #expect(proof == expected, "consistency \(m) -> 7")
            #expect(try MerkleTree.consistencyProof(from: m, to: 7, nodes: big) == expected)
            #expect(MerkleTree.verifyConsistency(from: m, to: 7, fromRoot: hex(referenceRoots[Int(m)]),
                                                 toRoot: root, proof: proof))
        }
    }

    // MARK: Large trees

    @Test(.tags(.slow)) func largeTreeRandomProofsVerify() throws {
        let count = 1 << 21 // 2,097,152 leaves, built once
        var tree = InMemoryMerkleTree(leafHashes: (0..<UInt64(count - 3)).map(syntheticLeaf))
        for i in UInt64(count - 3)..<UInt64(count) { tree.append(leafHash: syntheticLeaf(i)) }
        #expect(tree.size == UInt64(count))

        // Roots at sizes sampled along the way, from one streaming pass of the frontier.
        var rng = SplitMix64(state: 42)
        var checkpoints = Set<UInt64>((0..<400).map { _ in UInt64.random(in: 1...UInt64(count), using: &rng) })
        checkpoints.formUnion([1, 2, 3, UInt64(count / 2), UInt64(count / 2 + 1), UInt64(count - 1), UInt64(count), 1_000_000, 1_048_575, 1_048_577])
        var roots: [UInt64: Digest32] = [:]
        var frontier = MerkleFrontier()
        for i in 0..<UInt64(count) {
            frontier.append(leafHash: try tree.node(level: 0, index: i))
            if checkpoints.contains(frontier.size) {
                roots[frontier.size] = frontier.root()
            }
        }
        #expect(frontier.root() == tree.root)
        for (size, root) in roots {
            #expect(try MerkleTree.root(size: size, nodes: tree) == root, "root at \(size)")
        }

        let sizes = Array(roots.keys).sorted()
        for _ in 0..<2_000 {
            let n = sizes.randomElement(using: &rng)!
            let index = UInt64.random(in: 0..<n, using: &rng)
            let proof = try MerkleTree.inclusionProof(index: index, size: n, nodes: tree)
            let leaf = try tree.node(level: 0, index: index)
            #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: index, size: n, proof: proof, root: roots[n]!),
                    "inclusion \(index) in \(n)")
            let wrong = index == 0 ? 1 : index - 1
            if wrong < n {
                #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: wrong, size: n, proof: proof, root: roots[n]!))
            }
        }
        for _ in 0..<1_000 {
            var m = sizes.randomElement(using: &rng)!
            var n = sizes.randomElement(using: &rng)!
            if m > n { swap(&m, &n) }
            let proof = try MerkleTree.consistencyProof(from: m, to: n, nodes: tree)
            #expect(MerkleTree.verifyConsistency(from: m, to: n, fromRoot: roots[m]!, toRoot: roots[n]!, proof: proof),
                    "consistency \(m) -> \(n)")
            if m < n, !proof.isEmpty {
                var bad = proof
                let at = Int.random(in: 0..<bad.count, using: &rng)
                bad[at] = flipped(bad[at])
                #expect(!MerkleTree.verifyConsistency(from: m, to: n, fromRoot: roots[m]!, toRoot: roots[n]!, proof: bad))
            }
        }
    }

    @Test func frontierAgreesWithTree() throws {
        let count = 20_000
        let leaves = (0..<UInt64(count)).map(syntheticLeaf)
        let tree = InMemoryMerkleTree(leafHashes: leaves)
        var built = InMemoryMerkleTree()
        var frontier = MerkleFrontier()
        var withHasher = MerkleFrontier()
        let hasher = SHA256Hasher()
        #expect(frontier.root() == MerkleHashing.emptyRoot)
        #expect(try MerkleFrontier(size: 0, nodes: tree) == frontier)
        for (i, leaf) in leaves.enumerated() {
            // Every node the frontier reports completed is the tree's node.
            var reported: [(Int, UInt64, Digest32)] = []
            frontier.append(leafHash: leaf) { reported.append(($0, $1, $2)) }
            built.append(leafHash: leaf)
            // The exporter's append with a reused hasher keeps the same frontier.
            withHasher.append(leafHash: leaf, using: hasher)
            #expect(withHasher == frontier)
            #expect(reported.count == (i + 1).trailingZeroBitCount + 1)
            for (level, index, hash) in reported {
                #expect(try tree.node(level: level, index: index) == hash, "completed node (\(level), \(index))")
            }
            let size = UInt64(i + 1)
            if size <= 1_100 || size % 97 == 0 || size & (size - 1) == 0 || i == count - 1 {
                let root = try MerkleTree.root(size: size, nodes: tree)
                #expect(frontier.root() == root, "frontier root at \(size)")
                #expect(built.root == root)
                #expect(try MerkleFrontier(size: size, nodes: tree) == frontier, "rebuilt frontier at \(size)")
                #expect(frontier.hashes.count == size.nonzeroBitCount)
            }
        }
        // Building by appends and building at once give the same nodes.
        #expect(built.size == tree.size)
        for level in 0..<15 {
            for index in stride(from: UInt64(0), to: UInt64(count >> level), by: 7) {
                #expect(try built.node(level: level, index: index) == tree.node(level: level, index: index))
            }
        }
    }

    /// Sizes near 2^64 must not overflow anywhere (shifts, range ends).
    @Test func hugeSizesDoNotOverflow() throws {
        let source = UniformSource(leaf: MerkleHashing.leafHash([UInt8]("same".utf8)))
        let leaf = source.levels[0]
        let sizes: [UInt64] = [UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) + 1, (1 << 63) - 1, 0xDEAD_BEEF_F00D_CAFE]
        for n in sizes {
            let root = try MerkleTree.root(size: n, nodes: source)
            for index in [0, 1, n / 2, n - 2, n - 1] {
                let proof = try MerkleTree.inclusionProof(index: index, size: n, nodes: source)
                #expect(proof.count <= 64)
                #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: index, size: n, proof: proof, root: root), "\(index) in \(n)")
            }
            for m in [1, 2, 3, n / 3, n - 1, n] {
                let proof = try MerkleTree.consistencyProof(from: m, to: n, nodes: source)
                let oldRoot = try MerkleTree.root(size: m, nodes: source)
                #expect(MerkleTree.verifyConsistency(from: m, to: n, fromRoot: oldRoot, toRoot: root, proof: proof), "\(m) -> \(n)")
            }
        }
        #expect(MerkleTree.rootFromInclusionProof(leafHash: leaf, index: UInt64.max, size: UInt64.max, proof: []) == nil)
        // An absurdly long proof is rejected without reading far.
        let long = Array(repeating: leaf, count: 10_000)
        #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: 0, size: UInt64.max, proof: long, root: leaf))
        #expect(!MerkleTree.verifyConsistency(from: 1, to: UInt64.max, fromRoot: leaf, toRoot: leaf, proof: long))
    }

    // MARK: Lookups and errors

    /// Complete proof nodes are one lookup each; the ragged edge is read as its binary
    /// decomposition; nothing is read twice.
    @Test func proofsReadTheFewestNodes() throws {
        let tree = InMemoryMerkleTree(leafHashes: leafHashes(count: 200))
        for n in UInt64(1)...200 {
            let source = CountingSource(tree)
            _ = try MerkleTree.root(size: n, nodes: source)
            #expect(source.lookups.count == n.nonzeroBitCount)
            for index in 0..<n {
                let source = CountingSource(tree)
                let proof = try MerkleTree.inclusionProof(index: index, size: n, nodes: source)
                let distinct = Set(source.lookups.map { "\($0.0)/\($0.1)" })
                #expect(distinct.count == source.lookups.count, "repeated lookup for \(index) in \(n)")
                // Complete nodes cost one lookup each; the single possible ragged node costs one
                // per set bit of its length, which is n mod 2^level, so at most popcount(n).
                #expect(source.lookups.count <= proof.count - 1 + n.nonzeroBitCount || source.lookups.count == proof.count)
                if n & (n - 1) == 0 { #expect(source.lookups.count == proof.count) }
            }
            for m in 1...n {
                let source = CountingSource(tree)
                let proof = try MerkleTree.consistencyProof(from: m, to: n, nodes: source)
                let distinct = Set(source.lookups.map { "\($0.0)/\($0.1)" })
                #expect(distinct.count == source.lookups.count, "repeated lookup for \(m) -> \(n)")
                #expect(source.lookups.count <= proof.count - 1 + n.nonzeroBitCount || source.lookups.count == proof.count)
            }
        }
    }

    @Test func badArgumentsThrow() throws {
        let tree = InMemoryMerkleTree(leafHashes: leafHashes(count: 10))
        #expect(throws: MerkleError.emptyTree) { try MerkleTree.inclusionProof(index: 0, size: 0, nodes: tree) }
        #expect(throws: MerkleError.indexOutOfRange(index: 10, size: 10)) { try MerkleTree.inclusionProof(index: 10, size: 10, nodes: tree) }
        #expect(throws: MerkleError.indexOutOfRange(index: .max, size: 3)) { try MerkleTree.inclusionProof(index: .max, size: 3, nodes: tree) }
        #expect(throws: MerkleError.sizesOutOfOrder(from: 6, to: 5)) { try MerkleTree.consistencyProof(from: 6, to: 5, nodes: tree) }
        #expect(throws: MerkleError.sizesOutOfOrder(from: 1, to: 0)) { try MerkleTree.consistencyProof(from: 1, to: 0, nodes: tree) }
        // Asking for more than the source holds surfaces the source's error.
        #expect(throws: MerkleError.self) { try MerkleTree.root(size: 11, nodes: tree) }
        #expect(throws: MerkleError.self) { try MerkleTree.inclusionProof(index: 3, size: 16, nodes: tree) }
        #expect(throws: MerkleError.self) { try MerkleTree.consistencyProof(from: 3, to: 12, nodes: tree) }
        #expect(throws: MerkleError.nodeUnavailable(level: 1, index: 5)) { try tree.node(level: 1, index: 5) }
        #expect(throws: MerkleError.nodeUnavailable(level: 4, index: 0)) { try tree.node(level: 4, index: 0) }
        #expect(throws: MerkleError.nodeUnavailable(level: -1, index: 0)) { try tree.node(level: -1, index: 0) }
        #expect(throws: MerkleError.nodeUnavailable(level: 0, index: .max)) { try tree.node(level: 0, index: .max) }
        #expect(throws: MerkleError.self) { try MerkleFrontier(size: 11, nodes: tree) }
        #expect(!MerkleError.indexOutOfRange(index: 10, size: 10).description.isEmpty)

        // Verifiers answer false, never trap.
        let leaf = try tree.node(level: 0, index: 0)
        #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: 0, size: 0, proof: [], root: MerkleHashing.emptyRoot))
        #expect(MerkleTree.rootFromInclusionProof(leafHash: leaf, index: 0, size: 0, proof: []) == nil)
        #expect(MerkleTree.rootFromInclusionProof(leafHash: leaf, index: 5, size: 3, proof: [leaf, leaf]) == nil)
        #expect(MerkleTree.rootFromInclusionProof(leafHash: leaf, index: 0, size: 1, proof: []) == leaf)
        #expect(!MerkleTree.verifyConsistency(from: 5, to: 3, fromRoot: leaf, toRoot: leaf, proof: [leaf]))
        #expect(!MerkleTree.verifyConsistency(from: .max, to: 0, fromRoot: leaf, toRoot: leaf, proof: []))
    }
}
