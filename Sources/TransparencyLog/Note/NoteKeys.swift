import LedgerCrypto

/// An Ed25519 note verifier key (C2SP signed-note, signature type 0x01).
public struct NoteVerifier: Sendable, Hashable {
    /// The signature type byte for Ed25519 in key IDs and vkeys.
    static let ed25519Type: UInt8 = 0x01

    public let name: String
    public let keyID: UInt32
    public let publicKey: Ed25519PublicKey

    public init(name: String, publicKey: Ed25519PublicKey) throws {
        try NoteSyntax.checkKeyName(name)
        self.name = name
        self.publicKey = publicKey
        self.keyID = Self.keyID(name: name, publicKey: publicKey)
    }

    /// Parses `<name>+<8 lower-case hex key ID>+<base64(0x01 ‖ public key)>`. The key ID must
    /// be the one the name and key hash to: a vkey that disagrees with itself is corrupt.
    public init(vkey: String) throws {
        // The name holds no '+', so the first two '+' delimit it and the key ID; base64 may hold more.
        // Split bytes, not Characters: a combining mark after '+' would hide it from a Character split.
        let parts = vkey.utf8.split(separator: UInt8(ascii: "+"), maxSplits: 2, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard parts.count == 3 else { throw NoteError.malformedVerifierKey("expected name+keyid+key") }
        let name = parts[0], idHex = parts[1], keyBase64 = parts[2]
        do { try NoteSyntax.checkKeyName(name) } catch let error as NoteError {
            throw NoteError.malformedVerifierKey(error.description)
        }
        guard idHex.utf8.count == 8, idHex.utf8.allSatisfy(Self.isLowerHex), let idBytes = Hex.decode(idHex) else {
            throw NoteError.malformedVerifierKey("key ID \"\(idHex)\" is not 8 lower-case hex digits")
        }
        guard let key = Base64.decode(keyBase64) else { throw NoteError.malformedVerifierKey("key is not base64") }
        guard key.first == Self.ed25519Type else { throw NoteError.malformedVerifierKey("not an Ed25519 (type 0x01) key") }
        guard key.count == 33 else { throw NoteError.malformedVerifierKey("Ed25519 key is \(key.count - 1) bytes, want 32") }
        let publicKey: Ed25519PublicKey
        do { publicKey = try Ed25519PublicKey(rawRepresentation: key.dropFirst()) } catch {
            throw NoteError.malformedVerifierKey("\(error)")
        }
        try self.init(name: name, publicKey: publicKey)
        guard keyID == NoteKeyID.read(idBytes) else {
            throw NoteError.malformedVerifierKey("key ID \(idHex) does not match the name and key (want \(NoteKeyID.hex(keyID)))")
        }
    }

    public var vkey: String {
        "\(name)+\(NoteKeyID.hex(keyID))+\(Base64.encode([Self.ed25519Type] + publicKey.rawRepresentation))"
    }

    /// Checks a raw 64-byte Ed25519 `signature` (without the key ID prefix) over `text`.
    public func verify(text: String, signature: [UInt8]) -> Bool {
        publicKey.isValidSignature(signature, for: text.utf8)
    }

    /// key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian.
    static func keyID(name: String, publicKey: Ed25519PublicKey) -> UInt32 {
        let digest = SHA256.hash(Array(name.utf8) + [0x0A, ed25519Type] + publicKey.rawRepresentation)
        return NoteKeyID.read(digest.bytes)
    }

    private static func isLowerHex(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
    }

    // Names compare as bytes (see NoteSyntax); the key ID follows from name and key.
    public static func == (a: Self, b: Self) -> Bool {
        a.keyID == b.keyID && a.publicKey == b.publicKey && NoteSyntax.same(a.name, b.name)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keyID)
        hasher.combine(publicKey)
    }
}

/// An Ed25519 note signer: makes signature lines and signed notes.
public struct NoteSigner: Sendable {
    public let name: String
    public let keyID: UInt32
    public let verifier: NoteVerifier
    private let privateKey: Ed25519PrivateKey

    public init(name: String, privateKey: Ed25519PrivateKey) throws {
        verifier = try NoteVerifier(name: name, publicKey: privateKey.publicKey)
        self.name = name
        self.keyID = verifier.keyID
        self.privateKey = privateKey
    }

    /// The full signed note: `text`, a blank line, and this key's signature line.
    public func sign(_ text: String) throws -> String {
        text + "\n" + (try signatureLine(for: text))
    }

    /// `— <name> <base64(key ID ‖ signature)>\n`, ready to append to a note's signature block
    /// (this is how a second key cosigns). Throws if `text` is not valid note text.
    public func signatureLine(for text: String) throws -> String {
        try NoteSyntax.checkText(text.utf8, error: NoteError.malformedText)
        let signature = try privateKey.signature(for: text.utf8)
        return NoteSignature(name: name, keyID: keyID, signature: signature).line
    }
}
