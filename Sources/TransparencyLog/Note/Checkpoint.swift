import LedgerCrypto

/// A C2SP tlog-checkpoint: the signed statement "log <origin> has <size> leaves with root <rootHash>".
public struct Checkpoint: Sendable, Hashable {
    public let origin: String
    public let size: UInt64
    public let rootHash: Digest32
    /// Opaque extra lines, each non-empty, without their newline.
    public let extensions: [String]

    /// Does not validate: `signed(by:)` refuses a checkpoint whose body would not parse back.
    public init(origin: String, size: UInt64, rootHash: Digest32, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensions = extensions
    }

    /// The note text: origin, size, base64 root and any extension lines, each ending in "\n".
    public var body: String {
        "\(origin)\n\(size)\n\(rootHash.base64)\n" + extensions.map { $0 + "\n" }.joined()
    }

    public init(parsingBody body: String) throws {
        let bytes = Array(body.utf8)
        try NoteSyntax.checkText(bytes, error: NoteError.malformedCheckpoint)
        let lines = bytes.dropLast().split(separator: NoteSyntax.newline, omittingEmptySubsequences: false)
        guard lines.count >= 3 else { throw NoteError.malformedCheckpoint("\(lines.count) lines, need origin, size and root hash") }
        if let empty = lines.firstIndex(where: \.isEmpty) {
            throw NoteError.malformedCheckpoint("line \(empty + 1) is empty")
        }
        origin = String(decoding: lines[0], as: UTF8.self)
        size = try Self.parseSize(lines[1])
        guard let root = Digest32(base64: String(decoding: lines[2], as: UTF8.self)) else {
            throw NoteError.malformedCheckpoint("root hash is not base64 of 32 bytes")
        }
        rootHash = root
        extensions = lines.dropFirst(3).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The signed note for this checkpoint. The key name must be the origin, which is what
    /// `open(note:verifier:)` requires of every checkpoint it accepts.
    public func signed(by signer: NoteSigner) throws -> String {
        let reparsed = try Checkpoint(parsingBody: body)
        guard reparsed == self else {
            throw NoteError.malformedCheckpoint("origin or extension lines are empty or contain newlines or control characters")
        }
        guard NoteSyntax.same(origin, signer.name) else { throw NoteError.originMismatch(origin: origin, keyName: signer.name) }
        return try signer.sign(body)
    }

    /// Parses `note`, requires a valid signature by `verifier`, and parses the body, whose
    /// origin must equal the verifier's key name.
    public static func open(note: String, verifier: NoteVerifier) throws -> Checkpoint {
        let parsed = try SignedNote.parse(note)
        _ = try parsed.verify([verifier])
        let checkpoint = try Checkpoint(parsingBody: parsed.text)
        guard NoteSyntax.same(checkpoint.origin, verifier.name) else {
            throw NoteError.originMismatch(origin: checkpoint.origin, keyName: verifier.name)
        }
        return checkpoint
    }

    /// Decimal ASCII digits only, no sign, no spaces, no leading zero except "0" itself.
    private static func parseSize(_ digits: ArraySlice<UInt8>) throws -> UInt64 {
        let text = String(decoding: digits, as: UTF8.self)
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw NoteError.malformedCheckpoint("tree size \(text.debugDescription) is not a decimal number")
        }
        guard digits.first != UInt8(ascii: "0") || digits.count == 1 else {
            throw NoteError.malformedCheckpoint("tree size \(text.debugDescription) has a leading zero")
        }
        guard let value = UInt64(text) else { throw NoteError.malformedCheckpoint("tree size \(text) does not fit in 64 bits") }
        return value
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.size == b.size && a.rootHash == b.rootHash && NoteSyntax.same(a.origin, b.origin)
            && a.extensions.count == b.extensions.count && zip(a.extensions, b.extensions).allSatisfy(NoteSyntax.same)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(size)
        hasher.combine(rootHash)
    }
}

/// A checkpoint as signed: the note text and what it says.
public struct SignedCheckpoint: Sendable, Equatable {
    public let note: String
    public let checkpoint: Checkpoint

    public init(note: String, checkpoint: Checkpoint) {
        self.note = note
        self.checkpoint = checkpoint
    }
}
