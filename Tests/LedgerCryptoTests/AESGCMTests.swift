import LedgerCrypto
import Testing

@Suite struct AESGCMTests {
    struct Vector: Sendable {
        let name: String, key: String, iv: String, aad: String, plaintext: String, ciphertext: String, tag: String
    }

    // The AES-256 cases of the GCM specification (McGrew & Viega, "The Galois/Counter Mode
    // of Operation", appendix B, test cases 13–16), which NIST's SP 800-38D validation uses.
    static let vectors: [Vector] = [
        Vector(name: "13", key: String(repeating: "0", count: 64), iv: String(repeating: "0", count: 24), aad: "",
               plaintext: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(name: "14", key: String(repeating: "0", count: 64), iv: String(repeating: "0", count: 24), aad: "",
               plaintext: String(repeating: "0", count: 32), ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
               tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(name: "15", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", iv: "cafebabefacedbaddecaf888", aad: "",
               plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
               ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
               tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(name: "16", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", iv: "cafebabefacedbaddecaf888",
               aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
               plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
               ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
               tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    static func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }

    @Test(arguments: vectors) func sealMatchesThePublishedVector(_ v: Vector) throws {
        let sealed = try AESGCM.seal(Self.hex(v.plaintext), key: Self.hex(v.key), nonce: Self.hex(v.iv), aad: Self.hex(v.aad))
        #expect(Hex.encode(sealed) == v.ciphertext + v.tag, "test case \(v.name)")
    }

    @Test(arguments: vectors) func openRecoversThePlaintext(_ v: Vector) throws {
        let opened = try AESGCM.open(Self.hex(v.ciphertext + v.tag), key: Self.hex(v.key), nonce: Self.hex(v.iv), aad: Self.hex(v.aad))
        #expect(Hex.encode(opened) == v.plaintext, "test case \(v.name)")
    }

    @Test func anyChangeFailsTheTag() throws {
        let v = Self.vectors[3]
        let key = Self.hex(v.key), nonce = Self.hex(v.iv), aad = Self.hex(v.aad), sealed = Self.hex(v.ciphertext + v.tag)
        for i in [0, 30, sealed.count - 17, sealed.count - 1] {
            var flipped = sealed
            flipped[i] ^= 0x01
            #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(flipped, key: key, nonce: nonce, aad: aad) }
        }
        var otherKey = key; otherKey[0] ^= 1
        var otherNonce = nonce; otherNonce[11] ^= 1
        var otherAAD = aad; otherAAD[0] ^= 1
        #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(sealed, key: otherKey, nonce: nonce, aad: aad) }
        #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(sealed, key: key, nonce: otherNonce, aad: aad) }
        #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(sealed, key: key, nonce: nonce, aad: otherAAD) }
        #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(sealed, key: key, nonce: nonce, aad: []) }
        #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(Array(sealed.dropLast()), key: key, nonce: nonce, aad: aad) }
        #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(Array(sealed.prefix(10)), key: key, nonce: nonce, aad: aad) }
    }

    /// One thread's context serves every call and keeps its cipher between them: what one
    /// message leaves behind (its direction, a failed tag, a half-done update) must not leak
    /// into the next, in any order.
    @Test func oneThreadsCallsInAnyOrderAnswerAsFreshOnes() throws {
        let v3 = Self.vectors[3], v2 = Self.vectors[2]
        let sealed3 = Self.hex(v3.ciphertext + v3.tag), sealed2 = Self.hex(v2.ciphertext + v2.tag)
        var flipped = sealed3
        flipped[5] ^= 0x80
        for _ in 0..<3 {
            #expect(throws: AEADError.authenticationFailed) {
                try AESGCM.open(flipped, key: Self.hex(v3.key), nonce: Self.hex(v3.iv), aad: Self.hex(v3.aad))
            }
            #expect(Hex.encode(try AESGCM.seal(Self.hex(v2.plaintext), key: Self.hex(v2.key), nonce: Self.hex(v2.iv), aad: [])) == v2.ciphertext + v2.tag)
            #expect(Hex.encode(try AESGCM.open(sealed3, key: Self.hex(v3.key), nonce: Self.hex(v3.iv), aad: Self.hex(v3.aad))) == v3.plaintext)
            #expect(throws: AEADError.invalidNonce) { try AESGCM.open(sealed2, key: Self.hex(v2.key), nonce: [1], aad: []) }
            #expect(Hex.encode(try AESGCM.open(sealed2, key: Self.hex(v2.key), nonce: Self.hex(v2.iv), aad: [])) == v2.plaintext)
            #expect(Hex.encode(try AESGCM.seal([], key: Self.hex(Self.vectors[0].key), nonce: Self.hex(Self.vectors[0].iv), aad: [])) == Self.vectors[0].tag)
        }
    }

    /// `droppingFirst` answers the plaintext without its prefix, and still refuses when any
    /// byte, the prefix's included, was changed.
    @Test func openDroppingAPrefixAnswersTheRestAndStillChecksThePrefix() throws {
        let v = Self.vectors[2]
        let sealed = Self.hex(v.ciphertext + v.tag), key = Self.hex(v.key), nonce = Self.hex(v.iv), plain = Self.hex(v.plaintext)
        for prefix in [0, 1, 16, 32, 33, 64] {
            let rest = try sealed.withUnsafeBytes { s in
                try key.withUnsafeBytes { k in
                    try nonce.withUnsafeBytes { n in try AESGCM.open(s, key: k, nonce: n, aad: UnsafeRawBufferPointer(start: nil, count: 0), droppingFirst: prefix) }
                }
            }
            #expect(rest == Array(plain[prefix...]), "prefix \(prefix)")
            var flipped = sealed
            flipped[max(0, prefix - 1)] ^= 1
            #expect(throws: AEADError.authenticationFailed, "prefix \(prefix)") {
                try flipped.withUnsafeBytes { s in
                    try key.withUnsafeBytes { k in
                        try nonce.withUnsafeBytes { n in try AESGCM.open(s, key: k, nonce: n, aad: UnsafeRawBufferPointer(start: nil, count: 0), droppingFirst: prefix) }
                    }
                }
            }
        }
    }

    @Test func wrongSizesAreRefused() {
        #expect(throws: AEADError.invalidKey) { try AESGCM.seal([1], key: [UInt8](repeating: 0, count: 16), nonce: AESGCM.randomNonce(), aad: []) }
        #expect(throws: AEADError.invalidNonce) { try AESGCM.seal([1], key: [UInt8](repeating: 0, count: 32), nonce: [0, 0], aad: []) }
    }

    @Test func randomNoncesDiffer() throws {
        let key = SecureRandom.bytes(32)
        let a = try AESGCM.seal([1, 2, 3], key: key, nonce: AESGCM.randomNonce(), aad: [])
        let b = try AESGCM.seal([1, 2, 3], key: key, nonce: AESGCM.randomNonce(), aad: [])
        #expect(a != b)
    }
}

@Suite struct HKDFTests {
    static func bytes(_ range: ClosedRange<UInt8>) -> [UInt8] { Array(range) }

    // RFC 5869 appendix A, test cases 1–3 (SHA-256).
    @Test func rfc5869CaseA1() throws {
        let okm = try HKDFSHA256.derive(key: [UInt8](repeating: 0x0b, count: 22), salt: Self.bytes(0x00...0x0c),
                                        info: Self.bytes(0xf0...0xf9), length: 42)
        #expect(Hex.encode(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    @Test func rfc5869CaseA2() throws {
        let okm = try HKDFSHA256.derive(key: Self.bytes(0x00...0x4f), salt: Self.bytes(0x60...0xaf), info: Self.bytes(0xb0...0xff), length: 82)
        #expect(Hex.encode(okm) == "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87")
    }

    @Test func rfc5869CaseA3() throws {
        let okm = try HKDFSHA256.derive(key: [UInt8](repeating: 0x0b, count: 22), salt: [], info: [], length: 42)
        #expect(Hex.encode(okm) == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    @Test func lengthIsBounded() {
        #expect(throws: AEADError.self) { try HKDFSHA256.derive(key: [1], salt: [], info: [], length: 255 * 32 + 1) }
    }
}
