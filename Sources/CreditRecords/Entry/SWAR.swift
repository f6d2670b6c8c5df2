/// Byte tests on eight bytes at once (the "has zero byte" trick: no false negatives), so
/// the export skips whole words of text that hold none of the bytes it looks for. Most of
/// what it reads and writes is Chinese text, where none of them occur. Public and inlinable:
/// the entry scanner and the export's encoders use it on every byte.
public enum SWAR {
    public static let ones: UInt64 = 0x0101_0101_0101_0101
    public static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Some byte is zero.
    @inlinable @inline(__always) public static func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
    /// Some byte equals `b`.
    @inlinable @inline(__always) public static func has(_ x: UInt64, _ b: UInt8) -> Bool { hasZero(x ^ (ones &* UInt64(b))) }
    /// Some byte is below `n` (n ≤ 128).
    @inlinable @inline(__always) public static func hasLess(_ x: UInt64, _ n: UInt8) -> Bool { (x &- ones &* UInt64(n)) & ~x & highs != 0 }

    @inlinable @inline(__always) public static func isJSONSpecial(_ b: UInt8) -> Bool { b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") }
    @inlinable @inline(__always) public static func isCSVSpecial(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0D || b == 0x0A
    }

    /// The first index at or after `from` of a byte a JSON string must escape, or that ends
    /// one (`"`, `\`, below 0x20); `bytes.count` if there is none.
    @inlinable public static func firstJSONSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var j = from
        guard let base = bytes.baseAddress else { return bytes.count }
        while j + 8 <= bytes.count {
            let x = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            // Each mask's lowest flagged byte is exact (a borrow only flags bytes above a real
            // hit; little-endian), so the first special byte is found without a byte loop:
            // most strings are keys and short values, where that loop was most of the cost.
            let m = zeroMask(x ^ (ones &* UInt64(UInt8(ascii: "\"")))) | zeroMask(x ^ (ones &* UInt64(UInt8(ascii: "\\")))) | lessMask(x, 0x20)
            if m != 0 { return j + m.trailingZeroBitCount / 8 }
            j += 8
        }
        while j < bytes.count, !isJSONSpecial(bytes[j]) { j += 1 }
        return j
    }

    /// The high bit of each byte that is zero (and possibly of bytes above one that is).
    @inlinable @inline(__always) public static func zeroMask(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
    /// The high bit of each byte below `n` (n ≤ 128; possibly of bytes above one that is).
    @inlinable @inline(__always) public static func lessMask(_ x: UInt64, _ n: UInt8) -> UInt64 { (x &- ones &* UInt64(n)) & ~x & highs }

    /// Whether the bytes hold one CSV must quote for: `,` `"` CR LF.
    @inlinable public static func containsCSVSpecial(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var j = 0
        guard let base = bytes.baseAddress else { return false }
        while j + 8 <= bytes.count {
            let x = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            if has(x, UInt8(ascii: ",")) || has(x, UInt8(ascii: "\"")) || has(x, 0x0D) || has(x, 0x0A) { break }
            j += 8
        }
        while j < bytes.count { if isCSVSpecial(bytes[j]) { return true }; j += 1 }
        return false
    }
}
