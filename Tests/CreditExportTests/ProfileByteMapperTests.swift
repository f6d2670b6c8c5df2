@testable import CreditExport
import CreditRecords
import Testing

/// The fast path's byte mapping of a record's `ByteRow` against `ProfileMapper.map` of its
/// `ExportRow` (the string path the full decoder, `--revalidate` and confirmations take,
/// which rebuilds the bytes from the strings): the same outcome and cells for every fixture
/// record, under every shipped xlsx profile and under profiles that turn on each rule (the
/// representative's ID, summary penalties kept, a flag channel).
@Suite struct ProfileByteMapperTests {
    static let profiles: [ExportProfile] = {
        var list = ["national-2.0", "national-2.0-split"].map { ExportProfile.builtin($0)! }
        let national = String(decoding: ExportProfile.builtin("national-2.0")!.source, as: UTF8.self)
        // The legal representative's ID filled and summary penalties kept.
        let variant = national
            .replacingOccurrences(of: "\"legalRepresentativeId\": false", with: "\"legalRepresentativeId\": true")
            .replacingOccurrences(of: "\"excludeSummaryProcedure\": true", with: "\"excludeSummaryProcedure\": false")
        list.append(try! ExportProfile(json: Array(variant.utf8)))
        // A province's operation flag column in every template.
        let flag = national
            .replacingOccurrences(of: "\"columns\": [", with: "\"columns\": [{\"code\": \"OPERATION_FLAG\", \"header\": \"OPT_TYPE\"},")
            .replacingOccurrences(of: "\"channel\": \"list\"", with: "\"channel\": \"flag\", \"header\": \"OPT_TYPE\", \"add\": \"I\", \"withdraw\": \"D\"")
        list.append(try! ExportProfile(json: Array(flag.utf8)))
        return list
    }()

    @Test func everyFixtureMapsToTheSameCellsAsTheStringPath() throws {
        #expect(Self.profiles.contains { $0.withdrawals != .list } && Self.profiles.contains { $0.legalRepresentativeID })
        let entries = ProfileTests.entries + ExportFixtures.mixed
        var compared = 0
        for profile in Self.profiles {
            for (seq, entry) in entries.enumerated() {
                guard case .added(let row)? = FastRecordMapper.map(entry, seq: UInt64(seq)) else { continue }
                let summary = row.family == .xzcf && ProfileMapper.isSummaryProcedure(entry)
                let exportRow = ExportRow(family: row.family, values: row.strings(), sourceSeq: UInt64(seq))
                let expected = ProfileMapper.map(exportRow, summaryProcedure: summary, profile: profile)
                var bytes: [UInt8] = [7, 7]  // a slice's buffer already holds other rows
                let outcome = ProfileByteMapper.map(row, summaryProcedure: summary, profile: profile, into: &bytes)
                switch (outcome, expected) {
                case (.row(let template), .row(let profiled)):
                    #expect(template == profiled.template, "seq \(seq)")
                    let cells = bytes.withUnsafeBufferPointer { CellBytes.cells(UnsafeBufferPointer(rebasing: $0[2...])) }
                    #expect(cells == profiled.cells, "seq \(seq) under \(profile.name)")
                    compared += 1
                case (.excluded, .excluded):
                    #expect(bytes == [7, 7])
                case (.reject(let a), .reject(let b)):
                    #expect(a == b)
                default:
                    Issue.record("seq \(seq) under \(profile.name): \(outcome) against \(expected)")
                }
            }
        }
        #expect(compared > 30)
    }

    @Test func aCreditCodeAgainstThePartyCategoryIsRefusedAsTheStringPathRefusesIt() throws {
        let profile = try #require(ExportProfile.builtin("national-2.0"))
        for (seq, entry) in ExportFixtures.mixed.enumerated() {
            guard case .added(let row)? = FastRecordMapper.map(entry, seq: UInt64(seq)), row.family == .xzcf else { continue }
            var values = row.strings()
            let code = ProfileMapper.xzcfCode, category = ProfileMapper.xzcfCategory
            guard values[category] == PartyCategory.organization.nationalName else { continue }
            values[code] = "92330304MA2XXXXXXX"
            var bad = ByteRow(family: .xzcf, sourceSeq: UInt64(seq))
            for v in values { bad.append(v) }
            var bytes = [UInt8]()
            guard case .reject(let reason) = ProfileByteMapper.map(bad, summaryProcedure: false, profile: profile, into: &bytes) else {
                Issue.record("a 92 code on an organisation was not refused"); continue
            }
            #expect(reason.contains("CF_XDR_SHXYM") && bytes.isEmpty)
            return
        }
        Issue.record("no organisation penalty among the fixtures")
    }
}
