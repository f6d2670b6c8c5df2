import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// Every size up to 300 against the reference tree: roots, inclusion and consistency proofs.
extension MerkleTests {
    // MARK: Exhaustive against the RFC reference

    @Test(.tags(.slow)) func exhaustiveRootsAndInclusionProofsUpTo300() throws {
        let maxSize = 300
        let leaves = leafHashes(count: maxSize)
        let reference = ReferenceTree(leaves: leaves)
        let tree = InMemoryMerkleTree(leafHashes: leaves)
        let filler = MerkleHashing.leafHash([UInt8]("filler".utf8))
        for size in 1...maxSize {
            let n = UInt64(size)
            let root = try MerkleTree.root(size: n, nodes: tree)
            #expect(root == reference.mth(0, size), "root \(size)")
            let otherRoots = [size - 1, size + 1].filter { $0 >= 1 && $0 <= maxSize }.map { ($0, reference.mth(0, $0)) }
            for index in 0..<size {
                let m = UInt64(index)
                let proof = try MerkleTree.inclusionProof(index: m, size: n, nodes: tree)
                #expect(proof == reference.path(index, 0, size), "PATH(\(index), \(size))")
                #expect(MerkleTree.rootFromInclusionProof(leafHash: leaves[index], index: m, size: n, proof: proof) == root)
                #expect(MerkleTree.verifyInclusion(leafHash: leaves[index], index: m, size: n, proof: proof, root: root))

                // Corruptions: each node flipped, each dropped, one added, reordered.
                for bad in corruptions(of: proof, filler: filler) {
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: m, size: n, proof: bad, root: root),
                            "corrupt proof accepted: \(index) in \(size)")
                }
                #expect(!MerkleTree.verifyInclusion(leafHash: flipped(leaves[index]), index: m, size: n, proof: proof, root: root))
                #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: m, size: n, proof: proof, root: flipped(root)))
                // Wrong index: neighbours, the mirror image, and out of range.
                for wrong in Set([index - 1, index + 1, size - 1 - index, index ^ 1, index ^ 2]) where wrong != index && wrong >= 0 && wrong < size {
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: UInt64(wrong), size: n, proof: proof, root: root),
                            "wrong index \(wrong) accepted for \(index) in \(size)")
                }
                #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: n, size: n, proof: proof, root: root))
                #expect(MerkleTree.rootFromInclusionProof(leafHash: leaves[index], index: n, size: n, proof: proof) == nil)
                // Wrong size: the neighbouring sizes, each with its own (signed) root.
                // The same root claimed for a tree one level taller: the proof is too short.
                #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: m, size: 2 * n, proof: proof, root: root))
                for (otherSize, otherRoot) in otherRoots where index < otherSize {
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: m, size: UInt64(otherSize), proof: proof, root: otherRoot),
                            "proof for size \(size) accepted at size \(otherSize)")
                }
            }
        }
    }

    @Test(.tags(.slow)) func exhaustiveConsistencyProofsUpTo300() throws {
        let maxSize = 300
        let leaves = leafHashes(count: maxSize)
        let reference = ReferenceTree(leaves: leaves)
        let tree = InMemoryMerkleTree(leafHashes: leaves)
        let roots = (0...maxSize).map { reference.mth(0, $0) }
        let filler = MerkleHashing.leafHash([UInt8]("filler".utf8))
        var rng = SplitMix64(state: 0xC0FFEE)
        var pairs = 0
        for n in 1...maxSize {
            // Every m for n ≤ 150; beyond, the edges, powers of two and their neighbours, and a random sample.
            var olds = Set<Int>()
            if n <= 150 {
                olds = Set(1...n)
            } else {
                olds.formUnion(1...8)
                olds.formUnion((n - 8)...n)
                var p = 1
                while p <= n { olds.formUnion([p - 1, p, p + 1].filter { $0 >= 1 && $0 <= n }); p <<= 1 }
                for _ in 0..<24 { olds.insert(Int.random(in: 1...n, using: &rng)) }
            }
            for m in olds.sorted() {
                pairs += 1
                let (um, un) = (UInt64(m), UInt64(n))
                let proof = try MerkleTree.consistencyProof(from: um, to: un, nodes: tree)
                #expect(proof == reference.proof(m, n), "PROOF(\(m), \(n))")
                #expect(MerkleTree.verifyConsistency(from: um, to: un, fromRoot: roots[m], toRoot: roots[n], proof: proof),
                        "consistency \(m) -> \(n) rejected")
                for bad in corruptions(of: proof, filler: filler) {
                    #expect(!MerkleTree.verifyConsistency(from: um, to: un, fromRoot: roots[m], toRoot: roots[n], proof: bad),
                            "corrupt consistency proof accepted: \(m) -> \(n)")
                }
                #expect(!MerkleTree.verifyConsistency(from: um, to: un, fromRoot: flipped(roots[m]), toRoot: roots[n], proof: proof))
                #expect(!MerkleTree.verifyConsistency(from: um, to: un, fromRoot: roots[m], toRoot: flipped(roots[n]), proof: proof))
                // Wrong sizes, each with the root that size really has.
                for wrongM in [m - 1, m + 1] where wrongM >= 1 && wrongM <= n {
                    #expect(!MerkleTree.verifyConsistency(from: UInt64(wrongM), to: un, fromRoot: roots[wrongM], toRoot: roots[n], proof: proof),
                            "proof \(m) -> \(n) accepted as \(wrongM) -> \(n)")
                }
                for wrongN in [n - 1, n + 1] where wrongN >= m && wrongN <= maxSize && wrongN >= 1 {
                    #expect(!MerkleTree.verifyConsistency(from: um, to: UInt64(wrongN), fromRoot: roots[m], toRoot: roots[wrongN], proof: proof),
                            "proof \(m) -> \(n) accepted as \(m) -> \(wrongN)")
                }
                // Same roots claimed for other sizes. (n + 1 is not checked: a proof for n can
                // be valid for n + 1 as well, because a root does not commit to its size; the
                // signed checkpoint does.) A tree of size 2n has one more level than the proof
                // covers, and the old tree's shape differs for m ± 1.
                #expect(!MerkleTree.verifyConsistency(from: um, to: 2 * un, fromRoot: roots[m], toRoot: roots[n], proof: proof))
                for wrongM in [m - 1, m + 1] where wrongM >= 1 && wrongM < n {
                    #expect(!MerkleTree.verifyConsistency(from: UInt64(wrongM), to: un, fromRoot: roots[m], toRoot: roots[n], proof: proof),
                            "proof \(m) -> \(n) accepted as \(wrongM) -> \(n) with the same roots")
                }
            }
        }
        #expect(pairs > 12_000)
    }

    @Test func consistencyConventions() throws {
        let leaves = leafHashes(count: 20)
        let tree = InMemoryMerkleTree(leafHashes: leaves)
        let empty = MerkleHashing.emptyRoot
        for n in UInt64(0)...20 {
            let root = try MerkleTree.root(size: n, nodes: tree)
            // m == n: empty proof, equal roots.
            #expect(try MerkleTree.consistencyProof(from: n, to: n, nodes: tree).isEmpty)
            #expect(MerkleTree.verifyConsistency(from: n, to: n, fromRoot: root, toRoot: root, proof: []))
            #expect(!MerkleTree.verifyConsistency(from: n, to: n, fromRoot: root, toRoot: flipped(root), proof: []))
            #expect(!MerkleTree.verifyConsistency(from: n, to: n, fromRoot: root, toRoot: root, proof: [root]))
            // m == 0: empty proof, consistent with anything.
            #expect(try MerkleTree.consistencyProof(from: 0, to: n, nodes: tree).isEmpty)
            #expect(MerkleTree.verifyConsistency(from: 0, to: n, fromRoot: empty, toRoot: root, proof: []))
            if n > 0 {
                #expect(!MerkleTree.verifyConsistency(from: 0, to: n, fromRoot: empty, toRoot: root, proof: [root]))
                // m > n is never consistent.
                #expect(!MerkleTree.verifyConsistency(from: n, to: n - 1, fromRoot: root, toRoot: root, proof: []))
                // 0 < m < n needs a proof.
                if n > 1 {
                    #expect(!MerkleTree.verifyConsistency(from: 1, to: n, fromRoot: leaves[0], toRoot: root, proof: []))
                }
            }
        }
    }
}
