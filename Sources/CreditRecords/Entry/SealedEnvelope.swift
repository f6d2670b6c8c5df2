import LedgerCrypto

/// The sealed entry's commitment, read from its bytes (docs/log-format.md "Sealed entries"),
/// for the readers that must tell an erased record from a complete one without the vault:
/// the core's opening layer and the export.
public enum SealedEnvelope {
    /// `,"personal":{"commitment":"`: RFC 8785 escapes every `"` inside a string, so these bytes
    /// occur only as structure, and no kind's body has a member named `personal`.
    static let marker = Array(#","personal":{"commitment":""#.utf8)
    static let tail = Array(#","v":2}"#.utf8)

    /// The commitment a sealed (v2) entry names; nil for a v1 entry or a sealed entry with
    /// nothing personal.
    public static func commitment(of entry: [UInt8]) -> Digest32? {
        let m = marker
        guard entry.count > m.count + 66 + tail.count, entry.suffix(tail.count).elementsEqual(tail) else { return nil }
        // The envelope's member follows the body (members are sorted): search from the end.
        var i = entry.count - tail.count - 66 - m.count
        while i >= 0 {
            if entry[i] == m[0], entry[i..<(i + m.count)].elementsEqual(m) {
                let start = i + m.count
                guard entry[start + 64] == UInt8(ascii: "\""), entry[start + 65] == UInt8(ascii: "}") else { return nil }
                return Digest32(hex: String(decoding: entry[start..<(start + 64)], as: UTF8.self))
            }
            i -= 1
        }
        return nil
    }
}
