import CreditRecords
import Foundation
import Testing
@testable import CreditExport

/// A lifetime ban an inspector submitted under the two-person rule is not in force until a
/// second inspector confirms it, so it must not reach the national 失信名单 before then; a
/// revocation of a lifetime ban likewise withdraws nothing until confirmed. Both take effect
/// at the confirmation's seq, exactly once.
@Suite struct TwoPersonBanExportTests {
    static let inspectorAuthority = "113303040025997855"

    /// An envelope as the service writes it: by an inspector (its authority set) or an admin.
    static func entry(_ document: JSONValue, inspector: Bool, at submittedAt: String = "2026-12-06T09:00:00Z") -> [UInt8] {
        let object = document.objectValue!
        let envelope = Envelope(kind: RecordKind(rawValue: object["kind"]!.stringValue!)!, body: object["body"]!.objectValue!,
                                submittedAt: submittedAt,
                                submittedBy: Submitter(principal: "inspector-1", authority: inspector ? inspectorAuthority : nil),
                                clientSignature: nil)
        return try! envelope.canonicalBytes()
    }

    static func confirmation(of target: UInt64) -> [UInt8] {
        entry(["kind": "ban_confirmation", "body": ["target": .number(String(target)), "decidedAt": "2026-12-05",
                                                    "authority": ExportFixtures.authority]], inspector: true)
    }

    static var lifetimeBan: JSONValue { ExportFixtures.example("ban-lifetime") }

    func rows(_ log: TestLog, _ batch: String) -> [JSONObject] { log.rows(batch, .sxmd) }

    /// The scanner's note (the export's fast way) and the decoder's agree on every shape the
    /// rule looks at; where the scanner cannot tell, it leaves the entry to the decoder.
    @Test func theScannedNoteIsTheDecodedNote() {
        let revocation = ExportFixtures.revocation(target: 0, n: 1)
        let entries: [[UInt8]] = [true, false].flatMap { inspector in
            ["2026-12-06T09:00:00Z", "2026-12-05T23:59:59Z"].flatMap { at in
                [Self.entry(Self.lifetimeBan, inspector: inspector, at: at), Self.entry(ExportFixtures.example("ban-until-manager"), inspector: inspector, at: at),
                 Self.entry(revocation, inspector: inspector, at: at)]
            }
        } + [Self.confirmation(of: 3), ExportFixtures.entry(ExportFixtures.example("penalty-organization"))]
        var notes = [ConfirmationNote?]()
        for entry in entries {
            let decoded = ConfirmationNote.decoded(entry)
            if let scanned = ConfirmationNote.scanned(entry) { #expect(scanned == decoded) }
            notes.append(decoded)
        }
        // The fixtures reach every note (and none).
        #expect(notes.contains(.banAwaitsConfirmation) && notes.contains(.revocationUnderRule) && notes.contains(.confirms(3)) && notes.contains(nil))
        #expect(ConfirmationNote.scanned(Self.entry(Self.lifetimeBan, inspector: true)) == .some(.banAwaitsConfirmation))
        #expect(ConfirmationNote.scanned(Self.entry(Self.lifetimeBan, inspector: false)) == .some(nil))
        // A confirmation, and a kind outside the rule, go to the decoder.
        #expect(ConfirmationNote.scanned(Self.confirmation(of: 3)) == nil)
    }

    @Test func aPendingBanWaitsForItsConfirmationAndIsAddedOnce() async throws {
        let log = try TestLog()
        try await log.append([Self.entry(Self.lifetimeBan, inspector: true), ExportFixtures.entry(ExportFixtures.example("penalty-organization"))])
        _ = try await log.export()
        let first = try #require(log.batches().last)
        #expect(rows(log, first).isEmpty, "a pending ban reached the 失信名单 file")
        #expect(log.rows(first, .xzcf).count == 1, "the rest of the range is exported as before")

        // Confirmed (twice: the second adds nothing).
        try await log.append([Self.confirmation(of: 0), Self.confirmation(of: 0)])
        _ = try await log.export()
        let second = try #require(log.batches().last)
        #expect(second != first)
        let added = rows(log, second)
        #expect(added.count == 1)
        #expect(added.first?["OPERATION"]?.stringValue == "新增")
        #expect(added.first?["SOURCE_SEQ"]?.integerValue == 0, "the row traces to the ban, not to its confirmation")
    }

    @Test func bansTheRuleDoesNotHoldAreExportedAtOnce() async throws {
        let log = try TestLog()
        // An admin's ban, and an inspector's from before the rule's date (grandfathered).
        try await log.append([Self.entry(Self.lifetimeBan, inspector: false),
                              Self.entry(Self.lifetimeBan, inspector: true, at: "2026-12-05T23:59:59Z")])
        _ = try await log.export()
        #expect(rows(log, try #require(log.batches().last)).map { $0["SOURCE_SEQ"]?.integerValue } == [0, 1])
    }

    @Test func aPendingRevocationOfALifetimeBanWithdrawsOnlyOnceConfirmed() async throws {
        let log = try TestLog()
        try await log.append([Self.entry(Self.lifetimeBan, inspector: false)])
        _ = try await log.export()
        #expect(rows(log, try #require(log.batches().last)).count == 1)

        try await log.append([Self.entry(ExportFixtures.revocation(target: 0), inspector: true)])
        _ = try await log.export()
        let pending = try #require(log.batches().last)
        #expect(rows(log, pending).isEmpty, "a pending revocation withdrew the ban")

        try await log.append([Self.confirmation(of: 1)])
        _ = try await log.export()
        let withdrawn = rows(log, try #require(log.batches().last))
        #expect(withdrawn.count == 1)
        #expect(withdrawn.first?["OPERATION"]?.stringValue == "撤回")
        #expect(withdrawn.first?["SOURCE_SEQ"]?.integerValue == 0)
        #expect(withdrawn.first?["WITHDRAWN_BY"]?.integerValue == 1, "withdrawn by the revocation, not by its confirmation")
    }

    @Test func underAProfileThePendingBanIsInTheBookkeepingOnlyOnceConfirmed() async throws {
        let log = try TestLog()
        let profile = try #require(ExportProfile.builtin("national-2.0"))
        try await log.append([Self.entry(Self.lifetimeBan, inspector: true)])
        _ = try await log.exporter(profile: profile).run()
        func lines(_ batch: String) -> [JSONObject] {
            log.file(batch, ProfileFiles.bookkeeping).split(separator: 0x0A).map { try! JSONParser.parse(Array($0)).objectValue! }
        }
        #expect(lines(try #require(log.batches().last)).isEmpty)
        try await log.append([Self.confirmation(of: 0)])
        _ = try await log.exporter(profile: profile).run()
        let added = lines(try #require(log.batches().last))
        #expect(added.map { $0["sourceSeq"]?.integerValue } == [0])
        #expect(added.first?["operation"]?.stringValue == "新增")
    }
}
