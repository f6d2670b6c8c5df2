/// Resident identity numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
/// sequence, ISO 7064 MOD 11-2 check character.
///
/// Rules (on the stored form; `IdType.validate` first removes the spaces and full-width
/// digits clerks type, see `IDNumberInput`): exactly 18 characters, no spaces; 17 digits and a check character `0`–`9` or `X` (a lower-case `x` is accepted and
/// normalised to `X`); the first two digits a valid province code — the GB/T 2260 provinces
/// plus `83`, which the residence permits of Taiwan residents carry; a real calendar birth
/// date, not before 1800-01-01 (the standard's own examples include 1880) and not after today; the right check character.
public enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432".utf8)
    public static let earliestBirthDate = LocalDate(year: 1800, month: 1, day: 1)!

    /// The MOD 11-2 check character for 17 digits, or nil if they are not 17 digits.
    public static func checkCharacter(for first17: String) -> Character? {
        let b = Array(first17.utf8)
        guard b.count == 17, let check = b.withUnsafeBufferPointer(checkByte) else { return nil }
        return Character(Unicode.Scalar(check))
    }

    /// The check byte for the first 17 bytes, or nil if they are not all digits.
    static func checkByte(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var sum = 0
        for i in 0..<17 {
            guard ASCII.isDigit(b[i]) else { return nil }
            sum += Int(b[i] - 0x30) * weights[i]
        }
        return checkCharacters[sum % 11]
    }

    /// The number with a lower-case check `x` upper-cased; nothing else changes.
    public static func normalized(_ text: String) -> String {
        text.hasSuffix("x") ? String(text.dropLast()) + "X" : text
    }

    /// Validates and returns the normalised number.
    public static func validate(_ text: String, today: LocalDate?) -> Result<String, IdentifierProblem> {
        validate18(text, today: today, provinceAt: 0, provinceOK: isProvinceOrTaiwan, what: "a resident ID number")
    }

    /// GB/T 2260 provinces, and `83` of the residence permits of Taiwan residents.
    static func isProvinceOrTaiwan(_ tens: UInt8, _ ones: UInt8) -> Bool {
        RegionCode.isProvince(tens: tens, ones: ones) || (tens == UInt8(ascii: "8") && ones == UInt8(ascii: "3"))
    }

    /// The shared 18-character MOD 11-2 check (resident IDs and 2023 permanent residence IDs).
    static func validate18(_ text: String, today: LocalDate?, provinceAt: Int, provinceOK: (UInt8, UInt8) -> Bool, what: String) -> Result<String, IdentifierProblem> {
        var value = normalized(text)
        if let problem = value.withUTF8({ problem18($0, today: today, provinceAt: provinceAt, provinceOK: provinceOK, what: what) }) {
            return .failure(problem)
        }
        return .success(value)
    }

    /// What is wrong with an already normalised 18-character number, or nil.
    static func problem18(_ b: UnsafeBufferPointer<UInt8>, today: LocalDate?, provinceAt: Int, provinceOK: (UInt8, UInt8) -> Bool, what: String) -> IdentifierProblem? {
        guard b.count == 18, ASCII.allDigits(b[0..<17]), ASCII.isDigit(b[17]) || b[17] == UInt8(ascii: "X") else {
            return IdentifierProblem(code: "id_format", message: "\(what) is 17 digits and a check character 0-9 or X (spaces are ignored)")
        }
        guard provinceOK(b[provinceAt], b[provinceAt + 1]) else {
            return IdentifierProblem(code: "id_region", message: "\(what) must carry a valid province code")
        }
        guard let birth = LocalDate(year: ASCII.number(b[6..<10]), month: ASCII.number(b[10..<12]), day: ASCII.number(b[12..<14])) else {
            return IdentifierProblem(code: "id_birth_date", message: "\(what) must carry a real calendar birth date")
        }
        guard birth >= earliestBirthDate else {
            return IdentifierProblem(code: "id_birth_date", message: "\(what) must carry a birth date not before 1800-01-01")
        }
        if let today, birth > today {
            return IdentifierProblem(code: "id_birth_date", message: "\(what) must carry a birth date not in the future")
        }
        guard checkByte(b) == b[17] else {
            return IdentifierProblem(code: "id_checksum", message: "\(what) has a wrong check character (GB 11643 MOD 11-2)")
        }
        return nil
    }
}

/// Foreign permanent resident ID card numbers (外国人永久居留身份证).
///
/// - The 2023 card: 18 characters, `9`, a 2-digit province code of the issuing office, a
///   3-digit nationality code, the birth date, a sequence and the GB 11643 check character;
///   validated like a resident ID (lower-case `x` normalised to `X`).
/// - The older card: 15 characters, a 3-letter nationality code and 12 digits. Only the
///   shape is checked (no public check-digit rule).
public enum ForeignPermanentResidentID {
    public static func validate(_ text: String, today: LocalDate?) -> Result<String, IdentifierProblem> {
        var text = text
        if let problem = text.withUTF8(shapeProblem) { return .failure(problem) }
        if text.utf8.count == 15 { return .success(text) }
        return ResidentID.validate18(text, today: today, provinceAt: 1, provinceOK: RegionCode.isProvince, what: "a foreign permanent resident ID")
    }

    /// The older card's whole check, or the 2023 card's leading `9`.
    static func shapeProblem(_ b: UnsafeBufferPointer<UInt8>) -> IdentifierProblem? {
        if b.count == 15 {
            guard b[0..<3].allSatisfy(ASCII.isUpper), ASCII.allDigits(b[3...]) else {
                return IdentifierProblem(code: "id_format", message: "a 15-character foreign permanent resident ID is 3 upper-case letters and 12 digits")
            }
            return nil
        }
        guard b.first == UInt8(ascii: "9") else {
            return IdentifierProblem(code: "id_format", message: "a foreign permanent resident ID is 18 characters starting with 9 (2023 card) or 3 letters and 12 digits (older card)")
        }
        return nil
    }

    /// Valid as stored (normalised): what `validate` accepts and returns unchanged.
    static func problem(utf8 b: UnsafeBufferPointer<UInt8>, today: LocalDate?) -> IdentifierProblem? {
        if let problem = shapeProblem(b) { return problem }
        if b.count == 15 { return nil }
        return ResidentID.problem18(b, today: today, provinceAt: 1, provinceOK: RegionCode.isProvince, what: "a foreign permanent resident ID")
    }
}

/// Passports: 5 to 20 upper-case ASCII letters and digits.
public enum PassportNumber {
    public static func validate(_ text: String) -> Result<String, IdentifierProblem> {
        var text = text
        return text.withUTF8(problem(utf8:)).map(Result.failure) ?? .success(text)
    }

    static func problem(utf8 b: UnsafeBufferPointer<UInt8>) -> IdentifierProblem? {
        guard (5...20).contains(b.count), b.allSatisfy({ ASCII.isDigit($0) || ASCII.isUpper($0) }) else {
            return IdentifierProblem(code: "id_format", message: "a passport number is 5 to 20 upper-case letters and digits")
        }
        return nil
    }
}

/// Mainland travel permits for Hong Kong and Macau residents: `H` or `M` and 8 or 10 digits.
public enum HKMacauPermitNumber {
    public static func validate(_ text: String) -> Result<String, IdentifierProblem> {
        var text = text
        return text.withUTF8(problem(utf8:)).map(Result.failure) ?? .success(text)
    }

    static func problem(utf8 b: UnsafeBufferPointer<UInt8>) -> IdentifierProblem? {
        guard b.count == 9 || b.count == 11, b[0] == UInt8(ascii: "H") || b[0] == UInt8(ascii: "M"), ASCII.allDigits(b.dropFirst()) else {
            return IdentifierProblem(code: "id_format", message: "a Hong Kong/Macau permit number is H or M followed by 8 or 10 digits")
        }
        return nil
    }
}

/// Mainland travel permits for Taiwan residents: 8 digits (current card), or 10 characters
/// (older card: 8 digits and a 2-character issue suffix of digits or upper-case letters).
public enum TaiwanPermitNumber {
    public static func validate(_ text: String) -> Result<String, IdentifierProblem> {
        var text = text
        return text.withUTF8(problem(utf8:)).map(Result.failure) ?? .success(text)
    }

    static func problem(utf8 b: UnsafeBufferPointer<UInt8>) -> IdentifierProblem? {
        guard b.count == 8 || b.count == 10, ASCII.allDigits(b.prefix(8)),
              b.dropFirst(8).allSatisfy({ ASCII.isDigit($0) || ASCII.isUpper($0) }) else {
            return IdentifierProblem(code: "id_format", message: "a Taiwan permit number is 8 digits, or 8 digits and 2 digits or upper-case letters")
        }
        return nil
    }
}
