import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Testing

/// Random sequences of seals, syncs, erasures and reopens against a model of the contract:
/// after every step each commitment opens to what the model says (its plaintext, or nil),
/// and each subject's commitments match.
@Suite struct VaultModelTests {
    /// The contract's rules, written out plainly.
    struct Model {
        var live: [Digest32: (plaintext: [UInt8], subjects: Set<Pseudonym>)] = [:]
        var known: Set<Digest32> = []

        mutating func seal(_ plaintext: [UInt8], _ c: Digest32, owner: Pseudonym, mentions: [Pseudonym]) {
            // Sealed before or erased: nothing.
            guard !known.contains(c) else { return }
            known.insert(c)
            // Naming a subject erased before is no different: the erasure took what was
            // recorded until then, and a new record about them is readable (a new key).
            live[c] = (plaintext, Set([owner] + mentions))
        }

        mutating func eraseSubject(_ p: Pseudonym) -> [Digest32] {
            let gone = live.filter { $0.value.subjects.contains(p) }.map(\.key)
            for c in gone { live[c] = nil }
            return gone.sorted { $0.hex < $1.hex }
        }

        mutating func eraseRecord(_ c: Digest32) { live[c] = nil }

        func commitments(of p: Pseudonym) -> [Digest32] {
            live.filter { $0.value.subjects.contains(p) }.map(\.key).sorted { $0.hex < $1.hex }
        }
    }

    @Test(arguments: [1, 2, 3, 4]) func randomOperationsMatchTheModel(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let dir = TemporaryDirectory("vault"), keys = VaultKeys.generate()
        var vault = try FileVault.open(directory: dir.path, keys: keys)
        let subjects = (0..<6).map { vault.pseudonym(.person(idType: "resident_id", idNumber: "model-\($0)")) }
        var model = Model()
        var commitments: [Digest32] = []
        for step in 0..<300 {
            switch random.next() % 20 {
            case 0..<11:
                // New commitments mostly, sometimes one already used (a retried group).
                let c = commitments.isEmpty || random.next() % 5 != 0 ? SHA256.hash("model \(seed) \(step)") : random.pick(commitments)
                let owner = random.pick(subjects)
                let mentions = (0..<Int(random.next() % 3)).map { _ in random.pick(subjects) }
                let plaintext = Array("step \(step)".utf8) + [UInt8](repeating: UInt8(step % 256), count: Int(random.next() % 2000))
                try vault.seal(plaintext, commitment: c, owner: owner, mentions: mentions)
                model.seal(plaintext, c, owner: owner, mentions: mentions)
                if !commitments.contains(c) { commitments.append(c) }
            case 11..<14:
                try vault.sync()
            case 14:
                let p = random.pick(subjects)
                #expect(try vault.eraseSubject(p) == model.eraseSubject(p), "step \(step)")
            case 15..<17 where !commitments.isEmpty:
                let c = random.pick(commitments)
                try vault.eraseRecord(c)
                model.eraseRecord(c)
            default:
                try vault.sync()
                vault = try FileVault.open(directory: dir.path, keys: keys)
            }
            for c in commitments {
                #expect(try vault.open(c) == model.live[c]?.plaintext, "step \(step): \(c.hex)")
            }
            for p in subjects { #expect(vault.commitments(of: p) == model.commitments(of: p), "step \(step)") }
        }
    }
}
