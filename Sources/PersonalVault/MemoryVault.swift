import LedgerCrypto
import Synchronization

/// A vault held in memory, for tests and `careledger demo`: the same contract as the file
/// vault without encryption or durability. `copy()` stands in for a backup.
public final class MemoryVault: PersonalVault {
    private struct State {
        var plaintexts: [Digest32: [UInt8]] = [:]
        var owners: [Digest32: Pseudonym] = [:]
        var subjects: [Pseudonym: Set<Digest32>] = [:]
        var destroyedKeys: Set<Pseudonym> = []

        /// nil: never filed; else whether its key was destroyed.
        func destroyed(_ p: Pseudonym) -> Bool? {
            destroyedKeys.contains(p) ? true : subjects[p] == nil ? nil : false
        }
    }
    private let state: Mutex<State>
    private let indexKey: [UInt8]
    public let indexKeyID: String

    public init(indexKey: [UInt8] = Array(repeating: 7, count: 32), indexKeyID: String = "k1") {
        self.indexKey = indexKey
        self.indexKeyID = indexKeyID
        self.state = Mutex(State())
    }

    private init(indexKey: [UInt8], indexKeyID: String, state: State) {
        self.indexKey = indexKey
        self.indexKeyID = indexKeyID
        self.state = Mutex(state)
    }

    /// An independent copy of everything held now (a backup taken at this moment).
    public func copy() -> MemoryVault {
        MemoryVault(indexKey: indexKey, indexKeyID: indexKeyID, state: state.withLock { $0 })
    }

    public func pseudonym(_ subject: SubjectIdentifier) -> Pseudonym {
        Pseudonym(keyID: indexKeyID, digest: HMACSHA256.authenticationCode(for: subject.canonicalBytes, key: indexKey))
    }

    public func seal(_ plaintext: [UInt8], commitment: Digest32, owner: Pseudonym, mentions: [Pseudonym]) throws {
        state.withLock { s in
            // A destroyed data key is never recreated: a subject recorded again after its
            // erasure is filed under its next generation (as the file vault does).
            let owner = Pseudonym.generationForSealing(of: owner, destroyed: s.destroyed)
            s.plaintexts[commitment] = plaintext
            s.owners[commitment] = owner
            for subject in [owner] + mentions.map({ Pseudonym.generationForSealing(of: $0, destroyed: s.destroyed) }) {
                s.subjects[subject, default: []].insert(commitment)
            }
        }
    }

    public func sync() throws {}

    public func open(_ commitment: Digest32) throws -> [UInt8]? {
        state.withLock { s in
            guard let owner = s.owners[commitment], !s.destroyedKeys.contains(owner) else { return nil }
            return s.plaintexts[commitment]
        }
    }

    public func eraseSubject(_ subject: Pseudonym) throws -> [Digest32] {
        state.withLock { s in
            let subject = Pseudonym.newestGeneration(of: subject, destroyed: s.destroyed)
            s.destroyedKeys.insert(subject)
            let gone = s.subjects.removeValue(forKey: subject) ?? []
            for commitment in gone {
                s.plaintexts[commitment] = nil
                s.owners[commitment] = nil
            }
            return gone.sorted { $0.hex < $1.hex }
        }
    }

    public func eraseRecord(_ commitment: Digest32) throws {
        state.withLock { s in
            s.plaintexts[commitment] = nil
            s.owners[commitment] = nil
        }
    }

    public func commitments(of subject: Pseudonym) -> [Digest32] {
        state.withLock { s in
            let newest = Pseudonym.newestGeneration(of: subject, destroyed: s.destroyed)
            return (s.subjects[newest] ?? []).filter { s.plaintexts[$0] != nil }.sorted { $0.hex < $1.hex }
        }
    }
}
