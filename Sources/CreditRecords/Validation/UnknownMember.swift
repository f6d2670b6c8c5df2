/// Where a problem points for a member the format does not know. A member's name is the
/// client's text: an ID number or a person's name typed as a key must not come back in a
/// problem body (and from there reach logs). A name shaped like a field name (an ASCII letter,
/// then up to 63 letters, digits or `_`) is a typo worth naming, so it is echoed as the
/// pointer's last token; any other name is not, and the problem points at the object
/// holding it.
public enum UnknownMember {
    /// The pointer for `key`, an unknown member of the object at `parent`.
    public static func pointer(_ key: String, in parent: String) -> String {
        isFieldName(key) ? parent + "/" + key : parent
    }

    public static func isFieldName(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let first = bytes.first, bytes.count <= 64, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// Every unknown member's pointer, once each (several unnamed ones in one object point
    /// at it once).
    public static func pointers(_ keys: [String], allowed: (String) -> Bool, in parent: String) -> [String] {
        var seen = Set<String>(), out = [String]()
        for key in keys where !allowed(key) {
            let pointer = pointer(key, in: parent)
            if seen.insert(pointer).inserted { out.append(pointer) }
        }
        return out
    }
}
