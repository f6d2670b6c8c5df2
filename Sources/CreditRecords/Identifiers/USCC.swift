/// Unified social credit codes (GB 32100-2015): registrar (1), category (1), region (6),
/// organisation code (9), check (1), from `0123456789ABCDEFGHJKLMNPQRTUWXY`.
///
/// Rules: exactly 18 characters of the alphabet (upper case only, no spaces); a registrar and
/// category pair from the standard's table (e.g. `91` enterprise, `92` individual business,
/// `11` government body, `12` public institution, `52` private non-enterprise unit); the
/// region part six digits with a valid province prefix (or `100000` for central bodies); the
/// mod-31 check character. The organisation code's own GB 11714 check is not verified.
/// The national platform's placeholder `00000000000000000X` is refused here; callers that may
/// accept it (individual businesses) ask `isPlaceholder` first.
public enum USCC {
    public static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    public static let placeholder = "00000000000000000X"

    /// Allowed categories per registrar (GB 32100-2015 table 1).
    public static let categories: [Character: Set<Character>] = [
        "1": ["1", "2", "3", "9"], "2": ["1", "9"], "3": ["1", "2", "3", "4", "5", "9"],
        "4": ["1", "9"], "5": ["1", "2", "3", "9"], "6": ["1", "2", "9"], "7": ["1", "2", "9"],
        "8": ["1", "9"], "9": ["1", "2", "3"], "A": ["1", "9"], "N": ["1", "2", "3", "9"], "Y": ["1"],
    ]

    public static func isPlaceholder(_ text: String) -> Bool { text == placeholder }

    static func value(_ b: UInt8) -> Int? { alphabet.firstIndex(of: b) }

    /// The check character for the first 17 characters, or nil if they are not all in the alphabet.
    public static func checkCharacter(for first17: String) -> Character? {
        let b = Array(first17.utf8)
        guard b.count == 17 else { return nil }
        var sum = 0
        for i in 0..<17 {
            guard let v = value(b[i]) else { return nil }
            sum += v * weights[i]
        }
        return Character(Unicode.Scalar(alphabet[(31 - sum % 31) % 31]))
    }

    public static func validate(_ text: String) -> IdentifierProblem? {
        let b = Array(text.utf8)
        guard b.count == 18, b.allSatisfy({ value($0) != nil }) else {
            return IdentifierProblem(code: "uscc_format", message: "a unified social credit code is 18 characters from 0-9 and upper-case A-Y without I, O, Z, S, V (GB 32100)")
        }
        let registrar = Character(Unicode.Scalar(b[0])), category = Character(Unicode.Scalar(b[1]))
        guard let allowed = categories[registrar], allowed.contains(category) else {
            return IdentifierProblem(code: "uscc_registrar", message: "the registrar and category characters of a unified social credit code must be a pair GB 32100 defines")
        }
        let region = String(decoding: b[2..<8], as: UTF8.self)
        guard region == "100000" || (ASCII.allDigits(b[2..<8]) && RegionCode.isProvince(region.prefix(2))) else {
            return IdentifierProblem(code: "uscc_region", message: "characters 3-8 of a unified social credit code are a region code with a valid province prefix")
        }
        guard checkCharacter(for: String(decoding: b[0..<17], as: UTF8.self)) == Character(Unicode.Scalar(b[17])) else {
            return IdentifierProblem(code: "uscc_checksum", message: "the unified social credit code has a wrong check character (GB 32100 mod 31)")
        }
        return nil
    }
}
