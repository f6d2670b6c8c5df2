import Foundation
import LedgerTestSupport
import Testing
@testable import CreditRecords

/// No FieldError message may repeat an ID number (or any idNumber value), whatever is wrong.
@Suite struct PrivacyTests {
    /// A small deterministic generator, so failures reproduce.
    typealias Rng = SplitMix64

    static let idPointers = ["/body/party/idNumber", "/body/party/legalRepresentative/idNumber", "/body/person/idNumber",
                             "/body/institution/legalRepresentative/idNumber"]
    static let typePointers = idPointers.map { $0.replacingOccurrences(of: "idNumber", with: "idType") }

    @Test func fuzzedDocumentsNeverEchoIdNumbers() throws {
        let examples = ["penalty-organization", "penalty-person", "penalty-individual-business", "penalty-foreign-person", "ban-lifetime",
                        "ban-until-manager", "judgment-practice-ban", "enforcement-seal", "institution_filing-filed"]
        let bases = try examples.map { try Fixture.example($0) }
        var rng = Rng(state: 20261122)
        var checked = 0, errorsSeen = 0
        let idTypes: [JSONValue] = ["resident_id", "passport", "hk_macau_permit", "taiwan_permit", "foreign_permanent_resident_id", "nonsense", 7]
        let otherBreaks: [(String, JSONValue?)] = [("/body/decidedAt", "2099-01-01"), ("/body/authority/uscc", "123"), ("/body/extra", 1),
                                                   ("/body/facts", nil), ("/body/party/category", "x"), ("/body/party/uscc", "00000000000000000X")]
        for _ in 0..<400 {
            var document = rng.pick(bases)
            var secrets: [String] = []
            for pointer in Self.idPointers where rng.next() % 2 == 0 {
                // A plausible but broken number: a valid shape with a random change.
                var digits = Array("330302199003150044")
                let mutation = rng.next() % 6
                switch mutation {
                case 0: digits[17] = rng.pick(Array("0123456789X"))
                case 1: digits[10] = "1"; digits[11] = "3"
                case 2: digits.insert(" ", at: Int(rng.next() % 18))
                case 3: digits = Array("E" + String(rng.next() % 1_000_000_000))
                case 4: digits = Array("H" + String(rng.next() % 100_000_000_000))
                default: digits[0] = "9"; digits[1] = "9"
                }
                let secret = String(digits)
                secrets.append(secret)
                document = document.setting(pointer, .string(secret))
                if rng.next() % 3 == 0 { document = document.setting(pointer.replacingOccurrences(of: "idNumber", with: "idType"), rng.pick(idTypes)) }
            }
            if rng.next() % 2 == 0 { let (p, v) = rng.pick(otherBreaks); document = document.setting(p, v) }
            for error in Fixture.validate(document) {
                errorsSeen += 1
                for secret in secrets + ["330302199003150044", "330303199506302827", "330327198507200714", "330381199211083443"] {
                    #expect(!error.message.contains(secret), "\(error.pointer) \(error.code) echoes an ID number")
                    #expect(!error.pointer.contains(secret))
                }
                // No message carries a run of 8+ digits (ID numbers, permits) at all, apart
                // from the national placeholder code, which is no one's number.
                let message = error.message.replacingOccurrences(of: USCC.placeholder, with: "")
                #expect(message.range(of: "[0-9]{8,}", options: .regularExpression) == nil, "\(error.message)")
            }
            checked += 1
        }
        #expect(checked == 400)
        #expect(errorsSeen > 400)
    }
}
