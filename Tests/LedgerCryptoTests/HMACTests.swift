import Testing
import LedgerCrypto

/// RFC 4231 §4 test cases for HMAC-SHA-256 (case 5 is truncated output and is skipped).
@Suite struct HMACTests {
    static let largeKey = [UInt8](repeating: 0xaa, count: 131)

    static let cases: [(name: String, key: [UInt8], data: [UInt8], mac: String)] = [
        ("1", [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("2", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("3", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("4", Array(1...25), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ("6", largeKey, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ("7", largeKey,
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: 0..<6) func rfc4231(_ index: Int) {
        let c = Self.cases[index]
        #expect(HMACSHA256.authenticationCode(for: c.data, key: c.key).hex == c.mac, "RFC 4231 test case \(c.name)")
    }

    @Test func emptyKeyAndEmptyDataDoNotCrash() {
        // HMAC(empty key, empty data) is well defined; check it is stable and differs from a keyed one.
        let a = HMACSHA256.authenticationCode(for: [UInt8](), key: [UInt8]())
        #expect(a == HMACSHA256.authenticationCode(for: [UInt8](), key: [UInt8]()))
        #expect(a.hex == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        #expect(a != HMACSHA256.authenticationCode(for: [UInt8](), key: [UInt8(1)]))
    }

    /// Each thread keeps one context and keys it per call: a call must never inherit the key
    /// of the thread's previous call (an empty key is the case where OpenSSL would), and
    /// threads must not share a context.
    @Test func aCallNeverInheritsTheThreadsPreviousKey() {
        _ = HMACSHA256.authenticationCode(for: Array("x".utf8), key: Self.largeKey)
        #expect(HMACSHA256.authenticationCode(for: [UInt8](), key: [UInt8]()).hex
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func concurrentCallersEachGetTheirOwnAnswer() async {
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<2_000 {
                        let c = Self.cases[(task + round) % Self.cases.count]
                        if HMACSHA256.authenticationCode(for: c.data, key: c.key).hex != c.mac { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}
