import LedgerCrypto

/// One signature line of a note: the signing key's name and ID, and the raw signature.
public struct NoteSignature: Sendable, Hashable {
    public let name: String
    public let keyID: UInt32
    public let signature: [UInt8]

    /// `— <name> <base64(key ID ‖ signature)>\n`
    var line: String {
        "— \(name) \(Base64.encode(NoteKeyID.bigEndian(keyID) + signature))\n"
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.keyID == b.keyID && a.signature == b.signature && NoteSyntax.same(a.name, b.name)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keyID)
        hasher.combine(signature)
    }
}

/// A C2SP signed note: text, a blank line, then one or more signature lines.
public struct SignedNote: Sendable, Equatable {
    /// Bounds the work a hostile note can cause (the Go reference uses the same limit).
    public static let maxSignatures = 100

    public let text: String
    public let signatures: [NoteSignature]

    /// Parses without verifying. Every signature line is kept, in order, duplicates included,
    /// so `serialized` reproduces the input exactly.
    public static func parse(_ note: String) throws -> SignedNote {
        let bytes = Array(note.utf8)
        if let bad = NoteSyntax.firstControlByte(bytes) {
            throw NoteError.malformedNote("contains control character 0x\(Hex.encode([bad]))")
        }
        // The text ends at the last blank line; only signature lines may follow it.
        guard let split = lastBlankLine(bytes) else { throw NoteError.malformedNote("no blank line before the signatures") }
        let text = bytes[..<(split + 1)], block = bytes[(split + 2)...]
        guard !block.isEmpty else { throw NoteError.malformedNote("no signature lines") }
        guard block.last == NoteSyntax.newline else { throw NoteError.malformedNote("does not end with a newline") }

        let lines = block.dropLast().split(separator: NoteSyntax.newline, omittingEmptySubsequences: false)
        guard lines.count <= maxSignatures else {
            throw NoteError.malformedNote("\(lines.count) signature lines, at most \(maxSignatures) allowed")
        }
        var signatures: [NoteSignature] = []
        for (i, line) in lines.enumerated() {
            do { signatures.append(try parseSignatureLine(line)) } catch let why as LineError {
                throw NoteError.malformedNote("signature line \(i + 1): \(why.message)")
            }
        }
        return SignedNote(text: String(decoding: text, as: UTF8.self), signatures: signatures)
    }

    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Returns the verifiers (deduplicated, in signature order) whose signature is valid.
    /// Signatures by keys not in `verifiers` (name and key ID) are ignored; a signature by a
    /// known key that fails to verify rejects the whole note, as does having none by a known key.
    public func verify(_ verifiers: [NoteVerifier]) throws -> [NoteVerifier] {
        var verified: [NoteVerifier] = []
        for sig in signatures {
            let matches = Set(verifiers.filter { $0.keyID == sig.keyID && NoteSyntax.same($0.name, sig.name) })
            guard let verifier = matches.first else { continue }
            guard matches.count == 1 else { throw NoteError.ambiguousKey(name: sig.name, keyID: sig.keyID) }
            guard verifier.verify(text: text, signature: sig.signature) else {
                throw NoteError.invalidSignature(name: sig.name, keyID: sig.keyID)
            }
            if !verified.contains(verifier) { verified.append(verifier) }
        }
        guard !verified.isEmpty else { throw NoteError.noVerifiedSignature }
        return verified
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.signatures == b.signatures && NoteSyntax.same(a.text, b.text)
    }

    // MARK: - Parsing helpers

    private struct LineError: Error { let message: String }

    private static func lastBlankLine(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        return (0..<(bytes.count - 1)).last { bytes[$0] == NoteSyntax.newline && bytes[$0 + 1] == NoteSyntax.newline }
    }

    private static let dashSpace = Array("— ".utf8)

    private static func parseSignatureLine(_ line: ArraySlice<UInt8>) throws -> NoteSignature {
        guard line.starts(with: dashSpace) else { throw LineError(message: "does not start with \"— \" (U+2014, space)") }
        let rest = line.dropFirst(dashSpace.count)
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { throw LineError(message: "no space after the key name") }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        do { try NoteSyntax.checkKeyName(name) } catch { throw LineError(message: "\(error)") }
        let encoded = rest[(space + 1)...]
        guard !encoded.isEmpty, let blob = Base64.decode(String(decoding: encoded, as: UTF8.self)) else {
            throw LineError(message: "not base64")
        }
        guard blob.count >= 5 else { throw LineError(message: "signature is \(blob.count) bytes, need a 4-byte key ID and a signature") }
        return NoteSignature(name: name, keyID: NoteKeyID.read(blob), signature: Array(blob.dropFirst(4)))
    }
}
