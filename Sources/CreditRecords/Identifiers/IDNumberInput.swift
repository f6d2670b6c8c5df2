/// ID numbers as clerks type them, turned into the one form the service stores, checks and
/// hashes (docs/http.md, "ID numbers as typed").
///
/// Every ID type: ASCII spaces, tabs and the ideographic space U+3000 are removed wherever
/// they stand; full-width digits `０`–`９` and letters `Ａ`–`Ｚ`, `ａ`–`ｚ` become their ASCII
/// forms (same case). The 18-character MOD 11-2 numbers (resident IDs, 2023 foreign permanent
/// resident IDs) also get an upper-case check `X`. Nothing else changes: letters of passports
/// and permits keep their case (a lower-case passport number is still refused), and any other
/// character (a hyphen, a no-break space) is left in place for the type's check to refuse.
///
/// `IdType.validate` applies this before its check, so records, background checks and the
/// audit search share it, and `ClientSigning.normalised` applies it so a client signs the
/// body as stored. The per-type validators (`ResidentID`, `PassportNumber`, …) check the
/// stored form only.
public enum IDNumberInput {
    public static func normalised(_ text: String, as type: IdType) -> String {
        var folded = text
        if text.unicodeScalars.contains(where: needsFolding) {
            var scalars = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x20, 0x09, 0x3000: continue
                // The full-width forms sit at a fixed offset from ASCII.
                case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
                default: scalars.append(scalar)
                }
            }
            folded = String(scalars)
        }
        switch type {
        case .residentId, .foreignPermanentResidentId:
            return folded.utf8.count == 18 ? ResidentID.normalized(folded) : folded
        case .passport, .hkMacauPermit, .taiwanPermit:
            return folded
        }
    }

    /// A separator to remove or a full-width character to fold.
    private static func needsFolding(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x3000, 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A: return true
        default: return false
        }
    }
}
