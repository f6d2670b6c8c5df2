import LedgerCrypto

/// A subject's pseudonym: HMAC-SHA-256 of its canonical identifier under the vault's index
/// key, with that key's id so the key can be rotated (docs/operations.md "Vault keys").
/// The vault and the background index find people by it; it never enters the log's leaves,
/// which would link one person's records for anyone holding the key.
public struct Pseudonym: Hashable, Sendable {
    public let keyID: String
    public let digest: Digest32

    public init(keyID: String, digest: Digest32) {
        self.keyID = keyID
        self.digest = digest
    }

    /// The vault's name for the subject's `n`th data key (n ≥ 2), after an erasure destroyed
    /// the one before: `<index key id>+g<n>` over the same digest. Index key ids are `k1`,
    /// `k2`, …, so no pseudonym made by an index key looks like one. Only the vault uses it:
    /// the index, access entries and subject codes know a subject by its plain pseudonym.
    public func generation(_ n: Int) -> Pseudonym {
        Pseudonym(keyID: "\(keyID)+g\(n)", digest: digest)
    }

    /// A subject recorded again after its erasure gets a new data key under a new vault name,
    /// so that its new records stay readable while the erased ones stay destroyed (a later
    /// lifetime ban must reach every check). `destroyed` says what the vault knows of a name:
    /// nil (never filed), else whether its key was destroyed. Answers the name to seal under:
    /// the newest generation unless it was destroyed, else the one after it.
    static func generationForSealing(of base: Pseudonym, destroyed: (Pseudonym) -> Bool?) -> Pseudonym {
        let newest = generations(of: base, destroyed: destroyed)
        return newest.destroyed ? base.generation(newest.number + 1) : newest.name
    }

    /// The newest generation the vault has filed of `base` (`base` itself, generation 1, when
    /// there is no other): what an erasure destroys, and whose records a subject's lookups
    /// answer (the older ones were all destroyed).
    static func newestGeneration(of base: Pseudonym, destroyed: (Pseudonym) -> Bool?) -> Pseudonym {
        generations(of: base, destroyed: destroyed).name
    }

    /// The newest generation, its number and whether its key was destroyed. A generation is
    /// made only after the one before it was destroyed, so a subject never erased costs one
    /// lookup.
    private static func generations(of base: Pseudonym, destroyed: (Pseudonym) -> Bool?) -> (name: Pseudonym, number: Int, destroyed: Bool) {
        var newest = (name: base, number: 1, destroyed: destroyed(base) == true)
        while newest.destroyed, let next = destroyed(base.generation(newest.number + 1)) {
            newest = (base.generation(newest.number + 1), newest.number + 1, next)
        }
        return newest
    }
}

/// The canonical identifier a pseudonym is computed over: a person by ID type and
/// normalised number, an organisation by its USCC. One spelling, so a check typed with
/// spaces and the record it looks for meet.
public enum SubjectIdentifier: Hashable, Sendable {
    case person(idType: String, idNumber: String)
    case organization(uscc: String)

    /// `person:<idType>:<idNumber>` or `org:<uscc>`, UTF-8.
    public var canonicalBytes: [UInt8] {
        switch self {
        case .person(let type, let number): return Array("person:\(type):\(number)".utf8)
        case .organization(let uscc): return Array("org:\(uscc)".utf8)
        }
    }
}

/// Why an erasure was refused or failed inside the vault.
public enum VaultError: Error, Sendable, Equatable {
    /// The key file is missing, unreadable, malformed or inside the data directory.
    case keyFile(String)
    /// The vault's files are damaged (a bad frame, a tag that does not verify).
    case corrupt(String)
    case io(String)
}

/// The side store of records' personal parts (docs/log-format.md "Sealed entries").
///
/// Each plaintext is encrypted with AES-256-GCM under a random data key of its *owner*
/// subject; data keys are wrapped by a key-encryption key kept outside the data directory.
/// Erasing a subject destroys its data key (and every plaintext it owns or is mentioned in);
/// erasing a record destroys that record's ciphertext. The log never needs the vault: a
/// leaf holds only the public fields and the commitment the plaintext is filed under.
///
/// Writers call `seal` for each record of a commit group and `sync` once before the log
/// writes any of them (the records log's `beforeCommit`), so a vault write costs one fsync
/// per group.
public protocol PersonalVault: AnyObject, Sendable {
    /// The id of the index key new pseudonyms are made with.
    var indexKeyID: String { get }
    /// The subject's pseudonym under the current index key.
    func pseudonym(_ subject: SubjectIdentifier) -> Pseudonym
    /// Encrypts `plaintext` under `owner`'s data key (created on first use, and anew for a
    /// subject erased before: `Pseudonym.generation`) and files it under `commitment`.
    /// `mentions` are further subjects whose erasure must also destroy it (a filing's 负责人
    /// beside the institution that owns it). Durable after `sync()`.
    func seal(_ plaintext: [UInt8], commitment: Digest32, owner: Pseudonym, mentions: [Pseudonym]) throws
    /// Makes every `seal` so far durable.
    func sync() throws
    /// The plaintext filed under `commitment`; nil when it was erased or never sealed.
    func open(_ commitment: Digest32) throws -> [UInt8]?
    /// Destroys the subject's data key (its newest generation's) and every plaintext it owns
    /// or is mentioned in, durably, and answers the commitments whose plaintext is gone.
    /// Erasing twice destroys nothing new (a file vault writes its zeros again, so a retry after a failed sync
    /// makes them durable).
    func eraseSubject(_ subject: Pseudonym) throws -> [Digest32]
    /// Destroys the plaintext filed under `commitment`, durably. Erasing twice destroys
    /// nothing new.
    func eraseRecord(_ commitment: Digest32) throws
    /// The commitments a subject owns or is mentioned in and that can still be opened.
    func commitments(of subject: Pseudonym) -> [Digest32]

    // Added for index-key rotation (defaults in VaultSubjects.swift).

    /// The subject's pseudonyms under every index key the vault holds, the current first.
    func pseudonyms(_ subject: SubjectIdentifier) -> [Pseudonym]
    /// `seal` by identifier: the vault files it under the pseudonym it already knows the
    /// subject by, under whichever index key, so a rotation makes no second data key.
    func seal(_ plaintext: [UInt8], commitment: Digest32, owner: SubjectIdentifier, mentions: [SubjectIdentifier]) throws
    /// The pseudonym that `seal` by identifier files the subject under: for a writer that
    /// keeps a pseudonym to seal under later without the identifier (an objection's reply).
    func filingPseudonym(_ subject: SubjectIdentifier) -> Pseudonym

    // Added for recovery from a failed sync (defaults in VaultSubjects.swift).

    /// After a failed `sync` a vault refuses writes; this puts it back in place once the disk
    /// works again, dropping every seal no successful sync covered. Throws while it cannot.
    func recoverIfFailed() throws
    /// How many times the vault recovered. A writer reads it before sealing and again after
    /// the `sync` that covers the seal (the records log's fence): if it changed, the seal may
    /// be gone and must not be relied on.
    var recoveries: UInt64 { get }

    // Added for the export's reads (default in VaultSubjects.swift).

    /// `open` without the plaintext's first `prefix` bytes (all of it when it is shorter):
    /// the export drops every record's salt, and a vault that decrypts can skip it for free.
    func open(_ commitment: Digest32, droppingFirst prefix: Int) throws -> [UInt8]?
}
