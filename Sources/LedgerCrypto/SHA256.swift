import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 through OpenSSL's EVP interface.
public enum SHA256 {
    /// Fetched once: an implicit fetch on every call costs more than hashing a Merkle node.
    nonisolated(unsafe) static let md: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("OpenSSL has no SHA256") }
        return md
    }()

    public static func hash(_ data: UnsafeRawBufferPointer) -> Digest32 {
        // EVP_Digest makes and frees a context per call, which costs more than hashing a
        // 65-byte Merkle node; each thread keeps one context instead.
        let ctx = threadContext()
        precondition(EVP_DigestInit_ex2(ctx, md, nil) == 1, "EVP_DigestInit_ex2 failed")
        if data.count > 0 { precondition(EVP_DigestUpdate(ctx, data.baseAddress, data.count) == 1, "EVP_DigestUpdate failed") }
        var out = Digest32.zero
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBytes { dst in
            EVP_DigestFinal_ex(ctx, dst.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
        }
        precondition(ok == 1 && length == 32, "EVP_DigestFinal_ex failed")
        return out
    }

    /// The calling thread's digest context, made on first use and freed with the thread.
    private static func threadContext() -> OpaquePointer {
        if let ctx = pthread_getspecific(contextKey) { return OpaquePointer(ctx) }
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed") }
        pthread_setspecific(contextKey, UnsafeRawPointer(ctx))
        return ctx
    }

    private static let contextKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key) { ctx in EVP_MD_CTX_free(OpaquePointer(ctx)) } == 0, "pthread_key_create failed")
        return key
    }()

    public static func hash<C: Collection>(_ bytes: C) -> Digest32 where C.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    public static func hash(_ text: String) -> Digest32 { hash(Array(text.utf8)) }
}

/// Incremental SHA-256. Reusable after `finalize()` (it resets), so a hot loop keeps one and
/// allocates nothing per message. Not thread-safe: one owner at a time.
public final class SHA256Hasher {
    private let ctx: OpaquePointer

    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed") }
        self.ctx = ctx
        reset()
    }

    deinit { EVP_MD_CTX_free(ctx) }

    public func reset() {
        precondition(EVP_DigestInit_ex2(ctx, SHA256.md, nil) == 1, "EVP_DigestInit_ex2 failed")
    }

    public func update(_ data: UnsafeRawBufferPointer) {
        guard data.count > 0 else { return }
        precondition(EVP_DigestUpdate(ctx, data.baseAddress, data.count) == 1, "EVP_DigestUpdate failed")
    }

    public func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    public func update(_ digest: Digest32) {
        digest.withUnsafeBytes { update($0) }
    }

    public func update(byte: UInt8) {
        var b = byte
        withUnsafeBytes(of: &b) { update($0) }
    }

    /// Returns the digest of everything since the last reset and starts a new message.
    public func finalize() -> Digest32 {
        var out = Digest32.zero
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBytes { dst in
            EVP_DigestFinal_ex(ctx, dst.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
        }
        precondition(ok == 1 && length == 32, "EVP_DigestFinal_ex failed")
        reset()
        return out
    }
}
