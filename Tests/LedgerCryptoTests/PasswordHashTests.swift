import Testing
@testable import LedgerCrypto

/// scrypt through OpenSSL's KDF API (docs/web.md "Passwords").
@Suite struct PasswordHashTests {
    /// RFC 7914 section 12, the second vector: the KDF is scrypt, with N, r, p passed right.
    @Test func matchesTheRFCVector() throws {
        let derived = try #require(PasswordHash.scrypt(password: Array("password".utf8), salt: Array("NaCl".utf8),
                                                       cost: PasswordHash.Cost(n: 1024, r: 8, p: 16), length: 64))
        #expect(Hex.encode(derived) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test func storedFormVerifiesOnlyTheSamePassword() throws {
        let stored = PasswordHash.hash("correct horse battery")
        let parts = stored.split(separator: "$")
        #expect(parts.count == 6)
        #expect(parts[0] == "scrypt" && parts[1] == "32768" && parts[2] == "8" && parts[3] == "1")
        #expect(Base64.decode(parts[4])?.count == 16)
        #expect(Base64.decode(parts[5])?.count == 32)
        #expect(!stored.contains("correct horse"))
        #expect(PasswordHash.verify("correct horse battery", against: stored))
        #expect(!PasswordHash.verify("correct horse batterY", against: stored))
        #expect(!PasswordHash.verify("", against: stored))
        // A random salt: the same password hashes differently each time.
        #expect(PasswordHash.hash("correct horse battery") != stored)
    }

    @Test func malformedOrCostlyStoredValuesAreRefused() {
        let salt = Base64.encode([UInt8](repeating: 1, count: 16)), hash = Base64.encode([UInt8](repeating: 2, count: 32))
        for stored in ["", "scrypt", "bcrypt$32768$8$1$\(salt)$\(hash)", "scrypt$1000$8$1$\(salt)$\(hash)",
                       // 128·N·r above 1 GiB: refused before any memory is asked for.
                       "scrypt$\(1 << 24)$8$1$\(salt)$\(hash)", "scrypt$32768$8$1$\(salt)$", "scrypt$32768$8$1$!$\(hash)"] {
            #expect(!PasswordHash.verify("whatever password", against: stored), "\(stored)")
        }
    }
}
