/// Where the CSV and JSON Lines encoders write: an array (the full path's rows, withdrawals)
/// or room made once per row (the fast path's `ByteRow.appendEncodings`), so each escaping
/// rule has one implementation. Appending to an array field by field cost a uniqueness and a
/// capacity check per piece, about 7 % of the export's CPU (perf, BENCHMARKS.md).
protocol ByteSink {
    mutating func put(_ byte: UInt8)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteSink {
    mutating func put(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { put($0) } }

    /// `value` in decimal, as `String(value)` spells it.
    mutating func put(decimal value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { room in
            var i = room.count, v = value
            repeat {
                i -= 1
                room[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            put(UnsafeBufferPointer(rebasing: room.bindMemory(to: UInt8.self)[i...]))
        }
    }
}

extension Array: ByteSink where Element == UInt8 {
    @inline(__always) mutating func put(_ byte: UInt8) { append(byte) }
    @inline(__always) mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

/// Writes into room the caller made beforehand. Writing past its end stops the process
/// rather than memory: a wrong bound is a bug, never a silent overrun.
struct PointerSink: ByteSink {
    private let start: UnsafeMutablePointer<UInt8>
    private let end: UnsafeMutablePointer<UInt8>
    private var at: UnsafeMutablePointer<UInt8>

    init(_ room: UnsafeMutableBufferPointer<UInt8>) {
        start = room.baseAddress!
        end = start + room.count
        at = start
    }

    var written: Int { at - start }

    @inline(__always) mutating func put(_ byte: UInt8) {
        precondition(at < end, "a row's encoding outgrew its room")
        at.pointee = byte
        at += 1
    }

    @inline(__always) mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        precondition(end - at >= bytes.count, "a row's encoding outgrew its room")
        at.update(from: base, count: bytes.count)
        at += bytes.count
    }
}
