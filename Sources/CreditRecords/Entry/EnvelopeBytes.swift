#if canImport(Glibc)
import Glibc
#endif

/// An envelope's own members read straight from its bytes, for scans that visit every entry
/// and must not decode one to learn a single member (the start-up erasure scan, the sealed
/// commitment). An entry is RFC 8785 JSON: members are sorted, so every member after `body`
/// is the envelope's own (`kind`, `personal`, `submittedAt`, `submittedBy`, `v`), and a `"`
/// inside a string is always escaped, so a marker such as `"kind":"` occurs only as
/// structure. The last occurrence is therefore the envelope's, a few hundred bytes from the
/// end: searching backwards never reads the body.
public enum EnvelopeBytes {
    /// The start of the last occurrence of `marker` that begins at or before `last`.
    static func lastIndex(of marker: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from last: Int) -> Int? {
        var i = min(last, bytes.count - marker.count)
        while i >= 0 {
            if bytes[i] == marker[0], memcmp(bytes.baseAddress! + i, marker.baseAddress!, marker.count) == 0 { return i }
            i -= 1
        }
        return nil
    }

    static let kindMarker = Array(#""kind":""#.utf8)

    /// The kind the envelope names; nil when it names none this build knows. A scan acts on
    /// the decoded envelope, not on this answer alone.
    public static func kind(of entry: [UInt8]) -> RecordKind? {
        entry.withUnsafeBufferPointer { bytes -> RecordKind? in
            kindMarker.withUnsafeBufferPointer { m -> RecordKind? in
                guard let at = lastIndex(of: m, in: bytes, from: bytes.count - m.count) else { return nil }
                let start = at + m.count
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                return RecordKind(rawValue: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
            }
        }
    }
}
