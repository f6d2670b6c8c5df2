import CreditRecords
import TransparencyLog
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

@Suite struct DemoDataSetTests {
    /// Every demo record passes the real validator, in order, against what came before it.
    @Test func everyRecordValidates() throws {
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        let demo = DemoDataSet.make(today: today)
        let registry = RecordRegistry()
        var seqs = [String: UInt64]()
        var kinds = [RecordKind: Int]()
        for (seq, record) in demo.records.enumerated() {
            let document = record.document(seqs)
            switch RecordValidator.validate(document, context: ValidationContext(today: today, lookup: registry)) {
            case .failure(let failure):
                Issue.record("demo record \(seq) (\(record.label ?? "-")) is refused: \(failure.errors)")
            case .success(let validated):
                #expect(validated.authority == record.authority.uscc)
                let envelope = Envelope(kind: validated.kind, body: validated.body, submittedAt: "2026-11-23T00:00:00Z",
                                        submittedBy: Submitter(principal: record.authority.principal, authority: record.authority.uscc), clientSignature: nil)
                registry.apply(seq: UInt64(seq), envelope: envelope)
                kinds[validated.kind, default: 0] += 1
            }
            if let label = record.label { seqs[label] = UInt64(seq) }
        }
        #expect(kinds[.inspection] == 300)
        #expect(kinds[.ban] == 2)
        #expect(kinds[.revocation] == 1 && kinds[.creditRepair] == 1)
        #expect(kinds[.institutionFiling] == 32)
        #expect(Set(demo.authorities.map(\.region)).count == 12)
    }

    @Test func sameEveryTime() throws {
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        let a = DemoDataSet.make(today: today).records.map { $0.document(["penalty-1": 1, "penalty-2": 2]) }
        let b = DemoDataSet.make(today: today).records.map { $0.document(["penalty-1": 1, "penalty-2": 2]) }
        #expect(a == b)
    }
}

@Suite struct DemoLoadTests {
    /// The demo goes through the append path: every record is committed, the registry knows
    /// the revocation and the repair, the log verifies, and a second load changes nothing.
    @Test func loadsThroughTheAppendPath() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let load = try await test.server.ledger.loadDemo(today: LocalDate(year: 2026, month: 11, day: 23)!)
        #expect(!load.alreadyLoaded)
        #expect(test.server.log.size == UInt64(load.records))
        #expect(load.tokens.count == 27)
        let highlights = Dictionary(uniqueKeysWithValues: load.highlights.map { ($0.label, $0.seq) })
        let revocation = try Envelope.decode(try test.server.log.entry(at: highlights["revocation"]!))
        let target = UInt64(revocation.body["target"]!.integerValue!)
        #expect(test.server.ledger.index.summary(of: target)?.isRevoked == true)
        #expect(try Envelope.decode(try test.server.log.entry(at: highlights["ban-perpetrator"]!)).kind == .ban)
        // One institution is closed, so the public closure list has something to show.
        let closure = try Envelope.decode(try test.server.log.entry(at: highlights["penalty-closure"]!))
        let closedUSCC = try #require(closure.body["party"]?.objectValue?["uscc"]?.stringValue)
        #expect(test.server.ledger.index.institutionStatus(uscc: closedUSCC, today: LocalDate(year: 2026, month: 11, day: 23)!) == .closed)
        // Its lifetime bans are signed and confirmed by a second inspector, so they bar (docs/records.md "Bans need two people").
        #expect(test.server.ledger.index.pendingRecords(authority: nil).isEmpty)
        #expect(try Envelope.decode(try test.server.log.entry(at: highlights["ban-perpetrator"]!)).clientSignature != nil)
        let again = try await test.server.ledger.loadDemo()
        #expect(again.alreadyLoaded && test.server.log.size == UInt64(load.records))
        try await test.close()
        #expect(LogVerifier.verify(directory: test.dataDirectory + "/records").isValid)
    }
}
