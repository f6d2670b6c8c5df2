/// Six-digit administrative division codes (GB/T 2260): province (2), city (2), county (2).
///
/// Accepted: a valid province prefix (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82),
/// and not the impossible shape `PP00CC` with `CC` ≠ `00` (a county under no city). Province
/// (`330000`), city (`330300`) and county (`330304`) codes are all accepted. Whether a code
/// is in the current edition of the list is not checked: codes change yearly and old records
/// keep the code of their day.
public enum RegionCode {
    public static let provinces: Set<String> = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    ]

    public static func isProvince(_ code: some StringProtocol) -> Bool { provinces.contains(String(code)) }

    /// `provinces` as a table of the 100 two-digit codes, for byte-level checks.
    private static let provinceTable: [Bool] = (0..<100).map { provinces.contains($0 < 10 ? "0\($0)" : "\($0)") }

    /// The two ASCII digits `tens` `ones` are a province code (false for non-digits).
    public static func isProvince(tens: UInt8, ones: UInt8) -> Bool {
        ASCII.isDigit(tens) && ASCII.isDigit(ones) && provinceTable[Int(tens - 0x30) * 10 + Int(ones - 0x30)]
    }

    public static func validate(_ text: String) -> IdentifierProblem? {
        var text = text
        return text.withUTF8(validate(utf8:))
    }

    public static func validate(utf8 b: UnsafeBufferPointer<UInt8>) -> IdentifierProblem? {
        guard b.count == 6, ASCII.allDigits(b) else {
            return IdentifierProblem(code: "region_format", message: "a region code is six digits (GB/T 2260)")
        }
        guard isProvince(tens: b[0], ones: b[1]) else {
            return IdentifierProblem(code: "region_province", message: "a region code starts with a valid province code (GB/T 2260)")
        }
        if b[2] == 0x30 && b[3] == 0x30 && !(b[4] == 0x30 && b[5] == 0x30) {
            return IdentifierProblem(code: "region_pattern", message: "a region code with city part 00 must also have county part 00 (GB/T 2260)")
        }
        return nil
    }
}
