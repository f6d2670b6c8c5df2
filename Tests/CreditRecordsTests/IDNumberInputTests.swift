import Testing
@testable import CreditRecords

/// ID numbers as clerks type them: spaces anywhere, full-width digits and letters, a
/// lower-case check `x` (docs/http.md, "ID numbers as typed").
@Suite struct IDNumberInputTests {
    let today = LocalDate(year: 2026, month: 11, day: 22)!

    func validated(_ type: IdType, _ typed: String) -> String? { try? type.validate(typed, today: today).get() }

    func code(_ type: IdType, _ typed: String) -> String? {
        if case .failure(let problem) = type.validate(typed, today: today) { return problem.code } else { return nil }
    }

    @Test(arguments: [
        "110105 19491231 002X",
        "110105 19491231 002x",
        " 11010519491231002X ",
        "1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X",
        "110105\t19491231\t002X",
        "110105\u{3000}19491231\u{3000}002X",
        "\u{3000} 110105 \t19491231002x\t",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "１１０１０５　１９４９１２３１　００２ｘ",
        "110105１９４９１２３１ 002ｘ",
    ])
    func residentIDTypedForms(_ typed: String) {
        #expect(validated(.residentId, typed) == "11010519491231002X")
    }

    @Test(arguments: [
        ("110105 19491231 0021", "id_checksum"),       // normalises to the reference's wrong check character
        ("１１０１０５１９４９１２３１００２１", "id_checksum"),
        ("110105 19491231 002Y", "id_format"),
        ("110105-19491231-002X", "id_format"),         // hyphens are not separators
        ("110105\u{00A0}19491231002X", "id_format"),    // nor is a no-break space
        ("110105 19491231 002X.", "id_format"),
        ("11O105 19491231 002X", "id_format"),          // a letter O for a zero
        ("110105 19491231 002", "id_format"),           // 17 characters once the spaces are gone
        ("   ", "id_format"),
        ("\u{3000}", "id_format"),
        ("990105 19491231 0021", "id_region"),
        ("110105 19490230 0021", "id_birth_date"),
    ])
    func residentIDStillInvalidAfterNormalising(_ typed: String, _ expected: String) {
        #expect(code(.residentId, typed) == expected)
    }

    @Test func otherTypesFoldTheSameWayAndKeepTheirCase() {
        #expect(validated(.passport, "E1234 5678") == "E12345678")
        #expect(validated(.passport, "Ｅ１２３４５６７８") == "E12345678")
        #expect(validated(.passport, "\tAB 123\u{3000}") == "AB123")
        #expect(code(.passport, "e1234 5678") == "id_format")       // a lower-case letter stays refused
        #expect(code(.passport, "ｅ１２３４５６７８") == "id_format")
        #expect(code(.passport, "AB 12") == "id_format")            // 4 characters once the space is gone
        #expect(code(.passport, "E1234-5678") == "id_format")
        #expect(validated(.hkMacauPermit, "H 1234 5678") == "H12345678")
        #expect(validated(.hkMacauPermit, "Ｍ１２３４５６７８９０") == "M1234567890")
        #expect(code(.hkMacauPermit, "h 1234 5678") == "id_format")
        #expect(validated(.taiwanPermit, "1234 5678") == "12345678")
        #expect(validated(.taiwanPermit, "１２３４５６７８０１") == "1234567801")
        #expect(validated(.foreignPermanentResidentId, "USA 3304 1988 0512") == "USA330419880512")
        #expect(validated(.foreignPermanentResidentId, "932682 19850101 0017") == "932682198501010017")
        #expect(code(.foreignPermanentResidentId, "932682 19850101 0018") == "id_checksum")
        #expect(code(.foreignPermanentResidentId, "usa 3304 1988 0512") == "id_format")
    }

    @Test func normalisingIsIdempotentAndLeavesTheStoredFormAlone() {
        for type in IdType.allCases {
            for stored in ["11010519491231002X", "E12345678", "USA330419880512", "12345678", "H12345678"] {
                #expect(IDNumberInput.normalised(stored, as: type) == stored)
                let typed = IDNumberInput.normalised("１１０１０５ 19491231\u{3000}002ｘ", as: type)
                #expect(IDNumberInput.normalised(typed, as: type) == typed)
            }
        }
        // Only the 18-character MOD 11-2 types upper-case the check character.
        #expect(IDNumberInput.normalised("11010519491231002x", as: .residentId) == "11010519491231002X")
        #expect(IDNumberInput.normalised("11010519491231002x", as: .passport) == "11010519491231002x")
    }

    /// A record keeps the normalised number, and `ClientSigning.normalised` (what
    /// `careledger sign` signs) produces exactly the body the validator stores.
    @Test func recordsStoreTheNormalisedFormAndClientSigningAgrees() throws {
        let typed = try Fixture.example("penalty-person").setting("/body/party/idNumber", "３３０３２７ 19850720\u{3000}0714")
        let validated = try RecordValidator.validate(typed, context: Fixture.context).get()
        #expect(validated.body["party"]?.objectValue?["idNumber"] == "330327198507200714")
        #expect(ClientSigning.normalised(typed.objectValue!["body"]!) == .object(validated.body))

        let representative = try Fixture.example("penalty-organization")
            .setting("/body/party/legalRepresentative/idNumber", "330302 19900315 0044")
        let stored = try RecordValidator.validate(representative, context: Fixture.context).get().body
        #expect(stored["party"]?.objectValue?["legalRepresentative"]?.objectValue?["idNumber"] == "330302199003150044")
        #expect(ClientSigning.normalised(representative.objectValue!["body"]!) == .object(stored))
    }

    @Test func aRecordWithAWrongCheckCharacterAfterNormalisingIsRefusedAtThePointer() throws {
        let typed = try Fixture.example("penalty-person").setting("/body/party/idNumber", "330327 19850720 0715")
        #expect(Fixture.validate(typed).map { "\($0.pointer) \($0.code)" } == ["/body/party/idNumber id_checksum"])
        let junk = try Fixture.example("penalty-person").setting("/body/party/idNumber", "330327 19850720 071#")
        #expect(Fixture.validate(junk).map { "\($0.pointer) \($0.code)" } == ["/body/party/idNumber id_format"])
    }
}
