import LedgerCrypto
import PersonalVault
import Testing

@Suite struct MemoryVaultTests {
    let owner = SubjectIdentifier.person(idType: "resident_id", idNumber: "11010519491231002X")
    let institution = SubjectIdentifier.organization(uscc: "91330304MA2L12345X")

    @Test func erasingASubjectDestroysWhatItOwnsAndWhatMentionsIt() throws {
        let vault = MemoryVault()
        let person = vault.pseudonym(owner), org = vault.pseudonym(institution)
        let a = SHA256.hash(Array("a".utf8)), b = SHA256.hash(Array("b".utf8)), c = SHA256.hash(Array("c".utf8))
        try vault.seal(Array("ban".utf8), commitment: a, owner: person, mentions: [])
        try vault.seal(Array("filing".utf8), commitment: b, owner: org, mentions: [person])
        try vault.seal(Array("other".utf8), commitment: c, owner: org, mentions: [])
        let backup = vault.copy()
        #expect(Set(try vault.eraseSubject(person)) == [a, b])
        #expect(try vault.open(a) == nil)
        #expect(try vault.open(b) == nil)
        #expect(try vault.open(c) == Array("other".utf8))
        #expect(try backup.open(a) == Array("ban".utf8))
        // Recorded again later: readable under the subject's next generation, while what
        // was erased stays erased; erasing again takes only the new record.
        let d = SHA256.hash(Array("d".utf8))
        try vault.seal(Array("late".utf8), commitment: d, owner: person, mentions: [])
        #expect(try vault.open(d) == Array("late".utf8))
        #expect(vault.commitments(of: person) == [d])
        #expect(try vault.open(a) == nil)
        #expect(try vault.eraseSubject(person) == [d])
        #expect(try vault.open(d) == nil && vault.commitments(of: person).isEmpty)
    }

    @Test func pseudonymsDependOnTheKey() {
        let one = MemoryVault(indexKey: Array(repeating: 1, count: 32), indexKeyID: "k1")
        let two = MemoryVault(indexKey: Array(repeating: 2, count: 32), indexKeyID: "k2")
        #expect(one.pseudonym(owner) != two.pseudonym(owner))
        #expect(one.pseudonym(owner) == one.pseudonym(owner))
        #expect(one.pseudonym(owner) != one.pseudonym(institution))
    }
}
