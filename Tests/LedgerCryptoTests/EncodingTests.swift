import Testing
import LedgerCrypto

@Suite struct EncodingTests {
    /// RFC 4648 §10.
    static let base64Vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func base64RFC4648Vectors() {
        for (plain, encoded) in Self.base64Vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func base64RoundTripsEveryLengthAndByte() {
        let all = (0...255).map { UInt8($0) }
        for n in 0...all.count {
            let bytes = Array(all.prefix(n).reversed())
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode([0xfb, 0xff, 0xbf]) == "+/+/")
    }

    @Test func base64RejectsNonCanonicalInput() {
        let bad = [
            "Zg", "Zg=", "Zm8", "Zm9vY",          // missing padding / wrong length
            "Zg===", "====", "Z===", "=Zg=",      // too much or misplaced padding
            "Zg==Zg==", "Zm8=Zm9v",               // padding in the middle
            "Zh==", "Zm9=",                       // non-zero trailing bits (non-canonical)
            "Zm9v\n", " Zm9v", "Zm 9v", "Zm9v\r\n", // whitespace
            "Zm9-", "Zm9_", "Zm9!", "Zm9é",       // URL-safe alphabet and other characters
        ]
        for s in bad {
            #expect(Base64.decode(s) == nil, "\"\(s)\" must be rejected")
        }
    }

    @Test func hexRoundTripsAndRejectsGarbage() {
        let bytes: [UInt8] = [0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "00017f80abff")
        #expect(Hex.decode("00017f80abff") == bytes)
        #expect(Hex.decode("00017F80ABFF") == bytes)
        #expect(Hex.decode("") == [])
        for s in ["0", "abc", "0g", "zz", " 00", "0x00", "é0"] {
            #expect(Hex.decode(s) == nil, "\"\(s)\" must be rejected")
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(!ConstantTime.equals([UInt8](), [0] as [UInt8]))
        let d = SHA256.hash("abc").bytes
        #expect(ConstantTime.equals(d, SHA256.hash("abc").bytes))
        #expect(!ConstantTime.equals(d, SHA256.hash("abd").bytes))
    }

    @Test func secureRandom() {
        #expect(SecureRandom.bytes(0).isEmpty)
        for n in [1, 16, 32, 1000] {
            #expect(SecureRandom.bytes(n).count == n)
        }
        // Two 32-byte draws colliding would mean the generator is broken.
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }
}
