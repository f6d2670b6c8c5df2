import LedgerCrypto

/// Defaults for the requirements added for index-key rotation and for recovery, and the
/// by-identifier forms erasure and lookups use so pseudonyms made before a rotation are found
/// too.
extension PersonalVault {
    /// A vault with a single index key knows one pseudonym per subject.
    public func pseudonyms(_ subject: SubjectIdentifier) -> [Pseudonym] { [pseudonym(subject)] }

    public func seal(_ plaintext: [UInt8], commitment: Digest32, owner: SubjectIdentifier, mentions: [SubjectIdentifier]) throws {
        try seal(plaintext, commitment: commitment, owner: pseudonym(owner), mentions: mentions.map { pseudonym($0) })
    }

    public func filingPseudonym(_ subject: SubjectIdentifier) -> Pseudonym { pseudonym(subject) }

    /// Erases the subject under every pseudonym it may have been filed under.
    public func eraseSubject(_ subject: SubjectIdentifier) throws -> [Digest32] {
        var gone = Set<Digest32>()
        for p in pseudonyms(subject) { gone.formUnion(try eraseSubject(p)) }
        return gone.sorted { $0.hex < $1.hex }
    }

    /// A vault without in-place recovery (in memory) never needs one.
    public func recoverIfFailed() throws {}
    public var recoveries: UInt64 { 0 }

    public func open(_ commitment: Digest32, droppingFirst prefix: Int) throws -> [UInt8]? {
        try open(commitment).map { Array($0.dropFirst(prefix)) }
    }

    /// The subject's openable commitments under every pseudonym.
    public func commitments(of subject: SubjectIdentifier) -> [Digest32] {
        Set(pseudonyms(subject).flatMap { commitments(of: $0) }).sorted { $0.hex < $1.hex }
    }
}

extension VaultError: CustomStringConvertible {
    /// The message alone: it is what an operator reads at a refused start.
    public var description: String {
        switch self {
        case .keyFile(let message): return message
        case .corrupt(let message): return "vault damaged: " + message
        case .io(let message): return "vault: " + message
        }
    }
}
