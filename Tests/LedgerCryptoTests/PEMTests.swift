import Testing
import LedgerCrypto

@Suite struct PEMTests {
    /// Made once with `openssl genpkey -algorithm ed25519`; the raw public key was read with
    /// `openssl pkey -pubout -outform DER | tail -c 32 | xxd -p`.
    static let opensslPrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIIwYzIup6gKnomr2Mw5pgaLSCYAbfVNF+ZyrsIy9uAnP
        -----END PRIVATE KEY-----

        """
    static let opensslPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAvozaAvW87SABO8X70H2+jR0mj4Rc0cUx7FYpRz4jeoA=
        -----END PUBLIC KEY-----

        """
    static let opensslRawPublicKey = "be8cda02f5bced20013bc5fbd07dbe8d1d268f845cd1c531ec5629473e237a80"

    /// Keys of other algorithms (`openssl genpkey -algorithm EC|RSA`): valid PEM, wrong type.
    static let ecPrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgX8wuNiDsMWUarGDb
        uxCVZ1BQudeCqynLtACCW+GlA3uhRANCAAQpqEWbPlBXNIm3Cz0ATztpOI4OWkhw
        k3/lbeYlh3orGfQFqWllSP5ErIrJMC2Fz8PWW7cWXt7cYpCdMDsZ8sfG
        -----END PRIVATE KEY-----

        """
    static let ecPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEKahFmz5QVzSJtws9AE87aTiODlpI
        cJN/5W3mJYd6Kxn0BalpZUj+RKyKyTAthc/D1lu3Fl7e3GKQnTA7GfLHxg==
        -----END PUBLIC KEY-----

        """
    static let rsaPrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAONH3xmIw2t/gI/0
        fGCOBIQdeE6EUPzsfIsUMfnJLvSbH54CXawxbG3geEVfkFMr0YprGeHfRnugvTIi
        ICuMMegAGKxdVByoy4zbmofCLO5K9ZUJIUjMQ+t8tKWnf/teQemwVU0o0qNB7n1o
        PM6R5qEarYQqAfpIh2+XB2cUVUB7AgMBAAECgYB8PYCOY713mPY9Owd2fIupcLag
        LSJccCXQnRSIl9pMKjQJWv+7rjS4h5kXSxsI7A4aXVuDplrQH9jse80cIQHx6bJO
        aPp3KSVkw5mgtAin9Id8CEFS43QL+TVLRc0eY83MGWGsP/huEhppuAWLA28+DPtQ
        ky1GgBhhmhdeLUoOKQJBAPf5oxZPCuYkeoHX9dGeQ+ElOPDyWrzkgPIvhW356Pyp
        JFYLMShGVeeCTSNLid2CcGTU8VqmpSnwRAKKFg4Cm/0CQQDqospmKYxFhIlUO8aZ
        j6i2F7p8X2nZYuSlw+YSNFfnW8n3ttJhinrMB+7++5RfthQGeiTukiaN88aDT6U9
        r+vXAkEAu3U9I5U3UQmMjvG6Q++XsvEXnZYooBlBnVPtU1kUF0SqUl19mMurDytC
        swbcvtZnruIHXpcRzqVyVFUdHRQ95QJATKF2MP+IzHuIznXnWufMVgxR36TZ0SG3
        Q1xDm9Z0jx8vSzPuaeTsTg6ZQ7Wus8OnrqXdwf0BkoL3ZpNwiEEYaQJAX+DbIiW+
        vYgfyPssHfndaDqS7CG3MLV1Z43CpoK1cv1EOAYyAmq33pvWA5XTxm25qekf1K2E
        qyO83y3ou/cBwA==
        -----END PRIVATE KEY-----

        """

    @Test func privateKeyPEMRoundTrip() throws {
        let key = Ed25519PrivateKey()
        let pem = key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let back = try Ed25519PrivateKey(pemRepresentation: pem)
        #expect(back.rawRepresentation == key.rawRepresentation)
        #expect(back.publicKey == key.publicKey)
    }

    @Test func publicKeyPEMRoundTrip() throws {
        let key = Ed25519PrivateKey().publicKey
        let pem = key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(try Ed25519PublicKey(pemRepresentation: pem) == key)
    }

    @Test func opensslGeneratedKeyImports() throws {
        let key = try Ed25519PrivateKey(pemRepresentation: Self.opensslPrivatePEM)
        #expect(Hex.encode(key.publicKey.rawRepresentation) == Self.opensslRawPublicKey)
        let pub = try Ed25519PublicKey(pemRepresentation: Self.opensslPublicPEM)
        #expect(Hex.encode(pub.rawRepresentation) == Self.opensslRawPublicKey)
        // Our writers produce byte-for-byte what openssl wrote (both are canonical DER).
        #expect(key.pemRepresentation == Self.opensslPrivatePEM)
        #expect(key.publicKey.pemRepresentation == Self.opensslPublicPEM)
        let sig = try key.signature(for: Array("x".utf8))
        #expect(pub.isValidSignature(sig, for: Array("x".utf8)))
    }

    @Test func otherAlgorithmsAreRejected() {
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: Self.ecPrivatePEM) }
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: Self.rsaPrivatePEM) }
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(pemRepresentation: Self.ecPublicPEM) }
    }

    @Test func garbageIsRejected() {
        let garbage = [
            "",
            "hello",
            "-----BEGIN PRIVATE KEY-----\nnot base64 at all!!\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIwYzIup6gKnomr2Mw5pgaLSCYAb\n-----END PRIVATE KEY-----\n",
            Self.opensslPublicPEM,  // a public key is not a private key
        ]
        for pem in garbage {
            #expect(throws: CryptoError.self, "\(pem)") { try Ed25519PrivateKey(pemRepresentation: pem) }
        }
        for pem in garbage.dropLast() + [Self.opensslPrivatePEM.replacingPrefix()] {
            #expect(throws: CryptoError.self, "\(pem)") { try Ed25519PublicKey(pemRepresentation: pem) }
        }
    }
}

private extension String {
    /// A private-key body under a public-key label: well-formed PEM armour, wrong DER inside.
    func replacingPrefix() -> String {
        let body = split(separator: "\n")[1]
        return "-----BEGIN PUBLIC KEY-----\n\(body)\n-----END PUBLIC KEY-----\n"
    }
}
