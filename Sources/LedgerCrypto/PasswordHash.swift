import COpenSSL

/// Password hashes for web sign-in (docs/web.md "Passwords"): scrypt (RFC 7914) through
/// OpenSSL's KDF API, stored as `scrypt$N$r$p$<salt base64>$<hash base64>`.
///
/// N = 2^15, r = 8, p = 1 is the RFC's and OWASP's interactive setting: 32 MiB and tens of
/// milliseconds per attempt here, which makes an offline guess costly while a sign-in stays
/// quick; failed sign-ins are rate-limited per address besides. The parameters travel with
/// each hash, so raising them later leaves old hashes verifiable.
public enum PasswordHash {
    public static let defaultCost = Cost(n: 1 << 15, r: 8, p: 1)
    public static let saltByteCount = 16
    public static let hashByteCount = 32

    public struct Cost: Sendable, Equatable {
        public let n: UInt64
        public let r: UInt32
        public let p: UInt32

        public init(n: UInt64, r: UInt32, p: UInt32) {
            (self.n, self.r, self.p) = (n, r, p)
        }

        /// N a power of two above 1 and the memory (128·N·r) within 1 GiB: a stored hash that
        /// asks for more is refused rather than allowed to exhaust the service.
        var isAcceptable: Bool {
            n > 1 && n & (n - 1) == 0 && r > 0 && p > 0 && p <= 16 && r <= 64 && 128 * n * UInt64(r) <= 1 << 30
        }
    }

    /// A new stored hash of `password` with a random salt.
    public static func hash(_ password: String, cost: Cost = defaultCost) -> String {
        let salt = SecureRandom.bytes(saltByteCount)
        guard let derived = scrypt(password: Array(password.utf8), salt: salt, cost: cost, length: hashByteCount) else {
            preconditionFailure("OpenSSL's SCRYPT KDF failed with acceptable parameters")
        }
        return "scrypt$\(cost.n)$\(cost.r)$\(cost.p)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Whether `password` matches `stored`; false for a malformed or unacceptable stored value.
    /// The derived key is compared in constant time.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let n = UInt64(parts[1]), let r = UInt32(parts[2]), let p = UInt32(parts[3]),
              let salt = Base64.decode(parts[4]), let expected = Base64.decode(parts[5]), !salt.isEmpty, expected.count >= 16 else {
            return false
        }
        let cost = Cost(n: n, r: r, p: p)
        guard cost.isAcceptable,
              let derived = scrypt(password: Array(password.utf8), salt: salt, cost: cost, length: expected.count) else { return false }
        return ConstantTime.equals(derived, expected)
    }

    /// EVP_KDF "SCRYPT". An OSSL_PARAM keeps pointers to its key name and its value, not
    /// copies: the names live in one C array and the values in the arrays and variables
    /// below, all held (inside these closures) until EVP_KDF_derive has returned. Swift's
    /// String-to-pointer bridging would free a name right after the construct call.
    static func scrypt(password: [UInt8], salt: [UInt8], cost: Cost, length: Int) -> [UInt8]? {
        guard cost.isAcceptable, let kdf = EVP_KDF_fetch(nil, "SCRYPT", nil) else { return nil }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { return nil }
        defer { EVP_KDF_CTX_free(context) }
        // N, r and p at fixed addresses for the length of the call.
        let values = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        defer { values.deallocate() }
        values.storeBytes(of: cost.n, as: UInt64.self)
        values.storeBytes(of: cost.r, toByteOffset: 8, as: UInt32.self)
        values.storeBytes(of: cost.p, toByteOffset: 12, as: UInt32.self)
        var names: [CChar] = []
        var offsets: [Int] = []
        for name in [OSSL_KDF_PARAM_PASSWORD, OSSL_KDF_PARAM_SALT, OSSL_KDF_PARAM_SCRYPT_N, OSSL_KDF_PARAM_SCRYPT_R, OSSL_KDF_PARAM_SCRYPT_P] {
            offsets.append(names.count)
            names += name.utf8.map { CChar(bitPattern: $0) } + [0]
        }
        var out = [UInt8](repeating: 0, count: length)
        // OpenSSL may read an empty octet string's pointer; give it one byte it never reads past.
        let passwordBytes = password.isEmpty ? [UInt8(0)] : password
        let ok: Int32 = names.withUnsafeBufferPointer { k in
            passwordBytes.withUnsafeBytes { pw in
                salt.withUnsafeBytes { s in
                    do {
                        let key = { (i: Int) in k.baseAddress! + offsets[i] }
                        var params = [
                            OSSL_PARAM_construct_octet_string(key(0), UnsafeMutableRawPointer(mutating: pw.baseAddress), password.count),
                            OSSL_PARAM_construct_octet_string(key(1), UnsafeMutableRawPointer(mutating: s.baseAddress), s.count),
                            OSSL_PARAM_construct_uint64(key(2), values.assumingMemoryBound(to: UInt64.self)),
                            OSSL_PARAM_construct_uint32(key(3), (values + 8).assumingMemoryBound(to: UInt32.self)),
                            OSSL_PARAM_construct_uint32(key(4), (values + 12).assumingMemoryBound(to: UInt32.self)),
                            OSSL_PARAM_construct_end(),
                        ]
                        return out.withUnsafeMutableBytes { o in
                            params.withUnsafeMutableBufferPointer { list in
                                EVP_KDF_derive(context, o.baseAddress!.assumingMemoryBound(to: UInt8.self), length, list.baseAddress)
                            }
                        }
                    }
                }
            }
        }
        return ok == 1 ? out : nil
    }
}
