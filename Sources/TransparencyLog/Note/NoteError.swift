import LedgerCrypto

/// Everything that can be wrong with a signed note, a note key or a checkpoint. Each case
/// carries enough detail to say exactly which part was rejected.
public enum NoteError: Error, Equatable, CustomStringConvertible {
    case invalidKeyName(String)
    case malformedVerifierKey(String)
    case malformedText(String)
    case malformedNote(String)
    case invalidSignature(name: String, keyID: UInt32)
    case ambiguousKey(name: String, keyID: UInt32)
    case noVerifiedSignature
    case malformedCheckpoint(String)
    case originMismatch(origin: String, keyName: String)

    public var description: String {
        switch self {
        case .invalidKeyName(let why): return "invalid key name: \(why)"
        case .malformedVerifierKey(let why): return "malformed verifier key: \(why)"
        case .malformedText(let why): return "malformed note text: \(why)"
        case .malformedNote(let why): return "malformed note: \(why)"
        case .invalidSignature(let name, let id): return "invalid signature by known key \(name)+\(NoteKeyID.hex(id))"
        case .ambiguousKey(let name, let id): return "ambiguous key \(name)+\(NoteKeyID.hex(id)): several verifiers share that name and key ID"
        case .noVerifiedSignature: return "note has no signature by a known key"
        case .malformedCheckpoint(let why): return "malformed checkpoint: \(why)"
        case .originMismatch(let origin, let keyName):
            return "checkpoint origin \"\(origin)\" does not match the key name \"\(keyName)\""
        }
    }
}

/// Rules shared by keys, notes and checkpoints. Everything compares UTF-8 bytes, never Swift
/// `String` equality, because `String ==` treats canonically equivalent Unicode as equal and
/// two byte-different names or texts must never be confused in a log.
enum NoteSyntax {
    static let newline = UInt8(ascii: "\n")

    /// C2SP: key names are non-empty, with no Unicode whitespace and no '+'. Control characters
    /// are refused too, since they could never appear in a valid signature line.
    static func checkKeyName(_ name: String) throws {
        if name.isEmpty { throw NoteError.invalidKeyName("empty") }
        for scalar in name.unicodeScalars {
            if scalar == "+" { throw NoteError.invalidKeyName("\(name.debugDescription) contains '+'") }
            if scalar.properties.isWhitespace || scalar.value < 0x20 {
                throw NoteError.invalidKeyName("\(name.debugDescription) contains whitespace or a control character")
            }
        }
    }

    /// Note text: ends in a newline and holds no ASCII control character but newline.
    /// Swift strings are always valid UTF-8, so that part of the rule holds by construction.
    static func checkText(_ text: some BidirectionalCollection<UInt8>, error: (String) -> NoteError) throws {
        guard text.last == newline else { throw error("text does not end with a newline") }
        if let bad = firstControlByte(text) { throw error("contains control character 0x\(Hex.encode([bad]))") }
    }

    static func firstControlByte(_ bytes: some Collection<UInt8>) -> UInt8? {
        bytes.first { $0 < 0x20 && $0 != newline }
    }

    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}

enum NoteKeyID {
    /// The 8 lower-case hex digits used in vkeys and messages.
    static func hex(_ id: UInt32) -> String { Hex.encode(bigEndian(id)) }

    static func bigEndian(_ id: UInt32) -> [UInt8] {
        [UInt8(id >> 24), UInt8(id >> 16 & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id & 0xFF)]
    }

    static func read(_ bytes: some Collection<UInt8>) -> UInt32 {
        bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }
}
