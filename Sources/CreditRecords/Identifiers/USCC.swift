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

    // Byte tables, so validating a code allocates nothing (the export and every append
    // validate several per record).
    /// The alphabet value of each byte, or -1.
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, b) in alphabet.enumerated() { table[Int(b)] = Int8(i) }
        return table
    }()
    /// Per registrar byte, a bit for each allowed category byte's alphabet value.
    private static let categoryMasks: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        for (registrar, allowed) in categories {
            for category in allowed { table[Int(registrar.asciiValue!)] |= 1 << UInt32(values[Int(category.asciiValue!)]) }
        }
        return table
    }()

    public static func isPlaceholder(_ text: String) -> Bool { text == placeholder }

    public static func isPlaceholder(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.count == 18 && b[17] == UInt8(ascii: "X") && b[0..<17].allSatisfy { $0 == UInt8(ascii: "0") }
    }

    static func value(_ b: UInt8) -> Int? {
        let v = values[Int(b)]
        return v < 0 ? nil : Int(v)
    }

    /// The check character for the first 17 characters, or nil if they are not all in the alphabet.
    public static func checkCharacter(for first17: String) -> Character? {
        let b = Array(first17.utf8)
        guard b.count == 17, let check = b.withUnsafeBufferPointer(checkByte) else { return nil }
        return Character(Unicode.Scalar(check))
    }

    private static func checkByte(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        // Tables read into locals once: each use of a static is a lazy-global check, and the
        // export validates several codes per record.
        let values = Self.values, weights = Self.weights
        var sum = 0
        for i in 0..<17 {
            let v = values[Int(b[i])]
            guard v >= 0 else { return nil }
            sum += Int(v) * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    public static func validate(_ text: String) -> IdentifierProblem? {
        var text = text
        return text.withUTF8(validate(utf8:))
    }

    public static func validate(utf8 b: UnsafeBufferPointer<UInt8>) -> IdentifierProblem? {
        let values = Self.values
        guard b.count == 18, b.allSatisfy({ values[Int($0)] >= 0 }) else {
            return IdentifierProblem(code: "uscc_format", message: "a unified social credit code is 18 characters from 0-9 and upper-case A-Y without I, O, Z, S, V (GB 32100)")
        }
        guard categoryMasks[Int(b[0])] & (1 << UInt32(values[Int(b[1])])) != 0 else {
            return IdentifierProblem(code: "uscc_registrar", message: "the registrar and category characters of a unified social credit code must be a pair GB 32100 defines")
        }
        let region = UnsafeBufferPointer(rebasing: b[2..<8])
        let central = region.elementsEqual("100000".utf8)
        guard central || (ASCII.allDigits(region) && RegionCode.isProvince(tens: region[0], ones: region[1])) else {
            return IdentifierProblem(code: "uscc_region", message: "characters 3-8 of a unified social credit code are a region code with a valid province prefix")
        }
        guard checkByte(b) == b[17] else {
            return IdentifierProblem(code: "uscc_checksum", message: "the unified social credit code has a wrong check character (GB 32100 mod 31)")
        }
        return nil
    }
}
