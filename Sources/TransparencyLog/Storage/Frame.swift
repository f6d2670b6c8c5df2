import LedgerCrypto

/// The stored frame, the unit of a segment file:
///
///     u16 BE  payload length
///     u32 BE  check word: top bit = kind (0 entry, 1 checkpoint),
///             low 31 bits = CRC-32C over (kind byte ‖ length ‖ payload ‖ chain)
///     payload
///     32 bytes chain hash (entry frames only)
///
/// Checkpoint frames carry the signed note that covers every entry before them, so one
/// fdatasync makes a batch and its checkpoint durable together.
enum FrameKind: UInt8, Sendable {
    case entry = 0
    case checkpoint = 1
}

enum Frame {
    static let headerSize = 6
    static let chainSize = 32
    static let maxPayload = Int(UInt16.max)

    static func size(kind: FrameKind, payloadCount: Int) -> Int {
        headerSize + payloadCount + (kind == .entry ? chainSize : 0)
    }

    /// The check word over the frame's parts, computed incrementally (no copies).
    static func checkWord(kind: FrameKind, length: Int, payload: UnsafeRawBufferPointer, chain: UnsafeRawBufferPointer?) -> UInt32 {
        var head: (UInt8, UInt8, UInt8) = (kind.rawValue, UInt8(length >> 8), UInt8(length & 0xFF))
        var crc = withUnsafeBytes(of: &head) { CRC32C.checksum($0) }
        crc = CRC32C.checksum(payload, continuing: crc)
        if let chain { crc = CRC32C.checksum(chain, continuing: crc) }
        return (crc & 0x7FFF_FFFF) | (kind == .checkpoint ? 0x8000_0000 : 0)
    }

    /// Appends an encoded frame to `buffer`.
    static func append(kind: FrameKind, payload: UnsafeRawBufferPointer, chain: Digest32?, to buffer: inout [UInt8]) {
        precondition(payload.count <= maxPayload)
        let word: UInt32
        if let chain {
            word = chain.withUnsafeBytes { checkWord(kind: kind, length: payload.count, payload: payload, chain: $0) }
        } else {
            word = checkWord(kind: kind, length: payload.count, payload: payload, chain: nil)
        }
        appendLengthAndWord(length: payload.count, word: word, to: &buffer)
        buffer.append(contentsOf: payload)
        if let chain { chain.withUnsafeBytes { buffer.append(contentsOf: $0) } }
    }

    /// The big-endian length and check word that follow a frame's kind byte.
    private static func appendLengthAndWord(length: Int, word: UInt32, to buffer: inout [UInt8]) {
        buffer.append(UInt8(length >> 8))
        buffer.append(UInt8(length & 0xFF))
        buffer.append(UInt8(word >> 24))
        buffer.append(UInt8(word >> 16 & 0xFF))
        buffer.append(UInt8(word >> 8 & 0xFF))
        buffer.append(UInt8(word & 0xFF))
    }

    /// CRC-32C over (kind ‖ length ‖ payload) of an entry frame: what the appender can
    /// compute before the chain hash is known.
    static func partialCRC(entry payload: UnsafeRawBufferPointer) -> UInt32 {
        var head: (UInt8, UInt8, UInt8) = (FrameKind.entry.rawValue, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF))
        let crc = withUnsafeBytes(of: &head) { CRC32C.checksum($0) }
        return CRC32C.checksum(payload, continuing: crc)
    }

    /// Appends an entry frame whose CRC over kind, length and payload was computed earlier.
    static func appendEntry(payload: UnsafeRawBufferPointer, partialCRC: UInt32, chain: Digest32, to buffer: inout [UInt8]) {
        let word = chain.withUnsafeBytes { CRC32C.checksum($0, continuing: partialCRC) } & 0x7FFF_FFFF
        appendLengthAndWord(length: payload.count, word: word, to: &buffer)
        buffer.append(contentsOf: payload)
        chain.withUnsafeBytes { buffer.append(contentsOf: $0) }
    }

    enum Decoded: Equatable {
        /// A whole frame whose check word matches.
        case frame(kind: FrameKind, payload: Range<Int>, chain: Digest32?, size: Int)
        /// Not enough bytes left for the frame the header announces (torn tail, or need more input).
        case incomplete
        /// The bytes are all there but the check word does not match.
        case corrupt
    }

    /// Decodes the frame at `offset` of `bytes` (which starts at a frame boundary).
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Decoded {
        guard bytes.count - offset >= headerSize else { return .incomplete }
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        let word = UInt32(bytes[offset + 2]) << 24 | UInt32(bytes[offset + 3]) << 16 | UInt32(bytes[offset + 4]) << 8 | UInt32(bytes[offset + 5])
        let kind: FrameKind = word & 0x8000_0000 != 0 ? .checkpoint : .entry
        let total = size(kind: kind, payloadCount: length)
        guard bytes.count - offset >= total else { return .incomplete }
        let payloadStart = offset + headerSize
        let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + length)])
        var chain: Digest32?
        let expected: UInt32
        if kind == .entry {
            let chainBytes = UnsafeRawBufferPointer(rebasing: bytes[(payloadStart + length)..<(payloadStart + length + chainSize)])
            chain = Digest32(loadingFrom: chainBytes.baseAddress!)
            expected = checkWord(kind: kind, length: length, payload: payload, chain: chainBytes)
        } else {
            expected = checkWord(kind: kind, length: length, payload: payload, chain: nil)
        }
        guard expected == word else { return .corrupt }
        return .frame(kind: kind, payload: payloadStart..<(payloadStart + length), chain: chain, size: total)
    }
}

/// Segment files: a 16-byte header ("CLOGSEG1" + u64 BE segment number), then frames.
enum SegmentHeader {
    static let size = 16
    static let magic = Array("CLOGSEG1".utf8)

    static func bytes(segment: UInt64) -> [UInt8] {
        var out = magic
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: segment >> UInt64(shift))) }
        return out
    }

    static func isValid(_ bytes: UnsafeRawBufferPointer, segment: UInt64) -> Bool {
        bytes.count >= size && Array(bytes[0..<size]) == Self.bytes(segment: segment)
    }
}
