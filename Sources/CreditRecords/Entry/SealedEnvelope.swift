#if canImport(Glibc)
import Glibc
#endif
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
        // On every read of every record (the export asks twice a record): a byte scan over
        // the buffer, and the hex decoded in place, instead of slices and a String.
        entry.withUnsafeBufferPointer { bytes -> Digest32? in
            marker.withUnsafeBufferPointer { m -> Digest32? in
                let t = tail.count
                guard bytes.count > m.count + 66 + t, memcmp(bytes.baseAddress! + bytes.count - t, tail, t) == 0 else { return nil }
                // The envelope's member follows the body (members are sorted): search from the end.
                guard let at = EnvelopeBytes.lastIndex(of: m, in: bytes, from: bytes.count - t - 66 - m.count) else { return nil }
                let start = at + m.count
                guard bytes[start + 64] == UInt8(ascii: "\""), bytes[start + 65] == UInt8(ascii: "}") else { return nil }
                return decodeHexDigest(UnsafeBufferPointer(rebasing: bytes[start..<(start + 64)]))
            }
        }
    }

    /// 64 hex digits (either case, as `Hex.decode` takes them) as a digest; nil for any other byte.
    /// A table and one check at the end, not a branch per digit: digits and letters come in
    /// random order in a hash, so the branches mispredicted about half the time.
    static func decodeHexDigest(_ hex: UnsafeBufferPointer<UInt8>) -> Digest32? {
        let table = nibbles
        return table.withUnsafeBufferPointer { t in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { out -> Digest32? in
                var bad: UInt8 = 0
                for j in 0..<32 {
                    let high = t[Int(hex[2 * j])], low = t[Int(hex[2 * j + 1])]
                    bad |= high | low
                    out[j] = high << 4 | (low & 0x0F)
                }
                guard bad & 0x80 == 0 else { return nil }
                return Digest32(loadingFrom: UnsafeRawPointer(out.baseAddress!))
            }
        }
    }

    /// Each byte's hex value, 0x80 for a byte that is not a hex digit.
    private static let nibbles: [UInt8] = (0...255).map { (c: Int) -> UInt8 in
        switch UInt8(c) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(c) &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt8(c) &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt8(c) &- UInt8(ascii: "A") &+ 10
        default: return 0x80
        }
    }
}
