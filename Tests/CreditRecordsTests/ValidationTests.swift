import Foundation
import Testing
@testable import CreditRecords

/// One rule broken by one minimal change to a valid example.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let example: String
    let changes: [(String, JSONValue?)]
    let pointer: String
    let code: String
    var testDescription: String { "\(code) at \(pointer)" }
}

private func rule(_ example: String, _ changes: [(String, JSONValue?)], _ pointer: String, _ code: String) -> RuleCase {
    RuleCase(example: example, changes: changes, pointer: pointer, code: code)
}

private let P = "penalty-organization"
private let rules: [RuleCase] = [
    rule(P, [("/body/decisionNo", nil)], "/body/decisionNo", "required"),
    // A 92… credit code is an individual business's (GB 32100), and an individual business's code starts 92.
    rule(P, [("/body/party/uscc", "92330304MA2H6PQ3XF")], "/body/party/uscc", "uscc_category"),
    rule("penalty-individual-business", [("/body/party/uscc", "91330304MA2J7K8L10"), ("/body/party/registrationNo", nil)], "/body/party/uscc", "uscc_category"),
    rule("enforcement-seal", [("/body/party/uscc", "92330304MA2H6PQ3XF")], "/body/party/uscc", "uscc_category"),
    rule(P, [("/body/party/legalRepresentative", nil)], "/body/party/legalRepresentative", "required"),
    rule(P, [("/body/party/legalRepresentative/idNumber", nil)], "/body/party/legalRepresentative/idNumber", "required"),
    rule(P, [("/body/extra", 1)], "/body", "unknown_field"),
    rule(P, [("/body/party/extra", 1)], "/body/party", "unknown_field"),
    rule(P, [("/body/party/legalRepresentative/extra", 1)], "/body/party/legalRepresentative", "unknown_field"),
    // A name that is not shaped like a field is the client's text: the pointer stops at its object.
    rule(P, [("/body/authority/a~0b~1c", 1)], "/body/authority", "unknown_field"),
    rule(P, [("/extra", 1)], "", "unknown_field"),
    rule(P, [("/body/facts", 5)], "/body/facts", "type"),
    rule(P, [("/body/party", "x")], "/body/party", "type"),
    rule(P, [("/body/categories", "fine")], "/body/categories", "type"),
    rule(P, [("/body/categories", ["fine", 1])], "/body/categories/1", "type"),
    rule(P, [("/body/party/category", "firm")], "/body/party/category", "enum"),
    rule(P, [("/kind", "Penalty")], "/kind", "enum"),
    rule(P, [("/kind", nil)], "/kind", "required"),
    rule(P, [("/body", nil)], "/body", "required"),
    rule(P, [("/body/decidedAt", "2026-5-20")], "/body/decidedAt", "date"),
    rule(P, [("/body/decidedAt", "2026-05-20T00:00:00Z")], "/body/decidedAt", "date"),
    rule(P, [("/body/validUntil", "2027-02-29")], "/body/validUntil", "date"),
    rule(P, [("/body/validUntil", "2026-05-19")], "/body/validUntil", "date_order"),
    rule(P, [("/body/publicUntil", "2026-05-19")], "/body/publicUntil", "date_order"),
    rule(P, [("/body/publicUntil", "2029-05-21")], "/body/publicUntil", "publication_limit"),
    rule(P, [("/body/decidedAt", "2026-11-23"), ("/body/validUntil", nil), ("/body/publicUntil", nil)], "/body/decidedAt", "future"),
    rule(P, [("/body/fineAmount", .number("0.2"))], "/body/fineAmount", "type"),
    rule(P, [("/body/fineAmount", "0.2000001")], "/body/fineAmount", "amount"),
    rule(P, [("/body/fineAmount", "1e3")], "/body/fineAmount", "amount"),
    rule(P, [("/body/fineAmount", ".5")], "/body/fineAmount", "amount"),
    rule(P, [("/body/fineAmount", "5.")], "/body/fineAmount", "amount"),
    rule(P, [("/body/fineAmount", "+5")], "/body/fineAmount", "amount"),
    rule(P, [("/body/fineAmount", "1000000000000")], "/body/fineAmount", "amount"),
    rule(P, [("/body/fineAmount", "0")], "/body/fineAmount", "amount"),
    rule(P, [("/body/fineAmount", nil)], "/body/fineAmount", "required"),
    rule(P, [("/body/categories", ["confiscation"]), ("/body/fineAmount", nil), ("/body/confiscatedAmount", nil)], "/body/confiscatedAmount", "required"),
    rule(P, [("/body/categories", ["license_suspension"]), ("/body/fineAmount", nil), ("/body/license", nil)], "/body/license", "required"),
    rule(P, [("/body/categories", []), ("/body/fineAmount", nil)], "/body/categories", "min_items"),
    rule(P, [("/body/categories", ["warning", "fine", "warning"])], "/body/categories/2", "unique"),
    rule(P, [("/body/party/name", .string(String(repeating: "托", count: 201)))], "/body/party/name", "max_length"),
    rule(P, [("/body/basis", .string(String(repeating: "法", count: 2049)))], "/body/basis", "max_length"),
    rule(P, [("/body/content", .string(String(repeating: "罚", count: 4001)))], "/body/content", "max_length"),
    rule(P, [("/body/violationType", .string(String(repeating: "违", count: 2001)))], "/body/violationType", "max_length"),
    rule(P, [("/body/license", .string(String(repeating: "证", count: 201)))], "/body/license", "max_length"),
    rule(P, [("/body/party/taxRegistrationNo", "3303041234567890")], "/body/party/taxRegistrationNo", "max_length"),
    rule(P, [("/body/party/publicInstitutionCertificateNo", "1330304000123")], "/body/party/publicInstitutionCertificateNo", "max_length"),
    rule(P, [("/body/content", "")], "/body/content", "empty"),
    rule(P, [("/body/party/uscc", "91330304MA2J7K8L11")], "/body/party/uscc", "uscc_checksum"),
    rule(P, [("/body/party/uscc", "00000000000000000X")], "/body/party/uscc", "uscc_placeholder"),
    rule(P, [("/body/dataSource/uscc", "00000000000000000X")], "/body/dataSource/uscc", "uscc_placeholder"),
    rule(P, [("/body/party/legalRepresentative/idNumber", "330302199003150045")], "/body/party/legalRepresentative/idNumber", "id_checksum"),
    rule(P, [("/body/authority/region", "330012")], "/body/authority/region", "region_pattern"),
    rule(P, [("/body/authority/region", nil)], "/body/authority/region", "required"),
    rule(P, [("/body/dataSource/region", "99")], "/body/dataSource/region", "region_format"),
    rule("penalty-individual-business", [("/body/party/registrationNo", nil)], "/body/party/registrationNo", "required"),
    rule("penalty-person", [("/body/party/idNumber", "330327198507200715")], "/body/party/idNumber", "id_checksum"),
    rule("penalty-person", [("/body/party/idType", "passport"), ("/body/party/idNumber", "e1234567")], "/body/party/idNumber", "id_format"),
    rule("penalty-person", [("/body/party/legalRepresentative", .object(JSONObject()))], "/body/party", "unknown_field"),
    rule("inspection-rectification", [("/body/rectifyBy", nil)], "/body/rectifyBy", "required"),
    rule("inspection-rectification", [("/body/rectifyBy", "2026-05-09")], "/body/rectifyBy", "date_order"),
    rule("inspection-pass", [("/body/rectifyBy", "2026-10-01")], "/body/rectifyBy", "not_allowed"),
    rule("inspection-rectification", [("/body/findings", [])], "/body/findings", "min_items"),
    rule("inspection-rectification", [("/body/findings/0/code", "Video")], "/body/findings/0/code", "pattern"),
    rule("inspection-rectification", [("/body/findings/0", "x")], "/body/findings/0", "type"),
    rule("inspection-rectification", [("/body/inspectors/1", "")], "/body/inspectors/1", "empty"),
    rule("inspection-rectification", [("/body/inspectedAt", "2026-12-01"), ("/body/rectifyBy", "2026-12-31")], "/body/inspectedAt", "future"),
    rule("inspection-rectification", [("/body/areas", ["hygiene", "hygiene"])], "/body/areas/1", "unique"),
    rule("institution_filing-filed", [("/body/institution/capacity", 0)], "/body/institution/capacity", "range"),
    rule("institution_filing-filed", [("/body/institution/capacity", -5)], "/body/institution/capacity", "range"),
    rule("institution_filing-filed", [("/body/institution/capacity", .number("60.0"))], "/body/institution/capacity", "type"),
    rule("institution_filing-filed", [("/body/institution/capacity", .number("6e1"))], "/body/institution/capacity", "type"),
    rule("institution_filing-filed", [("/body/institution/region", nil)], "/body/institution/region", "required"),
    rule("institution_filing-filed", [("/body/registrar/region", "330012")], "/body/registrar/region", "region_pattern"),
    rule("institution_filing-filed", [("/body/filedAt", "2026-11-23")], "/body/filedAt", "future"),
    rule("ban-until-manager", [("/body/until", nil)], "/body/until", "required"),
    rule("ban-until-manager", [("/body/until", .null)], "/body/until", "required"),
    rule("ban-until-manager", [("/body/until", "2026-08-19")], "/body/until", "date_order"),
    rule("ban-until-manager", [("/body/until", "2031-02-30")], "/body/until", "date"),
    rule("ban-lifetime", [("/body/until", "2030-01-01")], "/body/until", "not_allowed"),
    rule("ban-lifetime", [("/body/scope", "forever")], "/body/scope", "enum"),
    rule("ban-lifetime", [("/body/person/idType", nil)], "/body/person/idType", "required"),
    rule("judgment-practice-ban", [("/body/practiceBanUntil", "2026-08-01")], "/body/practiceBanUntil", "date_order"),
    rule("judgment-practice-ban", [("/body/decidedAt", "2026-12-01"), ("/body/practiceBanUntil", nil)], "/body/decidedAt", "future"),
    rule("annual_review-fail", [("/body/year", 1999)], "/body/year", "range"),
    rule("annual_review-fail", [("/body/year", 2027)], "/body/year", "range"),
    rule("annual_review-fail", [("/body/year", .number("2025.0"))], "/body/year", "type"),
    rule("annual_review-fail", [("/body/reviewedAt", "2025-12-30"), ("/body/year", 2026)], "/body/year", "date_order"),
    rule("annual_review-fail", [("/body/reviewedAt", "2026-11-23")], "/body/reviewedAt", "future"),
    rule("revocation-data-error", [("/body/target", -1)], "/body/target", "range"),
    rule("revocation-data-error", [("/body/target", .number("1.5"))], "/body/target", "type"),
    rule("revocation-data-error", [("/body/target", 5000)], "/body/target", "target_not_found"),
    rule("revocation-data-error", [("/body/decidedAt", "2025-12-31")], "/body/decidedAt", "date_order"),
    rule("credit_repair-signed", [("/body/decidedAt", "2026-03-31")], "/body/decidedAt", "repair_too_early"),
    rule("credit_repair-signed", [("/clientSignature", "sig")], "/clientSignature", "type"),
    rule("credit_repair-signed", [("/clientSignature/keyId", nil)], "/clientSignature/keyId", "required"),
    rule("credit_repair-signed", [("/clientSignature/sig", .string(String(repeating: "q", count: 86) + "=="))], "/clientSignature/sig", "signature_format"),
    rule("credit_repair-signed", [("/clientSignature/sig", .string(String(repeating: "q", count: 85) + "B=="))], "/clientSignature/sig", "signature_format"),
]

@Suite struct ValidationTests {
    @Test(arguments: rules)
    func eachRuleAlone(_ c: RuleCase) throws {
        var document = try Fixture.example(c.example)
        #expect(Fixture.validate(document).isEmpty, "the base example must be valid")
        for (pointer, value) in c.changes { document = document.setting(pointer, value) }
        let errors = Fixture.validate(document)
        #expect(errors.map { "\($0.pointer) \($0.code)" } == ["\(c.pointer) \(c.code)"])
    }

    @Test func validExamplesPass() throws {
        let dir = Fixture.root.appendingPathComponent("schemas/examples/valid")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 9)
        var kinds = Set<String>()
        for file in files {
            let document = try Fixture.load("schemas/examples/valid/\(file)")
            #expect(Fixture.validate(document) == [], "\(file)")
            kinds.insert(String(file.prefix { $0 != "-" }))
        }
        #expect(kinds == Set(RecordKind.allCases.map(\.rawValue)))
    }

    @Test func manyErrorsAreReportedTogether() throws {
        var document = try Fixture.example(P)
        document = document.setting("/body/party/uscc", "91330304MA2J7K8L11")
            .setting("/body/party/legalRepresentative/idNumber", "330302199003150045")
            .setting("/body/fineAmount", .number("0.2"))
            .setting("/body/publicUntil", "2030-01-01")
            .setting("/body/decisionNo", nil)
            .setting("/body/colour", "red")
            .setting("/body/authority/region", "990000")
            .setting("/kindOf", "x")
        let errors = Fixture.validate(document)
        let got = Set(errors.map { "\($0.pointer) \($0.code)" })
        #expect(got == ["/body/party/uscc uscc_checksum", "/body/party/legalRepresentative/idNumber id_checksum",
                        "/body/fineAmount type", "/body/publicUntil publication_limit", "/body/decisionNo required",
                        "/body unknown_field", "/body/authority/region region_province", " unknown_field"])
        #expect(errors.count == got.count)
    }

    @Test func nonObjectDocument() {
        #expect(Fixture.validate([1, 2]).map(\.code) == ["type"])
        #expect(Fixture.validate(["kind": "penalty", "body": []]).map { "\($0.pointer) \($0.code)" } == ["/body type"])
    }

    @Test func unknownFieldsAtEveryDepthAreAllReported() throws {
        let document = try Fixture.example("inspection-rectification")
            .setting("/x0", 1).setting("/body/x1", 1).setting("/body/institution/x2", 1)
            .setting("/body/findings/0/x3", 1).setting("/body/authority/x4", 1)
        let errors = Fixture.validate(document)
        #expect(errors.allSatisfy { $0.code == "unknown_field" })
        #expect(Set(errors.map(\.pointer)) == ["", "/body", "/body/institution", "/body/findings/0", "/body/authority"])
    }

    /// No member name comes back in a problem (issue 17): an ID number or a person's name typed
    /// as a key would reach the client's logs, and so would one in pinyin that looks like a
    /// field name; the pointer is the object holding them, once.
    @Test func unknownMemberNamesThatAreNotFieldNamesAreNotEchoed() throws {
        let document = try Fixture.example("inspection-rectification")
            .setting("/body/11010519491231002X", 1).setting("/body/张三", 1).setting("/body/zhangsan", 1).setting("/body/inspectdAt", 1)
        let errors = Fixture.validate(document)
        #expect(errors.map { "\($0.pointer) \($0.code)" } == ["/body unknown_field"], "one item for the object, naming none of them")
        for error in errors {
            for name in ["11010519491231002X", "张三", "zhangsan", "inspectdAt"] { #expect(!"\(error)".contains(name)) }
        }
    }

    @Test func partyWithoutCategoryStillReportsUnknownMembers() throws {
        let document = try Fixture.example(P).setting("/body/party/category", nil).setting("/body/party/nickname", "x")
        let got = Set(Fixture.validate(document).map { "\($0.pointer) \($0.code)" })
        #expect(got == ["/body/party/category required", "/body/party unknown_field"])
    }

    @Test func normalisedBodyAndResultFields() throws {
        let document = try Fixture.example("ban-lifetime").setting("/body/person/idNumber", "11010519491231002x")
        let validated = try RecordValidator.validate(document, context: Fixture.context).get()
        #expect(validated.body["person"]?.objectValue?["idNumber"] == "11010519491231002X")
        #expect(validated.body.keys == document.objectValue!["body"]!.objectValue!.keys)
        #expect(validated.kind == .ban)
        #expect(validated.authority == "113303040025997855")
        #expect(validated.documentNumber == "瓯卫禁〔2026〕1号")
        #expect(validated.target == nil)
        #expect(validated.clientSignature == nil)
        guard case .ban(let ban) = validated.record else { Issue.record("not a ban"); return }
        #expect(ban.person.idNumber == "11010519491231002X")
        #expect(ban.scope == .lifetime && ban.until == nil)
        // The typed model reads the stored body back.
        #expect(try Record(kind: .ban, validated: validated.body) == validated.record)
    }

    @Test func signatureAndTarget() throws {
        let validated = try RecordValidator.validate(try Fixture.example("credit_repair-signed"), context: Fixture.context).get()
        #expect(validated.target == 42)
        #expect(validated.clientSignature == ClientSignature(keyId: "insp-ouhai-01/2026", sig: String(repeating: "q", count: 85) + "A=="))
        #expect(validated.documentNumber == "瓯卫信修〔2026〕7号")
    }

    @Test func typedModelOfEveryExample() throws {
        let dir = Fixture.root.appendingPathComponent("schemas/examples/valid")
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".json") {
            let document = try Fixture.load("schemas/examples/valid/\(file)")
            let object = document.objectValue!
            let kind = RecordKind(rawValue: object["kind"]!.stringValue!)!
            let record = try Record(kind: kind, validated: object["body"]!.objectValue!)
            #expect(record.kind == kind)
            #expect(record.documentNumber == RecordRegistry.documentNumber(kind: kind, body: object["body"]!.objectValue!))
            #expect(record.decidedAt == RecordRegistry.decisionDate(kind: kind, body: object["body"]!.objectValue!))
        }
        let penalty = try Record(kind: .penalty, validated: try Fixture.example(P).objectValue!["body"]!.objectValue!)
        guard case .penalty(let p) = penalty, case .organization(let party) = p.party else { Issue.record("shape"); return }
        #expect(p.categories == [.warning, .fine])
        #expect(p.fineAmount?.text == "0.2")
        #expect(party.legalRepresentative.name == "王丽")
        #expect(throws: ValidationFailure.self) { try Record(kind: .ban, validated: JSONObject()) }
    }

    @Test func lengthsCountUnicodeScalars() throws {
        // 200 characters outside the BMP (400 UTF-16 units, 800 UTF-8 bytes) are within 200.
        let name = String(repeating: "𠀀", count: 200)
        let ok = try Fixture.example(P).setting("/body/party/name", .string(name))
        #expect(Fixture.validate(ok) == [])
        let tooLong = ok.setting("/body/party/name", .string(name + "a"))
        #expect(Fixture.validate(tooLong).map(\.code) == ["max_length"])
    }

    @Test func publicUntilBoundaries() throws {
        let base = try Fixture.example(P)
        #expect(Fixture.validate(base.setting("/body/publicUntil", "2029-05-20")) == [])
        #expect(Fixture.validate(base.setting("/body/publicUntil", "2026-05-20").setting("/body/validUntil", "2026-05-20")) == [])
        let leap = base.setting("/body/decidedAt", "2024-02-29").setting("/body/validUntil", nil)
        #expect(Fixture.validate(leap.setting("/body/publicUntil", "2027-02-28")) == [])
        #expect(Fixture.validate(leap.setting("/body/publicUntil", "2027-03-01")).map(\.code) == ["publication_limit"])
        #expect(Fixture.validate(base.setting("/body/decidedAt", "2026-11-22").setting("/body/validUntil", nil).setting("/body/publicUntil", nil)) == [])
    }
}
