#if canImport(Glibc)
import Glibc
#endif
import LedgerCrypto

/// Streams the frames of one segment file from an offset, in large reads, so recovery and
/// verification can walk gigabytes without holding them in memory.
enum SegmentScanner {
    struct ScannedFrame {
        let kind: FrameKind
        let payload: UnsafeRawBufferPointer
        let chain: Digest32?
        let offset: Int64
        let size: Int
    }

    enum End: Equatable {
        /// Every byte was a whole, checking frame.
        case endOfFile(offset: Int64)
        /// The bytes from `offset` on are not a whole, checking frame.
        case torn(offset: Int64, reason: String)
    }

    enum HeaderCheck { case valid, missing, short, wrong }

    static func checkHeader(path: String, segment: UInt64) -> HeaderCheck {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .missing }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: SegmentHeader.size)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, SegmentHeader.size, 0) }
        if n < SegmentHeader.size { return .short }
        return header.withUnsafeBytes { SegmentHeader.isValid($0, segment: segment) } ? .valid : .wrong
    }

    /// Calls `body` for each frame from `offset` until the end of the file or the first frame
    /// that is incomplete or does not check.
    static func scan(path: String, from offset: Int64, chunkSize: Int = 8 << 20, _ body: (ScannedFrame) throws -> Void) throws -> End {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError("open", path: path, code: errno) }
        defer { close(fd) }
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        // No bigger than the file needs (a short tail or a small segment would otherwise zero
        // 8 MiB per scan); the slack holds one whole frame of the largest size.
        var info = stat()
        let remaining = fstat(fd, &info) == 0 ? max(0, Int64(info.st_size) - offset) : Int64(chunkSize)
        var buffer = [UInt8](repeating: 0, count: Int(min(Int64(chunkSize), remaining)) + 65_536 + 64)
        var filled = 0        // valid bytes in buffer
        var consumed = 0      // bytes of buffer already decoded
        var bufferStart = offset  // file offset of buffer[0]
        var atEOF = false
        while true {
            // Refill: keep the undecoded remainder, read more behind it.
            if !atEOF {
                if consumed > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed)
                    }
                    filled -= consumed
                    bufferStart += Int64(consumed)
                    consumed = 0
                }
                while filled < buffer.count && !atEOF {
                    let n = buffer.withUnsafeMutableBytes { raw in
                        pread(fd, raw.baseAddress! + filled, raw.count - filled, off_t(bufferStart) + off_t(filled))
                    }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw StorageError("read", path: path, code: errno)
                    }
                    if n == 0 { atEOF = true } else { filled += n }
                }
            }
            var needMore = false
            try buffer.withUnsafeBytes { whole in
                let raw = UnsafeRawBufferPointer(rebasing: whole[0..<filled])
                while consumed < filled {
                    switch Frame.decode(raw, at: consumed) {
                    case .frame(let kind, let payload, let chain, let size):
                        try body(ScannedFrame(kind: kind, payload: UnsafeRawBufferPointer(rebasing: raw[payload]), chain: chain,
                                       offset: bufferStart + Int64(consumed), size: size))
                        consumed += size
                    case .incomplete:
                        needMore = true
                        return
                    case .corrupt:
                        return
                    }
                }
            }
            if consumed == filled {
                if atEOF { return .endOfFile(offset: bufferStart + Int64(consumed)) }
                continue
            }
            if needMore && !atEOF { continue }
            let reason = needMore ? "incomplete frame" : "frame does not check (CRC-32C)"
            return .torn(offset: bufferStart + Int64(consumed), reason: reason)
        }
    }
}
