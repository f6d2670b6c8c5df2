import CreditRecords
import Foundation
import LedgerCrypto
import TransparencyLog

extension Ledger {
    /// What `careledger demo` created, for the newcomer at the terminal.
    public struct DemoLoad: Sendable {
        public struct Token: Sendable {
            public let id: String
            public let role: Role
            public let token: String
        }

        /// Empty when the log already held records (then nothing was loaded).
        public let tokens: [Token]
        public let records: Int
        public let alreadyLoaded: Bool
        /// Seqs worth looking at: the two bans, the revocation, the credit repair.
        public let highlights: [(label: String, seq: UInt64)]
    }

    /// Loads the demo data set through the same append path as `POST /v1/records`
    /// (validation, authorisation, reservations, the registry), as the inspectors of each
    /// district's health and market-regulation bureaus. Only into an empty log.
    public func loadDemo(today: LocalDate = LocalDate.today()) async throws -> DemoLoad {
        guard log.size == 0 else { return DemoLoad(tokens: [], records: Int(log.size), alreadyLoaded: true, highlights: []) }
        let demo = DemoDataSet.make(today: today)
        var tokens = [DemoLoad.Token]()
        // Inspectors sign their lifetime bans (docs/records.md "Bans need two people"); the
        // demo's keys live in memory only, so nothing can be signed with them afterwards.
        var keys = [String: Ed25519PrivateKey]()
        func create(_ id: String, _ role: Role, authority: Organization? = nil, institution: Organization? = nil, listed: Bool = true) async throws {
            var publicKey: String?
            if role == .inspector {
                let key = Ed25519PrivateKey()
                keys[id] = key
                publicKey = Base64.encode(key.publicKey.rawRepresentation)
            }
            let (principal, token) = try principals.create(id: id, role: role, authority: authority, institution: institution,
                                                           publicKey: publicKey, now: Timestamp.now(), expiresAt: tokenExpiry())
            try await principalLog.record(.created, principal, by: "demo")
            if listed { tokens.append(DemoLoad.Token(id: id, role: role, token: token)) }
        }
        for authority in demo.authorities {
            let organization = Organization(name: authority.name, uscc: authority.uscc, region: authority.region)
            try await create(authority.principal, .inspector, authority: organization)
        }
        let sample = demo.sampleInstitution
        try await create("inst-demo", .institution, institution: Organization(name: sample.name, uscc: sample.uscc, region: sample.region))
        try await create("auditor-demo", .auditor)
        try await create("exporter-demo", .exporter)

        var seqs = [String: UInt64]()
        for record in demo.records {
            guard let principal = principals.principal(id: record.authority.principal) else { continue }
            var document = record.document(seqs)
            let lifetimeBan = document.objectValue?["kind"] == .string(RecordKind.ban.rawValue)
                && document.objectValue?["body"]?.objectValue?["scope"] == .string(BanScope.lifetime.rawValue)
            if lifetimeBan, let key = keys[principal.id] { document = try ClientSigning.sign(document, with: key, keyId: principal.id) }
            let outcome = try await appendRecord(try CanonicalJSON.encode(document), principal: principal, logger: logger)
            if let label = record.label { seqs[label] = outcome.seq }
            // The second inspector who confirms the first's lifetime bans, made when first needed;
            // its key is gone with this process, so its token is not handed out.
            if lifetimeBan, principals.principal(id: principal.id + "-2") == nil {
                try await create(principal.id + "-2", .inspector, authority: principal.authority, listed: false)
            }
            if lifetimeBan, let second = principals.principal(id: principal.id + "-2"), let key = keys[second.id],
               let authority = document.objectValue?["body"]?.objectValue?["authority"] {
                let confirmation: JSONValue = .object(JSONObject([("kind", .string(RecordKind.banConfirmation.rawValue)), ("body", .object(JSONObject([
                    ("target", .uint(outcome.seq)), ("decidedAt", .string(today.description)), ("authority", authority)])))]))
                let signed = try ClientSigning.sign(confirmation, with: key, keyId: second.id)
                _ = try await confirmBan(seq: outcome.seq, try CanonicalJSON.encode(signed), principal: second, logger: logger)
            }
        }
        let highlights = ["ban-perpetrator", "ban-manager", "revocation", "credit-repair", "penalty-closure"].compactMap { label in seqs[label].map { (label, $0) } }
        // Every entry appended, the bans' confirmations included.
        return DemoLoad(tokens: tokens, records: Int(log.size), alreadyLoaded: false, highlights: highlights)
    }
}
