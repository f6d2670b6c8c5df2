import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// What the Merkle tests check the tree against: a memoised RFC 9162 reference tree written
/// from the RFC's definitions, counting and uniform node sources, and the published vectors.

// MARK: - Helpers

func hex(_ string: String) -> Digest32 {
    guard let digest = Digest32(hex: string) else { fatalError("bad hex digest \(string)") }
    return digest
}

func bytes(hex string: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(string.utf8)[...]
    while chars.count >= 2 {
        out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
        chars = chars.dropFirst(2)
    }
    return out
}

func flipped(_ digest: Digest32) -> Digest32 {
    var copy = digest
    copy.withUnsafeMutableBytes { $0[7] ^= 0x20 }
    return copy
}

/// Cheap distinct leaf hashes (no SHA-256), for big trees.
func syntheticLeaf(_ i: UInt64) -> Digest32 {
    var rng = SplitMix64(state: i)
    var words = (rng.next(), rng.next(), rng.next(), rng.next())
    return withUnsafeBytes(of: &words) { Digest32(loadingFrom: $0.baseAddress!) }
}

func leafHashes(count: Int) -> [Digest32] {
    (0..<count).map { i in
        MerkleHashing.leafHash([UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i), 0x5A])
    }
}

/// RFC 6962 §2.1 written out literally (MTH, PATH, PROOF/SUBPROOF) over a list of leaf
/// hashes. MTH of a range is memoized only so the exhaustive tests run quickly in debug.
final class ReferenceTree {
    let leaves: [Digest32]
    private var memo: [Int: Digest32] = [:]

    init(leaves: [Digest32]) { self.leaves = leaves }

    /// The largest power of two smaller than n (n > 1).
    private func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[lo:hi]).
    func mth(_ lo: Int, _ hi: Int) -> Digest32 {
        let n = hi - lo
        if n == 0 { return MerkleHashing.emptyRoot }
        if n == 1 { return leaves[lo] }
        let key = lo << 32 | hi
        if let cached = memo[key] { return cached }
        let k = split(n)
        let hash = MerkleHashing.nodeHash(mth(lo, lo + k), mth(lo + k, hi))
        memo[key] = hash
        return hash
    }

    /// PATH(m, D[lo:hi]), m relative to lo.
    func path(_ m: Int, _ lo: Int, _ hi: Int) -> [Digest32] {
        let n = hi - lo
        if n == 1 { return [] }
        let k = split(n)
        if m < k {
            return path(m, lo, lo + k) + [mth(lo + k, hi)]
        } else {
            return path(m - k, lo + k, hi) + [mth(lo, lo + k)]
        }
    }

    /// PROOF(m, D[0:n]) for 0 < m < n; the RFC leaves m == n (and m == 0) empty.
    func proof(_ m: Int, _ n: Int) -> [Digest32] {
        if m == 0 || m == n { return [] }
        return subproof(m, 0, n, true)
    }

    private func subproof(_ m: Int, _ lo: Int, _ hi: Int, _ b: Bool) -> [Digest32] {
        let n = hi - lo
        if m == n { return b ? [] : [mth(lo, hi)] }
        let k = split(n)
        if m <= k {
            return subproof(m, lo, lo + k, b) + [mth(lo + k, hi)]
        } else {
            return subproof(m - k, lo + k, hi, false) + [mth(lo, lo + k)]
        }
    }
}

/// Counts lookups and rejects repeated ones, to check proofs read each node once.
final class CountingSource: MerkleNodeSource {
    let base: InMemoryMerkleTree
    var lookups: [(Int, UInt64)] = []
    init(_ base: InMemoryMerkleTree) { self.base = base }
    func node(level: Int, index: UInt64) throws -> Digest32 {
        lookups.append((level, index))
        return try base.node(level: level, index: index)
    }
}

/// A tree of up to 2^64 - 1 identical leaves: node(l, i) = Z_l with Z_{l+1} = H(Z_l, Z_l).
/// Self-consistent at any size, so proofs at huge sizes can be generated and verified.
struct UniformSource: MerkleNodeSource {
    let levels: [Digest32]
    init(leaf: Digest32) {
        var levels = [leaf]
        for _ in 0..<64 { levels.append(MerkleHashing.nodeHash(levels.last!, levels.last!)) }
        self.levels = levels
    }
    func node(level: Int, index: UInt64) throws -> Digest32 {
        guard level >= 0, level < 64 else {
            throw MerkleError.nodeUnavailable(level: level, index: index)
        }
        return levels[level]
    }
}

/// Corrupted variants of a consistency proof / inclusion proof that must all fail.
func corruptions(of proof: [Digest32], filler: Digest32) -> [[Digest32]] {
    var variants: [[Digest32]] = []
    for i in proof.indices {
        var p = proof
        p[i] = flipped(p[i])
        variants.append(p)
        var dropped = proof
        dropped.remove(at: i)
        variants.append(dropped)
    }
    variants.append(proof + [filler])
    variants.append([filler] + proof)
    if proof.count > 1 {
        variants.append(proof.reversed())
    }
    return variants
}

// MARK: - Published vectors

/// The RFC 6962 reference tree used by Certificate Transparency and transparency-dev/merkle
/// (testonly/constants.go): eight leaf inputs and the root after each of them.
let referenceLeafInputs = [
    "", "00", "10", "2021", "3031", "40414243",
    "5051525354555657", "606162636465666768696a6b6c6d6e6f",
]
let referenceRoots = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

func referenceTree(size: Int) -> InMemoryMerkleTree {
    InMemoryMerkleTree(leafHashes: referenceLeafInputs.prefix(size).map { MerkleHashing.leafHash(bytes(hex: $0)) })
}
