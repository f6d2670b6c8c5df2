import COpenSSL

public enum CryptoError: Error, Equatable, CustomStringConvertible {
    case invalidKey(String)
    case signingFailed

    public var description: String {
        switch self {
        case .invalidKey(let why): return "invalid key: \(why)"
        case .signingFailed: return "Ed25519 signing failed"
        }
    }
}

/// An OpenSSL key handle. Keys are immutable once made, and OpenSSL 3 allows concurrent
/// sign/verify on one EVP_PKEY, each operation with its own EVP_MD_CTX.
final class PKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }
}

public struct Ed25519PrivateKey: Sendable {
    let handle: PKeyHandle
    /// The 32-byte seed (RFC 8032 private key).
    public let rawRepresentation: [UInt8]
    public let publicKey: Ed25519PublicKey

    public init() {
        try! self.init(rawRepresentation: SecureRandom.bytes(32))
    }

    public init<C: Collection>(rawRepresentation seed: C) throws where C.Element == UInt8 {
        let bytes = Array(seed)
        guard bytes.count == 32 else { throw CryptoError.invalidKey("an Ed25519 private key is 32 bytes, got \(bytes.count)") }
        guard let key = bytes.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            throw CryptoError.invalidKey("OpenSSL refused the Ed25519 private key")
        }
        handle = PKeyHandle(key)
        rawRepresentation = bytes
        var pub = [UInt8](repeating: 0, count: 32)
        var len = 32
        guard EVP_PKEY_get_raw_public_key(key, &pub, &len) == 1, len == 32 else {
            throw CryptoError.invalidKey("cannot derive the public key")
        }
        publicKey = try Ed25519PublicKey(rawRepresentation: pub)
    }

    /// PKCS#8 PEM ("BEGIN PRIVATE KEY"), as `openssl genpkey -algorithm ed25519` writes it.
    public init(pemRepresentation pem: String) throws {
        let key = try PEM.read(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else { throw CryptoError.invalidKey("not an Ed25519 key") }
        var seed = [UInt8](repeating: 0, count: 32)
        var len = 32
        guard EVP_PKEY_get_raw_private_key(key, &seed, &len) == 1, len == 32 else { throw CryptoError.invalidKey("cannot read the private key") }
        try self.init(rawRepresentation: seed)
    }

    public var pemRepresentation: String {
        PEM.write { bio in PEM_write_bio_PrivateKey(bio, handle.pointer, nil, nil, 0, nil, nil) }
    }

    /// The 64-byte signature of `message` (RFC 8032, pure Ed25519).
    public func signature<C: Collection>(for message: C) throws -> [UInt8] where C.Element == UInt8 {
        let data = Array(message)
        guard let ctx = EVP_MD_CTX_new() else { throw CryptoError.signingFailed }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, nil, nil, handle.pointer) == 1 else { throw CryptoError.signingFailed }
        var sig = [UInt8](repeating: 0, count: 64)
        var sigLen = 64
        let ok = data.withUnsafeBufferPointer { EVP_DigestSign(ctx, &sig, &sigLen, $0.baseAddress, $0.count) }
        guard ok == 1, sigLen == 64 else { throw CryptoError.signingFailed }
        return sig
    }
}

public struct Ed25519PublicKey: Sendable, Hashable {
    let handle: PKeyHandle
    public let rawRepresentation: [UInt8]

    public init<C: Collection>(rawRepresentation raw: C) throws where C.Element == UInt8 {
        let bytes = Array(raw)
        guard bytes.count == 32 else { throw CryptoError.invalidKey("an Ed25519 public key is 32 bytes, got \(bytes.count)") }
        guard let key = bytes.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            throw CryptoError.invalidKey("OpenSSL refused the Ed25519 public key")
        }
        handle = PKeyHandle(key)
        rawRepresentation = bytes
    }

    /// SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY").
    public init(pemRepresentation pem: String) throws {
        let key = try PEM.read(pem) { bio in PEM_read_bio_PUBKEY(bio, nil, nil, nil) }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else { throw CryptoError.invalidKey("not an Ed25519 key") }
        var raw = [UInt8](repeating: 0, count: 32)
        var len = 32
        guard EVP_PKEY_get_raw_public_key(key, &raw, &len) == 1, len == 32 else { throw CryptoError.invalidKey("cannot read the public key") }
        try self.init(rawRepresentation: raw)
    }

    public var pemRepresentation: String {
        PEM.write { bio in PEM_write_bio_PUBKEY(bio, handle.pointer) }
    }

    public func isValidSignature<S: Collection, M: Collection>(_ signature: S, for message: M) -> Bool
    where S.Element == UInt8, M.Element == UInt8 {
        let sig = Array(signature), data = Array(message)
        guard sig.count == 64, let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, handle.pointer) == 1 else { return false }
        let ok = sig.withUnsafeBufferPointer { s in
            data.withUnsafeBufferPointer { d in EVP_DigestVerify(ctx, s.baseAddress, 64, d.baseAddress, d.count) }
        }
        ERR_clear_error()
        return ok == 1
    }

    public static func == (a: Self, b: Self) -> Bool { a.rawRepresentation == b.rawRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

enum PEM {
    static func read(_ pem: String, _ reader: (OpaquePointer) -> OpaquePointer?) throws -> OpaquePointer {
        let bytes = Array(pem.utf8)
        guard let bio = bytes.withUnsafeBufferPointer({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw CryptoError.invalidKey("out of memory")
        }
        defer { BIO_free(bio) }
        guard let key = reader(bio) else {
            ERR_clear_error()
            throw CryptoError.invalidKey("not a PEM key OpenSSL can read")
        }
        return key
    }

    static func write(_ writer: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { fatalError("BIO_new failed") }
        defer { BIO_free(bio) }
        precondition(writer(bio) == 1, "PEM write failed")
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard length > 0, let base = pointer else { return "" }
        return base.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
