import CreditRecords
import Foundation
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
        func create(_ id: String, _ role: Role, authority: Organization? = nil, institution: Organization? = nil) async throws {
            let (principal, token) = try principals.create(id: id, role: role, authority: authority, institution: institution,
                                                           publicKey: nil, now: Timestamp.now(), expiresAt: tokenExpiry())
            try await principalLog.record(.created, principal, by: "demo")
            tokens.append(DemoLoad.Token(id: id, role: role, token: token))
        }
        for authority in demo.authorities {
            try await create(authority.principal, .inspector, authority: Organization(name: authority.name, uscc: authority.uscc, region: authority.region))
        }
        let sample = demo.sampleInstitution
        try await create("inst-demo", .institution, institution: Organization(name: sample.name, uscc: sample.uscc, region: sample.region))
        try await create("auditor-demo", .auditor)
        try await create("exporter-demo", .exporter)

        var seqs = [String: UInt64]()
        for record in demo.records {
            guard let principal = principals.principal(id: record.authority.principal) else { continue }
            let bytes = try CanonicalJSON.encode(record.document(seqs))
            let outcome = try await appendRecord(bytes, principal: principal, logger: logger)
            if let label = record.label { seqs[label] = outcome.seq }
        }
        let highlights = ["ban-perpetrator", "ban-manager", "revocation", "credit-repair", "penalty-closure"].compactMap { label in seqs[label].map { (label, $0) } }
        return DemoLoad(tokens: tokens, records: demo.records.count, alreadyLoaded: false, highlights: highlights)
    }
}
