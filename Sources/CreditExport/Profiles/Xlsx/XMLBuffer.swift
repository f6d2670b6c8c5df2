import CreditRecords
import Glibc

/// The sheet XML being built: raw memory grown by doubling, appended to with memcpy. An
/// `[UInt8]` with `append(contentsOf:)` spent more time in uniqueness and bounds checks than
/// in copying (perf, 1M records: the row loop was 14 % of the export's CPU).
struct XMLBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// What is written so far, handed over without a copy; the buffer starts again empty.
    mutating func take() -> OwnedBytes {
        let taken = OwnedBytes(base: base, count: count)
        base = .allocate(capacity: capacity)
        count = 0
        return taken
    }

    private mutating func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        var grown = capacity * 2
        while count + n > grown { grown *= 2 }
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        memory.update(from: base, count: count)
        base.deallocate()
        (base, capacity) = (memory, grown)
    }

    @inline(__always) mutating func append(_ s: StaticString) {
        reserve(s.utf8CodeUnitCount)
        memcpy(base + count, s.utf8Start, s.utf8CodeUnitCount)
        count += s.utf8CodeUnitCount
    }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        memcpy(base + count, from, bytes.count)
        count += bytes.count
    }

    @inline(__always) mutating func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Text content: `&`, `<`, `>` as entities; a control character XML 1.0 cannot carry, and
    /// U+FFFE/U+FFFF, as Excel's `_xHHHH_`; and a literal `_xHHHH_` with its underscore so
    /// escaped (`_x005F_`), so Excel does not read it as an escape.
    mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var i = Self.firstSpecial(bytes)
        append(UnsafeBufferPointer(rebasing: bytes[0..<i]))
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x26: append("&amp;")
            case 0x3C: append("&lt;")
            case 0x3E: append("&gt;")
            case 0x09, 0x0A, 0x0D: append(byte: b)
            case ..<0x20: appendExcelEscape(UInt16(b))
            case 0x5F where Self.isExcelEscape(bytes, at: i): append("_x005F_")
            case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && (bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF):
                appendExcelEscape(bytes[i + 2] == 0xBE ? 0xFFFE : 0xFFFF)
                i += 2
            default: append(byte: b)
            }
            i += 1
        }
    }

    /// The index of the first byte `appendEscaped` may have to change, eight bytes at a
    /// time (most cells are Chinese text or codes, which hold none).
    static func firstSpecial(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var j = 0
        while j + 8 <= bytes.count {
            let x = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            if SWAR.hasLess(x, 0x20) || SWAR.has(x, 0x26) || SWAR.has(x, 0x3C) || SWAR.has(x, 0x3E) || SWAR.has(x, 0x5F) || SWAR.has(x, 0xEF) { break }
            j += 8
        }
        while j < bytes.count {
            let b = bytes[j]
            if b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x5F || b == 0xEF { return j }
            j += 1
        }
        return j
    }

    private static func isExcelEscape(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "x"), bytes[i + 6] == 0x5F else { return false }
        return (i + 2...i + 5).allSatisfy { j in
            let c = bytes[j] | 0x20
            return (0x30...0x39).contains(bytes[j]) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
        }
    }

    private mutating func appendExcelEscape(_ value: UInt16) {
        let hex: StaticString = "0123456789ABCDEF"
        append("_x")
        for shift in stride(from: 12, through: 0, by: -4) { append(byte: hex.utf8Start[Int((value >> UInt16(shift)) & 0xF)]) }
        append(byte: 0x5F)
    }
}

/// Bytes handed from the ordered stage to a deflating queue: only that queue reads them, and
/// they are freed with the last reference.
final class OwnedBytes: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let count: Int

    init(base: UnsafeMutablePointer<UInt8>, count: Int) { (self.base, self.count) = (base, count) }

    deinit { base.deallocate() }

    /// Valid only while this object lives (the caller holds it across the use).
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}
