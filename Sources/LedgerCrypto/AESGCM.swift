import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// Why an AEAD or KDF call failed. An open that fails says only that the bytes, the key,
/// the nonce or the associated data are not what was sealed: which one is never known.
public enum AEADError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidKey
    case invalidNonce
    case authenticationFailed
    case failed(String)

    public var description: String {
        switch self {
        case .invalidKey: return "AES-256-GCM needs a 32-byte key"
        case .invalidNonce: return "AES-256-GCM needs a 12-byte nonce"
        case .authenticationFailed: return "AES-256-GCM tag does not verify (wrong key, or damaged or altered bytes)"
        case .failed(let what): return "\(what) failed"
        }
    }
}

/// AES-256-GCM through OpenSSL's EVP interface: a 32-byte key, 12-byte nonces, a 16-byte
/// tag appended to the ciphertext. The vault seals each record's personal part with it.
public enum AESGCM {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// Fetched once: the implicit fetch of EVP_aes_256_gcm() on every call costs more than
    /// decrypting a small record, and export opens hundreds of thousands a second.
    nonisolated(unsafe) static let cipher: OpaquePointer = {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else { fatalError("OpenSSL has no AES-256-GCM") }
        return cipher
    }()

    /// A fresh random nonce. With random nonces one key may seal about 2^32 messages; a data
    /// key seals one subject's records, far fewer.
    public static func randomNonce() -> [UInt8] { SecureRandom.bytes(nonceByteCount) }

    /// Encrypts `plaintext`: the ciphertext followed by the 16-byte tag.
    public static func seal(_ plaintext: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
                            aad: UnsafeRawBufferPointer) throws(AEADError) -> [UInt8] {
        guard key.count == keyByteCount else { throw .invalidKey }
        guard nonce.count == nonceByteCount else { throw .invalidNonce }
        let ctx = ThreadCipher.current()
        var out = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        let ok: Bool = out.withUnsafeMutableBytes { o in
            let dst = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard ctx.begin(encrypting: true, key: bytes(key), nonce: bytes(nonce)) else { return false }
            var n: Int32 = 0
            if aad.count > 0 { guard EVP_EncryptUpdate(ctx.ctx, nil, &n, bytes(aad), Int32(aad.count)) == 1 else { return false } }
            var written = 0
            if plaintext.count > 0 {
                guard EVP_EncryptUpdate(ctx.ctx, dst, &n, bytes(plaintext), Int32(plaintext.count)) == 1 else { return false }
                written = Int(n)
            }
            guard EVP_EncryptFinal_ex(ctx.ctx, dst + written, &n) == 1 else { return false }
            return EVP_CIPHER_CTX_ctrl(ctx.ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), dst + plaintext.count) == 1
        }
        guard ok else { throw .failed("EVP_Encrypt (AES-256-GCM)") }
        return out
    }

    /// Decrypts `sealed` (ciphertext followed by the tag); throws `authenticationFailed`
    /// unless the tag verifies under this key, nonce and associated data. Nothing of an
    /// unverified plaintext is returned.
    public static func open(_ sealed: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
                            aad: UnsafeRawBufferPointer) throws(AEADError) -> [UInt8] {
        try open(sealed, key: key, nonce: nonce, aad: aad, droppingFirst: 0)
    }

    /// `open`, answering the plaintext without its first `prefix` bytes (the tag still covers
    /// them): the vault's records start with a salt no export reader wants, and this saves
    /// copying every opened record a second time to drop it.
    public static func open(_ sealed: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
                            aad: UnsafeRawBufferPointer, droppingFirst prefix: Int) throws(AEADError) -> [UInt8] {
        guard key.count == keyByteCount else { throw .invalidKey }
        guard nonce.count == nonceByteCount else { throw .invalidNonce }
        precondition((0...64).contains(prefix), "AESGCM.open drops at most 64 bytes (its scratch buffer)")
        guard sealed.count >= tagByteCount + prefix else { throw .authenticationFailed }
        let length = sealed.count - tagByteCount
        let ctx = ThreadCipher.current()
        var failure: AEADError?
        let out = [UInt8](unsafeUninitializedCapacity: length - prefix) { o, count in
            count = length - prefix
            let dst = o.baseAddress
            guard ctx.begin(encrypting: false, key: bytes(key), nonce: bytes(nonce)) else { failure = .failed("EVP_DecryptInit_ex2"); return }
            var n: Int32 = 0
            if aad.count > 0 {
                guard EVP_DecryptUpdate(ctx.ctx, nil, &n, bytes(aad), Int32(aad.count)) == 1 else { failure = .failed("EVP_DecryptUpdate"); return }
            }
            // GCM is a stream mode: Update writes as many bytes as it reads, so the prefix
            // goes to a scratch buffer on the stack and the rest straight to `out`.
            var written = 0
            let prefixOK = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { scratch in
                prefix == 0 || EVP_DecryptUpdate(ctx.ctx, scratch.baseAddress, &n, bytes(sealed), Int32(prefix)) == 1
            }
            guard prefixOK else { failure = .failed("EVP_DecryptUpdate"); return }
            if length > prefix {
                guard EVP_DecryptUpdate(ctx.ctx, dst, &n, bytes(sealed).map { $0 + prefix }, Int32(length - prefix)) == 1 else {
                    failure = .failed("EVP_DecryptUpdate"); return
                }
                written = Int(n)
            }
            // The tag is set before Final, which compares it in constant time.
            // SET_TAG only reads the tag (the pointer is not const in the C API).
            let tag = UnsafeMutableRawPointer(mutating: sealed.baseAddress! + length)
            guard EVP_CIPHER_CTX_ctrl(ctx.ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), tag) == 1 else { failure = .failed("EVP_CTRL_GCM_SET_TAG"); return }
            // GCM's Final writes nothing; it still wants a valid pointer.
            var scratch: UInt8 = 0
            let finalOK = withUnsafeMutablePointer(to: &scratch) { s in
                EVP_DecryptFinal_ex(ctx.ctx, written < length - prefix ? dst.map { $0 + written } : s, &n) == 1
            }
            guard finalOK else {
                // Wipe what was decrypted before the tag failed: it must not be reused.
                if length > prefix, let dst { memset(dst, 0, length - prefix) }
                failure = .authenticationFailed
                return
            }
        }
        if let failure { throw failure }
        return out
    }

    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) throws(AEADError) -> [UInt8] {
        try withBuffers(plaintext, key, nonce, aad) { (a, b, c, d) throws(AEADError) in try seal(a, key: b, nonce: c, aad: d) }
    }

    public static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) throws(AEADError) -> [UInt8] {
        try withBuffers(sealed, key, nonce, aad) { (a, b, c, d) throws(AEADError) in try open(a, key: b, nonce: c, aad: d) }
    }

    private static func withBuffers<R>(_ a: [UInt8], _ b: [UInt8], _ c: [UInt8], _ d: [UInt8],
                                       _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(AEADError) -> R) throws(AEADError) -> R {
        let result: Result<R, AEADError> = a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                c.withUnsafeBytes { c in
                    d.withUnsafeBytes { d in
                        do throws(AEADError) { return .success(try body(a, b, c, d)) } catch { return .failure(error) }
                    }
                }
            }
        }
        return try result.get()
    }

    private static func bytes(_ buffer: UnsafeRawBufferPointer) -> UnsafePointer<UInt8>? {
        buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }

}

/// The calling thread's cipher context, made on first use and freed with the thread: a
/// context per call would cost as much as the decryption of a small record. It stays bound
/// to AES-256-GCM: an init that names the cipher again makes OpenSSL 3 reset the context
/// (free and re-make the provider's state) on every call, so after the first one only the
/// key, nonce and direction are given.
final class ThreadCipher {
    let ctx: OpaquePointer
    private var bound = false

    private init() {
        guard let ctx = EVP_CIPHER_CTX_new() else { fatalError("EVP_CIPHER_CTX_new failed") }
        self.ctx = ctx
    }

    deinit { EVP_CIPHER_CTX_free(ctx) }

    /// Starts one message: key and nonce set, direction chosen, the previous message's state
    /// (a tag, a partial block) gone, as EVP_CipherInit_ex2 with a key always leaves it.
    @inline(__always)
    func begin(encrypting: Bool, key: UnsafePointer<UInt8>?, nonce: UnsafePointer<UInt8>?) -> Bool {
        let ok = EVP_CipherInit_ex2(ctx, bound ? nil : AESGCM.cipher, key, nonce, encrypting ? 1 : 0, nil) == 1
        bound = ok
        return ok
    }

    static func current() -> ThreadCipher { perThread.current }

    private static let perThread = PerThread { ThreadCipher() }
}

/// HKDF with SHA-256 (RFC 5869) through OpenSSL's EVP_KDF: extract then expand.
public enum HKDFSHA256 {
    /// `length` bytes (at most 255 × 32) of output keying material.
    public static func derive(key: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws(AEADError) -> [UInt8] {
        guard length > 0, length <= 255 * 32 else { throw .failed("HKDF (length \(length))") }
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { throw .failed("EVP_KDF_fetch(HKDF)") }
        defer { EVP_KDF_free(kdf) }
        guard let ctx = EVP_KDF_CTX_new(kdf) else { throw .failed("EVP_KDF_CTX_new") }
        defer { EVP_KDF_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: length)
        var key = key, salt = salt, info = info
        var digest = Array("SHA256".utf8CString)
        // OSSL_PARAM keeps pointers to its names: a Swift String passed as `const char *`
        // lives only for the call that builds the parameter, so the names are copied out and
        // outlive the derivation.
        let nameStrings: [String] = [OSSL_KDF_PARAM_DIGEST, OSSL_KDF_PARAM_KEY, OSSL_KDF_PARAM_SALT, OSSL_KDF_PARAM_INFO]
        let names = nameStrings.map { strdup($0)! }
        defer { names.forEach { free($0) } }
        let ok = key.withUnsafeMutableBytes { k in
            salt.withUnsafeMutableBytes { s in
                info.withUnsafeMutableBytes { i in
                    digest.withUnsafeMutableBufferPointer { d in
                        var params: [OSSL_PARAM] = [
                            OSSL_PARAM_construct_utf8_string(names[0], d.baseAddress, 0),
                            OSSL_PARAM_construct_octet_string(names[1], k.baseAddress, k.count),
                        ]
                        // An empty salt is omitted: RFC 5869 then uses HashLen zero bytes.
                        if s.count > 0 { params.append(OSSL_PARAM_construct_octet_string(names[2], s.baseAddress, s.count)) }
                        if i.count > 0 { params.append(OSSL_PARAM_construct_octet_string(names[3], i.baseAddress, i.count)) }
                        params.append(OSSL_PARAM_construct_end())
                        return out.withUnsafeMutableBytes { o in
                            EVP_KDF_derive(ctx, o.baseAddress!.assumingMemoryBound(to: UInt8.self), length, &params)
                        }
                    }
                }
            }
        }
        guard ok == 1 else { throw .failed("EVP_KDF_derive(HKDF)") }
        return out
    }
}
