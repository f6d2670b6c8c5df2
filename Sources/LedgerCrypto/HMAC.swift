import COpenSSL

public enum HMACSHA256 {
    public static func authenticationCode<K: Collection, D: Collection>(for data: D, key: K) -> Digest32
    where K.Element == UInt8, D.Element == UInt8 {
        let keyBytes = Array(key), dataBytes = Array(data)
        var out = Digest32.zero
        var length: UInt32 = 0
        let result = keyBytes.withUnsafeBytes { k in
            dataBytes.withUnsafeBytes { d in
                out.withUnsafeMutableBytes { o in
                    HMAC(EVP_sha256(), k.baseAddress, Int32(k.count),
                         d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count,
                         o.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC failed")
        return out
    }
}

public enum ConstantTime {
    /// Compares without an early exit, so timing does not reveal where two secrets differ.
    public static func equals<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool where A.Element == UInt8, B.Element == UInt8 {
        let x = Array(a), y = Array(b)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { p in y.withUnsafeBytes { q in CRYPTO_memcmp(p.baseAddress, q.baseAddress, x.count) == 0 } }
    }
}

public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 {
            let ok = out.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) }
            precondition(ok == 1, "RAND_bytes failed")
        }
        return out
    }
}
