import LedgerCrypto
import PersonalVault
@testable import LedgerCore

/// A memory vault that tests wrap to watch or hold one operation (a subclass overrides it).
class DelegatingVault: PersonalVault, @unchecked Sendable {
    let inner = MemoryVault()
    var indexKeyID: String { inner.indexKeyID }
    func pseudonym(_ subject: SubjectIdentifier) -> Pseudonym { inner.pseudonym(subject) }
    func seal(_ plaintext: [UInt8], commitment: Digest32, owner: Pseudonym, mentions: [Pseudonym]) throws {
        try inner.seal(plaintext, commitment: commitment, owner: owner, mentions: mentions)
    }
    func sync() throws { try inner.sync() }
    func open(_ commitment: Digest32) throws -> [UInt8]? { try inner.open(commitment) }
    func eraseSubject(_ subject: Pseudonym) throws -> [Digest32] { try inner.eraseSubject(subject) }
    func eraseRecord(_ commitment: Digest32) throws { try inner.eraseRecord(commitment) }
    func commitments(of subject: Pseudonym) -> [Digest32] { inner.commitments(of: subject) }

    /// The service's core on `directory` with this vault, and its admin.
    func openLedger(_ directory: String) async throws -> (Ledger, Principal) {
        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory
        configuration.openVault = { [self] _ in self }
        let ledger = try await Ledger.open(configuration: configuration)
        guard let admin = ledger.principals.principal(id: ServerDataDirectory.adminId) else { throw TestFailure("no admin principal") }
        return (ledger, admin)
    }
}
