import Testing
import LedgerCrypto

/// FIPS 180-2 / NIST CSRC example vectors for SHA-256.
@Suite struct SHA256Tests {
    static let vectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ]

    @Test func oneShotVectors() {
        for v in Self.vectors {
            #expect(SHA256.hash(v.message).hex == v.digest, "SHA-256(\"\(v.message)\")")
            #expect(SHA256.hash(Array(v.message.utf8)).hex == v.digest)
            // A non-contiguous collection takes the copying path.
            #expect(SHA256.hash(v.message.utf8.lazy.map { $0 }).hex == v.digest)
        }
    }

    @Test func streamingAgreesWithOneShot() {
        let hasher = SHA256Hasher()
        for v in Self.vectors {
            let bytes = Array(v.message.utf8)
            // Byte by byte, then as two uneven halves: both must match the one-shot digest.
            for b in bytes { hasher.update(byte: b) }
            #expect(hasher.finalize().hex == v.digest)
            let cut = bytes.count / 3
            hasher.update(bytes[..<cut])
            hasher.update(bytes[cut...])
            #expect(hasher.finalize() == SHA256.hash(bytes))
        }
    }

    @Test func oneMillionAInUnevenChunks() {
        let hasher = SHA256Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 7919)
        var remaining = 1_000_000
        var size = 1
        while remaining > 0 {
            let n = min(size, remaining, chunk.count)
            hasher.update(chunk[..<n])
            remaining -= n
            size = size >= chunk.count ? 1 : size * 3 + 1  // 1, 4, 13, 40, …: odd places across 64-byte blocks
        }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hasherIsReusableAfterFinalizeAndReset() {
        let hasher = SHA256Hasher()
        hasher.update(Array("abc".utf8))
        let first = hasher.finalize()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finalize() == first)
        // finalize() with nothing fed is the empty-message digest.
        #expect(hasher.finalize().hex == Self.vectors[0].digest)
        // reset() discards a partial message.
        hasher.update(Array("junk".utf8))
        hasher.reset()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finalize() == first)
    }

    @Test func digestUpdateHashesTheRawBytes() {
        let d = SHA256.hash("abc")
        let hasher = SHA256Hasher()
        hasher.update(d)
        #expect(hasher.finalize() == SHA256.hash(d.bytes))
    }

    @Test func digest32Conversions() throws {
        let d = SHA256.hash("abc")
        #expect(Digest32(bytes: d.bytes) == d)
        #expect(Digest32(hex: d.hex) == d)
        #expect(Digest32(base64: d.base64) == d)
        #expect(Digest32(bytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(Digest32(bytes: [UInt8](repeating: 0, count: 33)) == nil)
        #expect(Digest32(hex: "abcd") == nil)
        #expect(Digest32(base64: Base64.encode([UInt8](repeating: 1, count: 33))) == nil)
        #expect(Digest32.zero.bytes == [UInt8](repeating: 0, count: 32))
        #expect(d.description == d.hex)
    }
}
