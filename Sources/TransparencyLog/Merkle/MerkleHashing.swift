import LedgerCrypto

/// The hashing rules of RFC 6962 / RFC 9162 §2.1.1 (C2SP merkle-tree).
public enum MerkleHashing {
    /// MTH({}) = SHA-256("").
    public static let emptyRoot: Digest32 = SHA256.hash([UInt8]())

    /// SHA-256(0x00 ‖ entry).
    public static func leafHash(_ entry: UnsafeRawBufferPointer, using hasher: SHA256Hasher) -> Digest32 {
        hasher.update(byte: 0x00)
        hasher.update(entry)
        return hasher.finalize()
    }

    public static func leafHash<C: Collection>(_ entry: C) -> Digest32 where C.Element == UInt8 {
        let bytes = [UInt8(0)] + Array(entry)
        return SHA256.hash(bytes)
    }

    /// SHA-256(0x01 ‖ left ‖ right), hashed from a stack buffer: this runs for every node.
    @inline(__always)
    public static func nodeHash(_ left: Digest32, _ right: Digest32) -> Digest32 {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
            let base = buffer.baseAddress!
            base.storeBytes(of: UInt8(0x01), as: UInt8.self)
            left.store(to: base + 1)
            right.store(to: base + 33)
            return SHA256.hash(UnsafeRawBufferPointer(buffer))
        }
    }

    /// The same with a caller's reusable hasher: a one-shot digest sets up and frees an
    /// OpenSSL context per call, which is most of the cost of a 65-byte message.
    @inline(__always)
    public static func nodeHash(_ left: Digest32, _ right: Digest32, using hasher: SHA256Hasher) -> Digest32 {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
            let base = buffer.baseAddress!
            base.storeBytes(of: UInt8(0x01), as: UInt8.self)
            left.store(to: base + 1)
            right.store(to: base + 33)
            hasher.update(UnsafeRawBufferPointer(buffer))
            return hasher.finalize()
        }
    }

    /// chain[i] = SHA-256(chain[i-1] ‖ leafHash[i]), chain[-1] = 32 zero bytes (docs/log-format.md "Frames").
    @inline(__always)
    public static func chainHash(previous: Digest32, leafHash: Digest32) -> Digest32 {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { buffer in
            let base = buffer.baseAddress!
            previous.store(to: base)
            leafHash.store(to: base + 32)
            return SHA256.hash(UnsafeRawBufferPointer(buffer))
        }
    }
}

/// Anything that can answer the hash of a complete (perfect) subtree: the node at `level`
/// (height; leaves are level 0) and `index`, covering leaves [index·2^level, (index+1)·2^level).
/// Proof and root computations are written against this, so the on-disk store, an
/// in-memory tree and the naive test reference are interchangeable.
public protocol MerkleNodeSource {
    func node(level: Int, index: UInt64) throws -> Digest32
    /// MTH(D[start:end]) of a ragged right edge, if the source keeps it ready; nil means
    /// "compute it from complete nodes". A log answers many proofs at its latest size, whose
    /// right edge is the same for all of them.
    func cachedRangeHash(start: UInt64, end: UInt64) -> Digest32?
}

extension MerkleNodeSource {
    public func cachedRangeHash(start: UInt64, end: UInt64) -> Digest32? { nil }
}
