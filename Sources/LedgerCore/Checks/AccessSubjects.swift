import CreditRecords
import PersonalVault

/// How the access log names the person a check or an audit was about (docs/http.md "The
/// audit log"): the person's vault pseudonym under the current index key, written
/// `<index key id>:<base64 HMAC-SHA-256>`. Never the ID number, and never a hash whose key sits
/// in the data directory: ID numbers are few enough to enumerate (region, birth date, a
/// three-digit sequence), so a copy of the data directory plus the server secret used to be
/// enough to test a guessed number against every entry. The index keys live with the vault's
/// key file, kept apart from the data directory and its backups.
extension Ledger {
    /// The name a new entry is written under.
    package func accessSubject(idType: IdType, idNumber: String) -> String {
        Self.accessSubject(vault.pseudonym(RecordSubjects.person(idType: idType, number: idNumber)))
    }

    /// Every name entries about the person may carry, newest key first: one per index key the
    /// vault holds (a rotated key's entries stay found), then the server-secret form of the
    /// entries written before the index key was used.
    package func accessSubjects(idType: IdType, idNumber: String) -> [String] {
        vault.pseudonyms(RecordSubjects.person(idType: idType, number: idNumber)).map(Self.accessSubject)
            + [AccessLedger.subject(secret: secret, idType: idType, idNumber: idNumber)]
    }

    static func accessSubject(_ pseudonym: Pseudonym) -> String { pseudonym.keyID + ":" + pseudonym.digest.base64 }
}
