import CreditRecords
import Foundation
import Testing
import LedgerTestSupport
@testable import LedgerCore

/// Issue 17, part 5: principals at scale. A bulk load through the core writes the principals
/// file once and the principal log in batches; a start with tens of thousands of principals
/// finds every token by its hash; a duplicate id adds nothing.
@Suite struct BulkPrincipalsTests {
    @Test func twentyThousandPrincipalsLoadInOneWriteAndAuthenticateAfterARestart() async throws {
        let (ledger, directory) = try await LedgerUseCaseTests.open()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try #require(ledger.principals.principal(id: ServerDataDirectory.adminId))
        let authority = Organization(name: Fixtures.ouhaiHealth.name, uscc: Fixtures.ouhaiHealth.uscc, region: Fixtures.ouhaiHealth.region)
        let specs = (0..<20_000).map { PrincipalStore.NewPrincipal(id: "bulk-\($0)", role: .inspector, authority: authority) }
        let logBefore = ledger.principalLog.log.size
        let created = try await ledger.createPrincipals(specs, by: admin)
        #expect(created.count == 20_000)
        #expect(ledger.principalLog.log.size == logBefore + 20_000)
        #expect(Set(created.map(\.token)).count == 20_000)

        // A duplicate (in the store, or twice in the batch) adds nothing.
        await #expect(throws: PrincipalStore.CreateError.duplicate) {
            _ = try await ledger.createPrincipals([PrincipalStore.NewPrincipal(id: "fresh-1", role: .auditor),
                                                  PrincipalStore.NewPrincipal(id: "bulk-7", role: .auditor)], by: admin)
        }
        await #expect(throws: PrincipalStore.CreateError.duplicate) {
            _ = try await ledger.createPrincipals([PrincipalStore.NewPrincipal(id: "twice", role: .auditor),
                                                  PrincipalStore.NewPrincipal(id: "twice", role: .auditor)], by: admin)
        }
        #expect(ledger.principals.principal(id: "fresh-1") == nil)
        #expect(ledger.principals.all.count == 20_001)
        try await ledger.close()

        var configuration = LedgerConfiguration()
        configuration.dataDirectory = directory
        let again = try await Ledger.open(configuration: configuration)
        var rng = SplitMix64(state: 17)
        for _ in 0..<1000 {
            let i = Int(rng.next() % 20_000)
            #expect(again.principals.authenticate(token: created[i].token)?.id == "bulk-\(i)")
        }
        #expect(again.principals.authenticate(token: BearerToken.generate()) == nil)
        // No second baseline: the log already accounts for them.
        #expect(again.principalLog.log.size == logBefore + 20_000)
        try await again.close()
    }
}
