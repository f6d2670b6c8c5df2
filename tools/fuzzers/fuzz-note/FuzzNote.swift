// Fuzz target: C2SP signed notes, checkpoints and verifier keys (TransparencyLog/Note).
// Built with `-sanitize=fuzzer -Xswiftc -DFUZZING` by tools/fuzz; a plain build makes a
// replayer that runs the same checks on the files named on its command line.
import FuzzSupport
import LedgerCrypto
import TransparencyLog

let signer: NoteSigner = {
    // Seed 00 01 … 1f, the fixed key of Tests/TransparencyLogTests/NoteTests.swift.
    let key = try! Ed25519PrivateKey(rawRepresentation: (0..<32).map { UInt8($0) })
    return try! NoteSigner(name: "example.com/careledger", privateKey: key)
}()

func fuzzOne(_ bytes: [UInt8]) {
    // Notes are text: the HTTP layer and recovery hand the parsers Strings. Invalid UTF-8
    // becomes U+FFFD on the way in, so fuzz what a String can hold.
    let text = String(decoding: bytes, as: UTF8.self)

    // A signed note that parses re-serialises to exactly its input.
    if let note = try? SignedNote.parse(text) {
        check(note.serialized.utf8.elementsEqual(text.utf8), "SignedNote.serialized differs from the parsed note")
        check(note.signatures.count <= SignedNote.maxSignatures, "more signatures than allowed")
        check((try? SignedNote.parse(note.serialized)) == note, "re-parse of the serialised note differs")
        // No signature by an unrelated key verifies (nobody can forge the fixed key here).
        if let verified = try? note.verify([signer.verifier]) {
            check(verified == [signer.verifier], "verify returned a key it was not given")
            check(signer.verifier.verify(text: note.text, signature: note.signatures.first { $0.keyID == signer.keyID }!.signature),
                  "note verified without a good signature")
        }
        if let checkpoint = try? Checkpoint.open(note: text, verifier: signer.verifier) {
            check(checkpoint.body.utf8.elementsEqual(note.text.utf8), "opened checkpoint's body differs from the note text")
        }
    }

    // A checkpoint body that parses re-serialises to the same text, and survives signing and opening.
    if let checkpoint = try? Checkpoint(parsingBody: text) {
        check(checkpoint.body.utf8.elementsEqual(text.utf8), "Checkpoint.body differs from the parsed text")
        if checkpoint.origin.utf8.elementsEqual(signer.name.utf8) {
            let note: String
            do { note = try checkpoint.signed(by: signer) } catch { fatalError("a checkpoint that parses does not sign: \(error)") }
            let opened: Checkpoint
            do { opened = try Checkpoint.open(note: note, verifier: signer.verifier) } catch { fatalError("a signed checkpoint does not open: \(error)") }
            check(opened == checkpoint, "signed and opened checkpoint differs")
            check((try? SignedNote.parse(note))?.serialized == note, "signed note does not round-trip")
        } else {
            check((try? checkpoint.signed(by: signer)) == nil, "signed a checkpoint whose origin is not the key name")
        }
    }

    // A verifier key that parses prints back as the same text.
    if let verifier = try? NoteVerifier(vkey: text) {
        check(verifier.vkey.utf8.elementsEqual(text.utf8), "NoteVerifier.vkey differs from the parsed text")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
enum Replay {
    static func main() { replayFiles("fuzz-note", fuzzOne) }
}
#endif
