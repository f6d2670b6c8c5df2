import Testing
@testable import CreditRecords

@Suite struct IdentifierTests {
    let today = LocalDate(year: 2026, month: 11, day: 22)!

    func code(_ r: Result<String, IdentifierProblem>) -> String? {
        if case .failure(let p) = r { return p.code } else { return nil }
    }

    @Test(arguments: ["11010519491231002X", "440524188001010014", "330302199003150044", "330304197802031512"])
    func residentValid(_ id: String) {
        // Includes the reference's own vectors (440524188001010014 is born in 1880).
        #expect(code(ResidentID.validate(id, today: today)) == nil)
    }

    @Test func referenceCheckCharacters() {
        #expect(ResidentID.checkCharacter(for: "11010519491231002") == "X")
        #expect(ResidentID.checkCharacter(for: "44052418800101001") == "4")
        #expect(ResidentID.checkCharacter(for: "93268219850101001") == "7")
        #expect(ResidentID.checkCharacter(for: "91112419810803002") == "4")
        #expect(USCC.checkCharacter(for: "91350100M000100Y4") == "3")
        #expect(USCC.checkCharacter(for: "91440300708461136") == "T")
        #expect(USCC.checkCharacter(for: "91230500MA1B3N1N2") == "M")
        #expect(USCC.checkCharacter(for: "11230500001755309") == "F")
    }

    @Test func lowerCaseXIsNormalised() throws {
        #expect(try ResidentID.validate("11010519491231002x", today: today).get() == "11010519491231002X")
        #expect(try ForeignPermanentResidentID.validate("932682198501010017", today: today).get() == "932682198501010017")
    }

    @Test(arguments: [
        ("110105194912310021", "id_checksum"),          // the reference's wrong check character
        ("11010519491231002Y", "id_format"),
        (" 11010519491231002X", "id_format"),
        ("11010519491231002X ", "id_format"),
        ("110105 94912310021", "id_format"),
        ("1101051949123100", "id_format"),
        ("110105194912310021X", "id_format"),
        ("１１0105194912310021", "id_format"),           // full-width digits
        ("990105194912310021", "id_region"),
        ("000105194912310021", "id_region"),
        ("110105194902300021", "id_birth_date"),        // 30 February
        ("110105179912310021", "id_birth_date"),        // before 1800
        ("110105203001010021", "id_birth_date"),        // future
        ("110105202611230021", "id_birth_date"),        // tomorrow
        ("11010519491331002X", "id_birth_date"),
        ("", "id_format"),
    ])
    func residentInvalid(_ id: String, _ expected: String) {
        #expect(code(ResidentID.validate(id, today: today)) == expected)
    }

    @Test func birthDateTodayIsAccepted() {
        let first17 = "33030420261122001"
        let id = first17 + String(ResidentID.checkCharacter(for: first17)!)
        #expect(code(ResidentID.validate(id, today: today)) == nil)
    }

    @Test func foreignPermanentResident() {
        #expect(code(ForeignPermanentResidentID.validate("932682198501010017", today: today)) == nil)
        #expect(code(ForeignPermanentResidentID.validate("911124198108030024", today: today)) == nil)
        #expect(code(ForeignPermanentResidentID.validate("USA330419880512", today: today)) == nil)
        #expect(code(ForeignPermanentResidentID.validate("932682198501010018", today: today)) == "id_checksum")
        #expect(code(ForeignPermanentResidentID.validate("832682198501010017", today: today)) == "id_format")
        #expect(code(ForeignPermanentResidentID.validate("999682198501010017", today: today)) == "id_region")
        #expect(code(ForeignPermanentResidentID.validate("usa330419880512", today: today)) == "id_format")
        #expect(code(ForeignPermanentResidentID.validate("US3330419880512", today: today)) == "id_format")
        #expect(code(ForeignPermanentResidentID.validate("USA33041988051", today: today)) == "id_format")
    }

    @Test func otherDocuments() {
        #expect(code(PassportNumber.validate("E12345678")) == nil)
        #expect(code(PassportNumber.validate("AB123")) == nil)
        #expect(code(PassportNumber.validate("AB12")) == "id_format")
        #expect(code(PassportNumber.validate("e12345678")) == "id_format")
        #expect(code(PassportNumber.validate("E1234 5678")) == "id_format")
        #expect(code(PassportNumber.validate(String(repeating: "A", count: 21))) == "id_format")
        #expect(code(HKMacauPermitNumber.validate("H12345678")) == nil)
        #expect(code(HKMacauPermitNumber.validate("M1234567890")) == nil)
        #expect(code(HKMacauPermitNumber.validate("H123456789")) == "id_format")
        #expect(code(HKMacauPermitNumber.validate("K12345678")) == "id_format")
        #expect(code(HKMacauPermitNumber.validate("h12345678")) == "id_format")
        #expect(code(TaiwanPermitNumber.validate("12345678")) == nil)
        #expect(code(TaiwanPermitNumber.validate("1234567801")) == nil)
        #expect(code(TaiwanPermitNumber.validate("1234567")) == "id_format")
        #expect(code(TaiwanPermitNumber.validate("123456789")) == "id_format")
        #expect(code(TaiwanPermitNumber.validate("A234567801")) == "id_format")
    }

    @Test(arguments: ["91350100M000100Y43", "91440300708461136T", "91230500MA1B3N1N2M", "11230500001755309F",
                      "113303040025997855", "91330304MA2J7K8L10", "52330304MJ8N4R2T7U", "92330304MA2H6PQ3XF"])
    func usccValid(_ code: String) {
        #expect(USCC.validate(code) == nil)
    }

    @Test(arguments: [
        ("00000000000000000X", "uscc_registrar"),      // the placeholder fails on its own
        ("91350100M000100Y44", "uscc_checksum"),
        ("91440300708461136t", "uscc_format"),
        ("91440300708461136", "uscc_format"),
        ("91440300708461136TT", "uscc_format"),
        ("9144030070846113OT", "uscc_format"),         // O is not in the alphabet
        ("9144030070846113IT", "uscc_format"),
        ("914403007084611 6T", "uscc_format"),
        ("94440300708461136T", "uscc_registrar"),      // registrar 9, category 4
        ("B1440300708461136T", "uscc_registrar"),
        ("91990300708461136T", "uscc_region"),
        ("914A0300708461136T", "uscc_region"),
    ])
    func usccInvalid(_ text: String, _ expected: String) {
        #expect(USCC.validate(text)?.code == expected)
        #expect(USCC.validate(text)?.message.contains(text) == false)
    }

    @Test func placeholderIsRecognised() {
        #expect(USCC.isPlaceholder("00000000000000000X"))
        #expect(!USCC.isPlaceholder("00000000000000000x"))
    }

    @Test(arguments: ["330304", "350102", "120112", "610800", "330300", "330000", "110101", "820000"])
    func regionValid(_ code: String) { #expect(RegionCode.validate(code) == nil) }

    @Test(arguments: [("33030", "region_format"), ("3303041", "region_format"), ("33030a", "region_format"), (" 33030", "region_format"),
                      ("990304", "region_province"), ("000000", "region_province"), ("160000", "region_province"),
                      ("330012", "region_pattern"), ("110099", "region_pattern")])
    func regionInvalid(_ code: String, _ expected: String) { #expect(RegionCode.validate(code)?.code == expected) }

    @Test func idTypeDispatch() {
        #expect(code(IdType.residentId.validate("11010519491231002X", today: today)) == nil)
        #expect(code(IdType.passport.validate("11010519491231002X", today: today)) == nil)
        #expect(code(IdType.hkMacauPermit.validate("11010519491231002X", today: today)) == "id_format")
        #expect(code(IdType.taiwanPermit.validate("11010519491231002X", today: today)) == "id_format")
        #expect(code(IdType.foreignPermanentResidentId.validate("11010519491231002X", today: today)) == "id_format")
    }

    /// The export's allocation-free check agrees with `validate`: valid as stored exactly when
    /// `validate` accepts the number and returns it unchanged.
    @Test func validAsStoredAgreesWithValidate() {
        let numbers = ["11010519491231002X", "11010519491231002x", "440524188001010014", "110105194912310021", "11010519491231002Y",
                       " 11010519491231002X", "990105194912310021", "110105194902300021", "110105203001010021", "",
                       "932682198501010017", "93268219850101001x", "USA330419880512", "usa330419880512", "832682198501010017",
                       "E12345678", "AB12", "e12345678", "H12345678", "M1234567890", "K12345678", "12345678", "1234567801", "A234567801"]
        for type in IdType.allCases {
            for number in numbers {
                var copy = number
                let stored = copy.withUTF8 { type.isValidAsStored(utf8: $0, today: today) }
                let validated = type.validate(number, today: today)
                #expect(stored == ((try? validated.get()) == number), "\(type) \(number)")
            }
        }
    }

    /// `^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$`, and zero however written.
    @Test func amounts() {
        for valid in ["0", "5", "0.5", "12.345678", "999999999999", "100000000000.000001", "0.000"] { #expect(Amount(valid) != nil, "\(valid)") }
        for invalid in ["", ".5", "5.", "05", "00", "1.2345678", "1000000000000", "1.2.3", "-1", "+1", "1e3", " 1", "1 ", "１"] {
            #expect(Amount(invalid) == nil, "\(invalid)")
        }
        #expect(Amount("0.000")!.isZero && Amount("0")!.isZero)
        #expect(!Amount("0.001")!.isZero && !Amount("10")!.isZero)
    }
}
