import CZlib
import Dispatch
import Foundation
import Glibc

/// One zip entry's data, deflated as it is produced and kept in an unlinked temporary file
/// until the archive is assembled: a zip entry's local header (CRC-32 and sizes) comes before
/// its data, so the data must wait somewhere, and a million rows must not wait in memory.
///
/// Deflating runs on the spool's own queue, beside the ordered stage that formats the rows
/// (on two cores that is where the time goes). At most two pieces are in flight, so memory
/// stays at a few MiB per spool. Level 1 (zlib's fastest): the sheets' XML is repetitive
/// enough that it still shrinks about 12 times.
final class DeflateSpool: @unchecked Sendable {
    static let level: Int32 = 1

    private let queue = DispatchQueue(label: "careledger.export.deflate")
    private let inFlight = DispatchSemaphore(value: 2)
    private let path: String
    private let fd: Int32
    /// Owned by `queue` until `finish()`.
    private var stream = z_stream()
    private var out = [UInt8](repeating: 0, count: 1 << 18)
    private var failure: Error?
    private(set) var crc: UInt32 = 0
    private(set) var uncompressed = 0
    private(set) var compressed = 0
    private var finished = false

    init(directory: String) throws {
        var template = Array((directory + "/.deflate-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ExportError.io("mkstemp", path: directory, errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Unlinked at once: a crash leaves nothing behind, and the data is read back by fd.
        unlink(path)
        // Raw deflate (negative window bits): a zip entry holds no zlib header or trailer.
        guard deflateInit2_(&stream, Self.level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            close(fd)
            throw ExportError.state("zlib: deflateInit2 failed")
        }
    }

    deinit {
        queue.sync {}
        deflateEnd(&stream)
        close(fd)
    }

    /// Hands `bytes` to the deflating queue (waiting while two pieces are already queued).
    func add(_ bytes: [UInt8]) throws {
        if let failure = queue.sync(execute: { self.failure }) { throw failure }
        inFlight.wait()
        let piece = Piece(bytes: bytes)
        queue.async { [self] in
            defer { inFlight.signal() }
            guard failure == nil else { return }
            do { try deflate(piece.bytes, flush: Z_NO_FLUSH) } catch { failure = error }
        }
    }

    /// Ends the stream with `last` and waits for every piece.
    func finish(last: [UInt8]) throws {
        let piece = Piece(bytes: last)
        try queue.sync {
            if let failure { throw failure }
            try deflate(piece.bytes, flush: Z_FINISH)
            finished = true
        }
    }

    private func deflate(_ bytes: [UInt8], flush: Int32) throws {
        uncompressed += bytes.count
        try bytes.withUnsafeBufferPointer { input in
            if let base = input.baseAddress {
                crc = UInt32(CZlib.crc32(uLong(crc), base, uInt(input.count)))
            }
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let (result, produced) = out.withUnsafeMutableBufferPointer { o -> (Int32, Int) in
                    stream.next_out = o.baseAddress
                    stream.avail_out = uInt(o.count)
                    let r = CZlib.deflate(&stream, flush)
                    return (r, o.count - Int(stream.avail_out))
                }
                guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
                    throw ExportError.state("zlib: deflate failed (\(result))")
                }
                try writeOut(produced)
                if flush == Z_FINISH ? result == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out != 0) { break }
            }
            stream.next_in = nil
        }
    }

    private func writeOut(_ count: Int) throws {
        var done = 0
        while done < count {
            let n = out.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExportError.io("write", path: path, errno: errno)
            }
            done += n
        }
        compressed += count
    }

    /// Copies the deflated data into `writer` (after `finish`).
    func copy(into writer: HashingFileWriter) throws {
        precondition(finished, "copy before finish")
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while offset < compressed {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExportError.io("pread", path: path, errno: errno)
            }
            guard n > 0 else { throw ExportError.state("\(path): the deflated data ended early") }
            try writer.write(buffer[0..<n])
            offset += off_t(n)
        }
    }

    /// A piece handed to the queue: only the queue reads it.
    private struct Piece: @unchecked Sendable { let bytes: [UInt8] }

    /// Deflates small parts (the package's own XML) in one call.
    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Self.level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ExportError.state("zlib: deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let result = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { o -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw ExportError.state("zlib: deflate failed (\(result))") }
        out.removeLast(Int(stream.avail_out))
        return out
    }

    static func crc32(of bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}
