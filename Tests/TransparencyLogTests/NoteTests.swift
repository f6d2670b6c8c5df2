import Testing
import LedgerCrypto
@testable import TransparencyLog

/// The published example of golang.org/x/mod/sumdb/note (note_test.go), the reference
/// implementation of C2SP signed-note. Ed25519 is deterministic, so signing must reproduce it.
enum GoVectors {
    static let peterVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    /// The seed inside the published signer key "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz".
    static let peterSkeyBase64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let enochVkey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let peterSig = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static let enochSig = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

    static var peter: NoteVerifier { try! NoteVerifier(vkey: peterVkey) }
    static var enoch: NoteVerifier { try! NoteVerifier(vkey: enochVkey) }
    static var peterSigner: NoteSigner {
        let skey = Base64.decode(peterSkeyBase64)!
        precondition(skey.first == 0x01 && skey.count == 33)
        return try! NoteSigner(name: "PeterNeumann", privateKey: Ed25519PrivateKey(rawRepresentation: skey.dropFirst()))
    }
}

/// Expected values computed independently with Python (hashlib + the `cryptography` package)
/// for seed 00 01 … 1f and name "example.com/careledger".
enum FixedKey {
    static let name = "example.com/careledger"
    static let seed = (0..<32).map { UInt8($0) }
    static let publicKeyHex = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
    static let keyID: UInt32 = 0xc567_17a2
    static let vkey = "example.com/careledger+c56717a2+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
    /// A checkpoint of size 7 whose root is the bytes 100 … 131.
    static let checkpointBody = "example.com/careledger\n7\nZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=\n"
    static let checkpointSigLine = "— example.com/careledger xWcXolCBN/ceQJRp3+5kAEI9jbNdLPJSkijqy7r2BVlw8Icoqi0zfwEH5lKy4cyPzezCIH8NrZQ7I7ARxeLgCt9azAM=\n"
    static var signer: NoteSigner { try! NoteSigner(name: name, privateKey: Ed25519PrivateKey(rawRepresentation: seed)) }
}

func expectNoteError(_ expected: String, _ sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error containing \"\(expected)\"", sourceLocation: sourceLocation)
    } catch let error as NoteError {
        #expect(error.description.contains(expected), "got: \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected NoteError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// One parent suite, so `swift test --filter NoteTests` runs every note test.
@Suite enum NoteTests {}

extension NoteTests {
    @Suite struct Keys {
        @Test func goReferenceKeyParsesAndRoundTrips() throws {
            let v = try NoteVerifier(vkey: GoVectors.peterVkey)
            #expect(v.name == "PeterNeumann")
            #expect(v.keyID == 0xc74f_20a3)
            #expect(v.vkey == GoVectors.peterVkey)
            let signer = GoVectors.peterSigner
            #expect(signer.verifier == v)
            #expect(signer.keyID == v.keyID)
        }

        @Test func fixedSeedMatchesIndependentComputation() throws {
            let signer = FixedKey.signer
            #expect(Hex.encode(signer.verifier.publicKey.rawRepresentation) == FixedKey.publicKeyHex)
            #expect(signer.keyID == FixedKey.keyID)
            #expect(signer.verifier.vkey == FixedKey.vkey)
            #expect(try NoteVerifier(vkey: FixedKey.vkey) == signer.verifier)
            #expect(try signer.signatureLine(for: FixedKey.checkpointBody) == FixedKey.checkpointSigLine)
        }

        /// As the Go reference does: every proper substring and every single-byte change of a good
        /// vkey must be rejected (the key ID check catches changes to the name or key).
        @Test func mangledVerifierKeysAreRejected() {
            let good = Array(GoVectors.peterVkey.utf8)
            var accepted: [String] = []
            for i in 0...good.count {
                for j in (i + 1)..<(good.count + 1) where !(i == 0 && j == good.count) {
                    let s = String(decoding: good[i..<j], as: UTF8.self)
                    if (try? NoteVerifier(vkey: s)) != nil { accepted.append(s) }
                }
            }
            for i in good.indices {
                var b = good
                b[i] &+= 1
                let s = String(decoding: b, as: UTF8.self)
                if (try? NoteVerifier(vkey: s)) != nil { accepted.append(s) }
            }
            #expect(accepted.isEmpty, "accepted: \(accepted)")
        }

        @Test func specificBadVerifierKeys() {
            // Go's wrong-length case; "EY==" has non-zero trailing bits, which strict base64 refuses.
            expectNoteError("key is not base64") {
                _ = try NoteVerifier(vkey: "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
            }
            expectNoteError("Ed25519 key is 35 bytes") {
                _ = try NoteVerifier(vkey: "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAAAA")
            }
            expectNoteError("not an Ed25519 (type 0x01) key") {
                _ = try NoteVerifier(vkey: "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            }
            expectNoteError("does not match the name and key") {
                _ = try NoteVerifier(vkey: "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            }
            expectNoteError("not 8 lower-case hex digits") {
                _ = try NoteVerifier(vkey: "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            }
            expectNoteError("expected name+keyid+key") { _ = try NoteVerifier(vkey: "PeterNeumann+c74f20a3") }
            expectNoteError("key is not base64") { _ = try NoteVerifier(vkey: "PeterNeumann+c74f20a3+!!!!") }
            expectNoteError("whitespace") {
                _ = try NoteVerifier(vkey: "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            }
        }

        @Test func keyNamesAreValidated() throws {
            let key = Ed25519PrivateKey()
            for bad in ["", "a b", "a+b", "tab\there", "nl\n", "cr\r", "nbsp\u{00A0}", "ideographic\u{3000}space", "ctl\u{01}"] {
                #expect(throws: NoteError.self, "\(bad.debugDescription)") { try NoteSigner(name: bad, privateKey: key) }
                #expect(throws: NoteError.self, "\(bad.debugDescription)") { try NoteVerifier(name: bad, publicKey: key.publicKey) }
            }
            for good in ["a", "example.com/log42", "quasimodo.example/salvatore", "ünïcödé/ログ", "—dash"] {
                let signer = try NoteSigner(name: good, privateKey: key)
                #expect(try NoteVerifier(vkey: signer.verifier.vkey) == signer.verifier)
            }
        }

        @Test func verifyChecksRawSignatures() throws {
            let signer = FixedKey.signer
            let line = try signer.signatureLine(for: "hello\n")
            let note = try SignedNote.parse("hello\n\n" + line)
            let sig = note.signatures[0].signature
            #expect(sig.count == 64)
            #expect(signer.verifier.verify(text: "hello\n", signature: sig))
            #expect(!signer.verifier.verify(text: "hello!\n", signature: sig))
            #expect(!signer.verifier.verify(text: "hello\n", signature: Array(sig.dropLast())))
        }
    }

    @Suite struct Notes {
        let peter = GoVectors.peter, enoch = GoVectors.enoch
        let text = GoVectors.text, peterSig = GoVectors.peterSig, enochSig = GoVectors.enochSig

        @Test func signingReproducesTheGoReferenceNote() throws {
            #expect(try GoVectors.peterSigner.sign(text) == text + "\n" + peterSig)
        }

        @Test func goReferenceNoteVerifies() throws {
            let note = try SignedNote.parse(text + "\n" + peterSig + enochSig)
            #expect(note.text == text)
            #expect(note.signatures.map(\.name) == ["PeterNeumann", "EnochRoot"])
            #expect(note.signatures.map(\.keyID) == [0xc74f_20a3, 0xaf0c_fe78])
            #expect(note.serialized == text + "\n" + peterSig + enochSig)
            // The unknown EnochRoot signature is ignored; with both keys known, both verify.
            #expect(try note.verify([peter]) == [peter])
            #expect(try note.verify([enoch]) == [enoch])
            #expect(try note.verify([enoch, peter]) == [peter, enoch])
            #expect(throws: NoteError.noVerifiedSignature) { try note.verify([]) }
            // Listing the same verifier twice is harmless.
            #expect(try note.verify([peter, peter]) == [peter])
        }

        @Test func signRoundTrip() throws {
            let signer = try NoteSigner(name: "example.com/round-trip", privateKey: Ed25519PrivateKey())
            for body in ["one line\n", "\n", "multi\n\nparagraph\n\n", "— looks like a signature line\n", "ünïcödé ✓\n"] {
                let signed = try signer.sign(body)
                let note = try SignedNote.parse(signed)
                #expect(note.text == body)
                #expect(note.serialized == signed)
                #expect(try note.verify([signer.verifier]) == [signer.verifier])
            }
        }

        @Test func extraUnknownSignaturesAreIgnored() throws {
            let log = FixedKey.signer
            let witness = try NoteSigner(name: "witness.example/w1", privateKey: Ed25519PrivateKey())
            let body = "cosigned\n"
            let signed = try log.sign(body) + (try witness.signatureLine(for: body))
            let note = try SignedNote.parse(signed)
            #expect(note.signatures.count == 2)
            #expect(try note.verify([log.verifier]) == [log.verifier])
            #expect(try note.verify([witness.verifier, log.verifier]) == [log.verifier, witness.verifier])
            // Unknown signatures are ignored even when they are garbage (but well-formed).
            let junk = "— stranger.example " + Base64.encode([1, 2, 3, 4, 5]) + "\n"
            #expect(try SignedNote.parse(signed + junk).verify([log.verifier]) == [log.verifier])
        }

        @Test func badSignatureByAKnownKeyRejectsTheNote() throws {
            // The Go test's corruption: "ABCD" spliced into the base64 signature.
            let corrupt = String(peterSig.prefix(60)) + "ABCD" + String(peterSig.dropFirst(60))
            let note = try SignedNote.parse(text + "\n" + corrupt)
            #expect(throws: NoteError.invalidSignature(name: "PeterNeumann", keyID: 0xc74f_20a3)) { try note.verify([peter]) }
            // Even next to a good signature by the same key, or with another known key valid.
            for order in [[peterSig, corrupt], [corrupt, peterSig], [enochSig, corrupt]] {
                let n = try SignedNote.parse(text + "\n" + order.joined())
                #expect(throws: NoteError.invalidSignature(name: "PeterNeumann", keyID: 0xc74f_20a3)) { try n.verify([peter, enoch]) }
            }
            // A signature over different text by the known key.
            let other = try SignedNote.parse("different text\n\n" + peterSig)
            #expect(throws: NoteError.invalidSignature(name: "PeterNeumann", keyID: 0xc74f_20a3)) { try other.verify([peter]) }
        }

        @Test func sameNameOrSameIDAloneIsAnUnknownKey() throws {
            let misnamed = peterSig.replacing("PeterNeumann", with: "CarmenSandiego")
            #expect(throws: NoteError.noVerifiedSignature) { try SignedNote.parse(text + "\n" + misnamed).verify([peter]) }
            let wrongID = peterSig.replacing("x08g", with: "xxxx")
            #expect(throws: NoteError.noVerifiedSignature) { try SignedNote.parse(text + "\n" + wrongID).verify([peter]) }
        }

        @Test func duplicateSignaturesVerifyOnce() throws {
            let note = try SignedNote.parse(text + "\n" + peterSig + peterSig + enochSig + enochSig)
            #expect(note.signatures.count == 4)
            #expect(try note.verify([peter, enoch]) == [peter, enoch])
        }

        @Test func signatureCountLimit() throws {
            let hundred = text + "\n" + String(repeating: peterSig, count: 100)
            #expect(try SignedNote.parse(hundred).verify([peter]) == [peter])
            expectNoteError("101 signature lines, at most 100 allowed") {
                _ = try SignedNote.parse(text + "\n" + String(repeating: peterSig, count: 101))
            }
        }

        @Test func malformedNotesAreRejected() {
            let bad: [(String, String)] = [
                // The Go reference's bad-message table.
                (text, "no blank line before the signatures"),
                (text + "\n", "no signature lines"),
                (text + "\n" + peterSig.dropLast(), "does not end with a newline"),
                ("\u{01}" + text + "\n" + peterSig, "control character 0x01"),
                (text + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
                 "does not end with a newline"),
                (text + "\n" + peterSig + "Unexpected line.\n", "signature line 2: does not start with"),
                // Line endings and control characters.
                (text.replacing("\n", with: "\r\n") + "\r\n" + peterSig, "control character 0x0d"),
                (text + "\n" + peterSig.replacing("\n", with: "\r\n"), "control character 0x0d"),
                ("tab\there\n\n" + peterSig, "control character 0x09"),
                ("nul\u{00}\n\n" + peterSig, "control character 0x00"),
                // Text not ending in a newline: no blank line can follow it.
                ("no newline" + "\n" + peterSig, "no blank line"),
                // Dashes: hyphen, en dash, double hyphen, missing space.
                (text + "\n" + peterSig.replacing("—", with: "-"), "signature line 1: does not start with"),
                (text + "\n" + peterSig.replacing("—", with: "–"), "signature line 1: does not start with"),
                (text + "\n" + peterSig.replacing("— ", with: "—"), "signature line 1: does not start with"),
                (text + "\n" + peterSig.replacing("— ", with: " — "), "signature line 1: does not start with"),
                // Signature syntax.
                (text + "\n" + peterSig + "— EnochRoot !!!!\n", "signature line 2: not base64"),
                (text + "\n" + peterSig + "— EnochRoot \n", "signature line 2: not base64"),
                (text + "\n" + peterSig + "— EnochRoot\n", "signature line 2: no space after the key name"),
                (text + "\n" + "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
                 "signature line 1: not base64"),
                (text + "\n" + "— PeterNeumann  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
                 "signature line 1: not base64"),
                (text + "\n" + peterSig.replacing("AM=\n", with: "AM= \n"), "signature line 1: not base64"),
                (text + "\n" + "— PeterNeumann " + Base64.encode([1, 2, 3, 4]) + "\n", "signature line 1: signature is 4 bytes"),
                (text + "\n" + "— Peter+Neumann " + Base64.encode([1, 2, 3, 4, 5]) + "\n", "signature line 1: invalid key name"),
                (text + "\n" + "—  " + Base64.encode([1, 2, 3, 4, 5]) + "\n", "signature line 1: invalid key name: empty"),
                // Trailing garbage after the signature block.
                (text + "\n" + peterSig + "\n", "no signature lines"),
                (text + "\n" + peterSig + "garbage", "does not end with a newline"),
                (text + "\n" + peterSig + "\n" + peterSig + "junk\n", "signature line 2: does not start with"),
                ("", "no blank line"),
                ("\n\n", "no signature lines"),
            ]
            for (note, message) in bad {
                expectNoteError(message) { _ = try SignedNote.parse(note) }
            }
        }

        @Test func signerRejectsMalformedText() {
            let signer = FixedKey.signer
            for (body, message) in [("abc", "does not end with a newline"), ("", "does not end with a newline"),
                                    ("a\r\n", "control character 0x0d"), ("a\u{1b}[31m\n", "control character 0x1b")] {
                expectNoteError(message) { _ = try signer.sign(body) }
                expectNoteError(message) { _ = try signer.signatureLine(for: body) }
            }
        }

        @Test func equalityIsByteExact() throws {
            // NFC "é" and NFD "e\u{301}" are equal as Swift Strings but are different note texts.
            let nfc = try SignedNote.parse("caf\u{e9}\n\n" + peterSig)
            let nfd = try SignedNote.parse("cafe\u{301}\n\n" + peterSig)
            #expect(nfc != nfd)
            #expect(nfc == (try SignedNote.parse(nfc.serialized)))
        }
    }

    @Suite struct Checkpoints {
        static let root = Digest32(bytes: (100..<132).map { UInt8($0) })!

        @Test func bodyMatchesTheSpecLayout() throws {
            let cp = Checkpoint(origin: FixedKey.name, size: 7, rootHash: Self.root)
            #expect(cp.body == FixedKey.checkpointBody)
            #expect(try Checkpoint(parsingBody: cp.body) == cp)
            let ext = Checkpoint(origin: "o", size: 0, rootHash: MerkleHashing.emptyRoot, extensions: ["ext one", "— two"])
            #expect(ext.body == "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\n— two\n")
            #expect(try Checkpoint(parsingBody: ext.body) == ext)
        }

        @Test func independentlySignedCheckpointOpens() throws {
            let note = FixedKey.checkpointBody + "\n" + FixedKey.checkpointSigLine
            let verifier = try NoteVerifier(vkey: FixedKey.vkey)
            let cp = try Checkpoint.open(note: note, verifier: verifier)
            #expect(cp == Checkpoint(origin: FixedKey.name, size: 7, rootHash: Self.root))
            #expect(try cp.signed(by: FixedKey.signer) == note)
        }

        @Test func specExampleBodyParses() throws {
            let cp = try Checkpoint(parsingBody: "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
            #expect(cp.origin == "example.com/behind-the-sofa")
            #expect(cp.size == 20_852_163)
            #expect(cp.rootHash.base64 == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
            #expect(cp.extensions.isEmpty)
        }

        @Test func signOpenRoundTripWithWitnessCosignature() throws {
            let log = try NoteSigner(name: "example.com/log", privateKey: Ed25519PrivateKey())
            let witness = try NoteSigner(name: "witness.example", privateKey: Ed25519PrivateKey())
            let cp = Checkpoint(origin: "example.com/log", size: UInt64.max, rootHash: SHA256.hash("x"), extensions: ["x"])
            let note = try cp.signed(by: log)
            #expect(try Checkpoint.open(note: note, verifier: log.verifier) == cp)
            let cosigned = note + (try witness.signatureLine(for: cp.body))
            #expect(try Checkpoint.open(note: cosigned, verifier: log.verifier) == cp)
            #expect(throws: NoteError.noVerifiedSignature) { try Checkpoint.open(note: note, verifier: witness.verifier) }
        }

        @Test func sizeBoundaries() throws {
            let root = Self.root.base64
            #expect(try Checkpoint(parsingBody: "o\n0\n\(root)\n").size == 0)
            #expect(try Checkpoint(parsingBody: "o\n18446744073709551615\n\(root)\n").size == UInt64.max)
        }

        @Test func malformedBodiesAreRejected() {
            let root = Self.root.base64
            let bad: [(String, String)] = [
                ("", "does not end with a newline"),
                ("o\n5\n\(root)", "does not end with a newline"),
                ("o\n5\n", "2 lines, need origin, size and root hash"),
                ("o\n", "1 lines"),
                ("\n5\n\(root)\n", "line 1 is empty"),
                ("o\n\n\(root)\n", "line 2 is empty"),
                ("o\n5\n\n", "line 3 is empty"),
                ("o\n5\n\(root)\n\n", "line 4 is empty"),
                ("o\n5\n\(root)\n\next\n", "line 4 is empty"),
                ("o\n5\n\(root)\next\n\n", "line 5 is empty"),
                ("o\n+5\n\(root)\n", "tree size \"+5\" is not a decimal number"),
                ("o\n-5\n\(root)\n", "is not a decimal number"),
                ("o\n 5\n\(root)\n", "is not a decimal number"),
                ("o\n5 \n\(root)\n", "is not a decimal number"),
                ("o\n0x5\n\(root)\n", "is not a decimal number"),
                ("o\n5.0\n\(root)\n", "is not a decimal number"),
                ("o\n\u{FF15}\n\(root)\n", "is not a decimal number"),  // fullwidth digit five
                ("o\n05\n\(root)\n", "tree size \"05\" has a leading zero"),
                ("o\n00\n\(root)\n", "has a leading zero"),
                ("o\n18446744073709551616\n\(root)\n", "does not fit in 64 bits"),
                ("o\n5\n\(Base64.encode([UInt8](repeating: 1, count: 31)))\n", "root hash is not base64 of 32 bytes"),
                ("o\n5\n\(Base64.encode([UInt8](repeating: 1, count: 33)))\n", "root hash is not base64 of 32 bytes"),
                ("o\n5\n\(root.dropLast())\n", "root hash is not base64 of 32 bytes"),
                ("o\n5\n\(Self.root.hex)\n", "root hash is not base64 of 32 bytes"),
                ("o\n5\n \(root)\n", "root hash is not base64 of 32 bytes"),
                ("o\r\n5\r\n\(root)\r\n", "control character 0x0d"),
                ("o\n5\n\(root)\n\t\n", "control character 0x09"),
            ]
            for (body, message) in bad {
                expectNoteError(message) { _ = try Checkpoint(parsingBody: body) }
            }
        }

        @Test func unsignableCheckpointsAreRefused() {
            let signer = FixedKey.signer
            for cp in [Checkpoint(origin: "", size: 1, rootHash: Self.root),
                       Checkpoint(origin: FixedKey.name, size: 1, rootHash: Self.root, extensions: [""]),
                       Checkpoint(origin: FixedKey.name, size: 1, rootHash: Self.root, extensions: ["two\nlines"]),
                       Checkpoint(origin: FixedKey.name + "\n", size: 1, rootHash: Self.root)] {
                #expect(throws: NoteError.self, "\(cp.body.debugDescription)") { try cp.signed(by: signer) }
            }
        }

        @Test func originMustMatchTheKeyName() throws {
            let signer = FixedKey.signer
            let cp = Checkpoint(origin: "example.com/other-log", size: 3, rootHash: Self.root)
            #expect(throws: NoteError.originMismatch(origin: "example.com/other-log", keyName: FixedKey.name)) {
                try cp.signed(by: signer)
            }
            // Signed anyway as a plain note: the signature is valid, but the origin is wrong.
            let note = try signer.sign(cp.body)
            #expect(throws: NoteError.originMismatch(origin: "example.com/other-log", keyName: FixedKey.name)) {
                try Checkpoint.open(note: note, verifier: signer.verifier)
            }
        }

        @Test func openRejectsBadNotesAndForeignKeys() throws {
            let note = FixedKey.checkpointBody + "\n" + FixedKey.checkpointSigLine
            let verifier = FixedKey.signer.verifier
            // Tampered size: the signature no longer verifies.
            let tampered = note.replacing("\n7\n", with: "\n8\n")
            #expect(throws: NoteError.invalidSignature(name: FixedKey.name, keyID: FixedKey.keyID)) {
                try Checkpoint.open(note: tampered, verifier: verifier)
            }
            // A different key under the same name is an unknown key: nothing verifies.
            let impostor = try NoteVerifier(name: FixedKey.name, publicKey: Ed25519PrivateKey().publicKey)
            #expect(throws: NoteError.noVerifiedSignature) { try Checkpoint.open(note: note, verifier: impostor) }
            // A validly signed note whose body is not a checkpoint.
            let notACheckpoint = try FixedKey.signer.sign("\(FixedKey.name)\nseven\n\(Self.root.base64)\n")
            expectNoteError("is not a decimal number") { _ = try Checkpoint.open(note: notACheckpoint, verifier: verifier) }
            expectNoteError("no blank line") { _ = try Checkpoint.open(note: FixedKey.checkpointBody, verifier: verifier) }
        }
    }
}
