/// Finds personal identifiers in free text that is published (docs/records.md "Personal data
/// in public text"): an inspector's prose in an institution's record reaches the anonymous
/// disclosure and the national export, so what can be recognised with certainty is refused
/// at append.
///
/// Recognised, and only these (names cannot be told from other words, so they are kept out
/// of publication by the disclosure's allow-list, not by this scan):
/// - an 18-character resident ID number (GB 11643) that passes every check `ResidentID`
///   makes — province, real birth date, MOD 11-2 check character — typed with spaces or
///   full-width digits as `IDNumberInput` accepts them;
/// - a mainland mobile number: `1[3-9]` and 9 more digits, 11 in all, not part of a longer
///   run of digits;
/// - the USCC of an individual business (registrar and category `92`, GB 32100), which
///   identifies the natural person who registered it, when it passes the check character.
///
/// False positives are accepted on purpose, and are rare: a number must pass the whole ID
/// check (about one digit string in eleven has a valid check character, and the date and
/// province rule out most others); an ID-shaped string with a wrong check character is not
/// an ID number and is let through. An 11-digit string starting `13`–`19` is refused even if
/// it is something else (a case number); the inspector rewrites it with a separator or
/// moves it to a structured field. Nothing here echoes the matched value.
public enum PersonalDataScan {
    public enum Finding: String, Sendable, Equatable {
        case residentID = "resident_id"
        case mobile
        case personUSCC = "person_uscc"

        public var description: String {
            switch self {
            case .residentID: return "an ID number"
            case .mobile: return "a mobile phone number"
            case .personUSCC: return "an individual business's credit code"
            }
        }
    }

    /// The first personal identifier in `text`, or nil.
    public static func find(in text: String) -> Finding? {
        // Fold as IDNumberInput does: full-width digits and letters to ASCII; spaces are kept
        // here as group separators and joined below.
        var scalars: [UInt8] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            switch s.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: scalars.append(UInt8(s.value))
            case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A: scalars.append(UInt8(s.value - 0xFEE0))
            case 0x20, 0x09, 0x3000: scalars.append(0x20)
            default: scalars.append(0)  // any other character ends a run
            }
        }
        return findInFolded(scalars)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }

    static func findInFolded(_ b: [UInt8]) -> Finding? {
        // Alphanumeric words (no spaces): a person-type USCC, or an ID / mobile written whole.
        var i = 0
        while i < b.count {
            guard isAlnum(b[i]) else { i += 1; continue }
            var j = i
            while j < b.count, isAlnum(b[j]) { j += 1 }
            if let f = word(Array(b[i..<j])) { return f }
            i = j
        }
        // Digit groups joined by single spaces ("110105 19491231 002X", "138 0013 8000"): the
        // whole run, then each group, so two numbers side by side are each found.
        i = 0
        while i < b.count {
            guard isDigit(b[i]), i == 0 || !isAlnum(b[i - 1]) else { i += 1; continue }
            var groups: [[UInt8]] = []
            var j = i
            while j < b.count, isDigit(b[j]) {
                var k = j
                while k < b.count, isDigit(b[k]) || ((b[k] == 0x58 || b[k] == 0x78) && k > j && isDigit(b[k - 1])) { k += 1 }
                guard k == b.count || !isAlnum(b[k]) else { groups = []; j = k; break }
                groups.append(Array(b[j..<k]))
                j = k
                guard j + 1 < b.count, b[j] == 0x20, isDigit(b[j + 1]) else { break }
                j += 1
            }
            if groups.count > 1, let f = digits(groups.flatMap { $0 }) { return f }
            i = max(j, i + 1)
        }
        return nil
    }

    /// A whole word: a person-type USCC, an ID number, a mobile number.
    private static func word(_ w: [UInt8]) -> Finding? {
        if w.count == 18, w[0] == 0x39, w[1] == 0x32, w.withUnsafeBufferPointer({ USCC.validate(utf8: $0) }) == nil { return .personUSCC }
        // Each maximal digit run inside the word ("TEL13800138000"), an ID's check X kept.
        var i = 0
        while i < w.count {
            guard isDigit(w[i]) else { i += 1; continue }
            var j = i
            while j < w.count, isDigit(w[j]) { j += 1 }
            if j < w.count, j - i == 17, w[j] == 0x58 || w[j] == 0x78 { j += 1 }
            if let f = digits(Array(w[i..<j])) { return f }
            i = j
        }
        return nil
    }

    /// A run of digits (an ID's last may be X): exactly an ID number or a mobile number.
    private static func digits(_ d: [UInt8]) -> Finding? {
        if d.count == 18, d[0..<17].allSatisfy(isDigit) {
            let text = String(decoding: d, as: UTF8.self)
            if case .success = ResidentID.validate(text, today: nil) { return .residentID }
        }
        if d.count == 11, d.allSatisfy(isDigit), d[0] == 0x31, d[1] >= 0x33 { return .mobile }
        return nil
    }
}

extension PersonalDataScan {
    public static let code = "personal_data_in_public_text"

    /// Whether a record of `kind` with this body is published about an organisation — the
    /// kinds whose text the scan covers: a filing, inspection or annual review always (their
    /// subject is an institution); a penalty or enforcement measure when its party's
    /// `category` is `organization` (an individual business or person party is a person's
    /// record, exported with its identifiers as the national format requires and never in an
    /// institution's disclosure). Bans, judgments, revocations and repairs are not published
    /// in the disclosure.
    public static func isPublic(kind: RecordKind, body: JSONObject) -> Bool {
        switch kind {
        case .institutionFiling, .inspection, .annualReview, .erasure, .migration, .banConfirmation: return true
        case .penalty, .enforcement: return body["party"]?.objectValue?["category"]?.stringValue == PartyCategory.organization.rawValue
        case .judgment, .ban, .revocation, .creditRepair: return false
        }
    }

    /// Members that hold an identifier by design, not prose: never scanned.
    static let identifierKeys: Set<String> = ["uscc", "idType", "idNumber"]

    /// The errors for every text of a public record's body that carries a personal identifier:
    /// each names the member by JSON pointer and never repeats the value.
    public static func errors(kind: RecordKind, body: JSONObject) -> [FieldError] {
        guard isPublic(kind: kind, body: body) else { return [] }
        let spec = KindSpec.of(kind)
        var out: [FieldError] = []
        for field in spec.fields where field.type != .documentNumber {
            // A token (an origin, a key, a hash) is machine-made, never prose; a random hash
            // can hold a digit run shaped like a mobile number.
            if case .token = field.type { continue }
            guard let value = body[field.key] else { continue }
            scan(value, pointer: "/body/" + pointerToken(field.key), into: &out)
        }
        return out
    }

    static func scan(_ value: JSONValue, pointer: String, into out: inout [FieldError]) {
        switch value {
        case .string(let s):
            if let finding = find(in: s) { out.append(error(pointer, finding)) }
        case .object(let o):
            for (key, member) in o.members where !identifierKeys.contains(key) { scan(member, pointer: pointer + "/" + pointerToken(key), into: &out) }
        case .array(let a):
            for (i, member) in a.enumerated() { scan(member, pointer: pointer + "/\(i)", into: &out) }
        default: break
        }
    }

    public static func error(_ pointer: String, _ finding: Finding) -> FieldError {
        FieldError(pointer: pointer, code: code,
                   message: "this text is published and contains \(finding.description); put personal data in the personal part of the record (the person's own record, e.g. a ban or a penalty naming them as party), not in public text")
    }
}
