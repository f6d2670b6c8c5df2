import Testing
@testable import CreditRecords

/// docs/records.md "Personal data in public text": what the scan finds, what it lets through,
/// and the refusal at append (pointer, code, no echo of the value).
@Suite struct PersonalDataScanTests {
    static let sentence = "保育员张三（身份证号11010519491231002X，手机13800138000）殴打幼儿李小宝（2岁）"

    @Test func findsEachKindOfIdentifier() {
        #expect(PersonalDataScan.find(in: "身份证号11010519491231002X") == .residentID)
        #expect(PersonalDataScan.find(in: "身份证号11010519491231002x。") == .residentID)
        // As clerks type it: spaces between groups, full-width digits.
        #expect(PersonalDataScan.find(in: "证件 110105 19491231 002X 已核") == .residentID)
        #expect(PersonalDataScan.find(in: "证件１１０１０５１９４９１２３１００２Ｘ") == .residentID)
        #expect(PersonalDataScan.find(in: "手机13800138000）") == .mobile)
        #expect(PersonalDataScan.find(in: "TEL13800138000") == .mobile)
        #expect(PersonalDataScan.find(in: "电话 138 0013 8000") == .mobile)
        #expect(PersonalDataScan.find(in: "两个号码13800138000 15912345678") == .mobile)
        // An individual business (registrar and category 92) is a natural person's registration.
        let first17 = "92330302MA2J7K8L1"
        let individualBusiness = first17 + String(USCC.checkCharacter(for: first17)!)
        #expect(USCC.validate(individualBusiness) == nil)
        #expect(PersonalDataScan.find(in: "经营者（" + individualBusiness + "）") == .personUSCC)
        #expect(PersonalDataScan.find(in: Self.sentence) != nil)
    }

    @Test func letsThroughWhatIsNotAnIdentifier() {
        // The check character is wrong (…002X is right): not a valid ID number, so not flagged.
        #expect(PersonalDataScan.find(in: "编号110105194912310021") == nil)
        // An ID-shaped decision number with an impossible birth date.
        #expect(PersonalDataScan.find(in: "文号110105194913310028") == nil)
        // A mobile-shaped run inside a longer digit run, a landline, a 12-digit number.
        #expect(PersonalDataScan.find(in: "流水号2138001380001") == nil)
        #expect(PersonalDataScan.find(in: "电话0577-88886666") == nil)
        #expect(PersonalDataScan.find(in: "12800138000") == nil)
        // An organisation's USCC (enterprise 91) is public.
        #expect(PersonalDataScan.find(in: "机构91330304MA2J7K8L10") == nil)
        #expect(PersonalDataScan.find(in: "2026年3月12日检查发现消毒记录缺失，责令于2026年4月1日前整改。") == nil)
    }

    static func organizationPenalty(facts: String) throws -> JSONValue {
        try Fixture.example("penalty-organization").setting("/body/facts", .string(facts))
    }

    @Test func theExampleSentenceIsRefusedWithoutEchoingIt() throws {
        let errors = Fixture.validate(try Self.organizationPenalty(facts: Self.sentence))
        #expect(errors.map(\.pointer) == ["/body/facts"])
        #expect(errors.first?.code == "personal_data_in_public_text")
        let message = errors.first?.message ?? ""
        #expect(message.contains("personal part"))
        #expect(!message.contains("11010519491231002X") && !message.contains("13800138000") && !message.contains("李小宝"))
    }

    @Test func everyTextOfAPublicRecordIsScanned() throws {
        var document = try Fixture.example("penalty-organization")
        document = document.setting("/body/remarks", "联系人手机13800138000").setting("/body/basis", "见身份证110105 19491231 002X")
        let errors = Fixture.validate(document)
        #expect(Set(errors.map(\.pointer)) == ["/body/remarks", "/body/basis"])
        #expect(errors.allSatisfy { $0.code == PersonalDataScan.code })
        let inspection = try Fixture.example("inspection-rectification").setting("/body/findings/0/description", "家长电话13800138000")
        #expect(Fixture.validate(inspection).map(\.pointer) == ["/body/findings/0/description"])
    }

    /// A hash or a key is a token of a fixed alphabet, never prose: a random one may hold a
    /// digit run shaped like a mobile or ID number (about one migration in 300 did, and
    /// was refused), so tokens are not scanned.
    @Test func machineMadeTokensAreNotScanned() throws {
        let hex = "e13800138000f" + String(repeating: "0", count: 51)
        let base64 = "a11010519491231002X" + String(repeating: "B", count: 23) + "A="
        #expect(PersonalDataScan.find(in: hex) == .mobile && PersonalDataScan.find(in: base64) != nil)
        let document = try Fixture.example("migration-v1-log").setting("/body/fromCheckpointSHA256", .string(hex))
            .setting("/body/fromRootHash", .string(base64))
        #expect(Fixture.validate(document) == [])
    }

    @Test func aPersonsOwnRecordIsNotScanned() throws {
        // A penalty whose party is a person is that person's record (exported with their
        // identifiers, never in an institution's disclosure).
        let document = try Fixture.example("penalty-person").setting("/body/facts", .string(Self.sentence))
        #expect(Fixture.validate(document) == [])
    }

    @Test func publicSummaryIsCheckedAndScanned() throws {
        let base = try Fixture.example("penalty-organization")
        #expect(Fixture.validate(base.setting("/body/publicSummary", "未按规定落实晨午检制度，处以警告。")) == [])
        #expect(Fixture.validate(base.setting("/body/publicSummary", .string(String(repeating: "字", count: 501)))).map(\.pointer) == ["/body/publicSummary"])
        #expect(Fixture.validate(base.setting("/body/publicSummary", 3)).map(\.code) == ["type"])
        #expect(Fixture.validate(base.setting("/body/publicSummary", "举报人手机13800138000")).map(\.code) == [PersonalDataScan.code])
    }

    @Test func everyFieldIsClassifiedAndFreeTextIsNeverPublic() {
        for spec in KindSpec.all {
            for field in spec.fields {
                switch field.type {
                case .text, .remarks, .objectList:
                    #expect(field.visibility != .public || field.key == "publicSummary", "\(spec.kind.rawValue).\(field.key)")
                case .person, .party, .nameList:
                    #expect(field.visibility == .personal, "\(spec.kind.rawValue).\(field.key)")
                default: break
                }
            }
        }
        #expect(KindSpec.penalty.field("publicSummary")?.visibility == .public)
    }

    @Test func publicViewKeepsOnlyAllowListedMembers() throws {
        let body = try #require(Self.organizationPenalty(facts: Self.sentence).objectValue?["body"]?.objectValue)
        let view = KindSpec.penalty.publicView(of: body)
        #expect(view["facts"] == nil && view["party"] == nil && view["basis"] == nil && view["remarks"] == nil)
        #expect(view["decisionNo"] != nil && view["decidedAt"] != nil && view["categories"] != nil)
        #expect(Set(view.keys).isSubset(of: Set(KindSpec.penalty.fields.filter { $0.visibility == .public }.map(\.key))))
    }
}
