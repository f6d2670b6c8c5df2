#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// Reading, writing and cutting a closed log's files at the byte level, for the tamper tests.
extension TamperTests {
    // MARK: helpers

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw LogError.notALog(path) }
        return Array(data)
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func truncate(_ path: String, to length: UInt32) throws {
        guard Glibc.truncate(path, off_t(length)) == 0 else { throw StorageError("truncate", path: path, code: errno) }
    }

    static func flipBit(_ path: String, offset: Int, bit: Int) throws {
        let fd = Glibc.open(path, O_RDWR)
        guard fd >= 0 else { throw StorageError("open", path: path, code: errno) }
        defer { Glibc.close(fd) }
        var byte: UInt8 = 0
        guard pread(fd, &byte, 1, off_t(offset)) == 1 else { throw StorageError("pread", path: path, code: errno) }
        byte ^= 1 << UInt8(bit)
        guard pwrite(fd, &byte, 1, off_t(offset)) == 1 else { throw StorageError("pwrite", path: path, code: errno) }
    }

    static func segmentPath(_ directory: String, _ seq: UInt64) -> String {
        LogLayout(directory: directory).segment(seq / perSegment)
    }

    /// The index file: a u32 little-endian frame offset per seq.
    static func indexOffset(_ directory: String, _ seq: UInt64) throws -> UInt32 {
        let index = try read(directory + "/index")
        return index[Int(seq) * 4..<Int(seq) * 4 + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    struct FrameSpan { let start: Int, size: Int, isCheckpoint: Bool }

    /// The frames of a segment file, by their headers alone (no checks).
    static func frames(_ bytes: [UInt8]) -> [FrameSpan] {
        var out = [FrameSpan]()
        var at = SegmentHeader.size
        while at + Frame.headerSize <= bytes.count {
            let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            let isCheckpoint = bytes[at + 2] & 0x80 != 0
            let size = Frame.headerSize + length + (isCheckpoint ? 0 : Frame.chainSize)
            guard at + size <= bytes.count else { break }
            out.append(FrameSpan(start: at, size: size, isCheckpoint: isCheckpoint))
            at += size
        }
        return out
    }

    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit: the test's own.
    static func crc32c(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    /// The check word as Frame.swift documents it: kind bit, then CRC-32C over
    /// (kind byte ‖ u16 BE length ‖ payload ‖ chain).
    static func checkWord(_ bytes: [UInt8], frame: FrameSpan) -> UInt32 {
        let kind: UInt8 = frame.isCheckpoint ? 1 : 0
        let covered = [kind, bytes[frame.start], bytes[frame.start + 1]] + bytes[(frame.start + Frame.headerSize)..<(frame.start + frame.size)]
        return (crc32c(covered) & 0x7FFF_FFFF) | (frame.isCheckpoint ? 0x8000_0000 : 0)
    }

    static func storeCheckWord(_ bytes: inout [UInt8], frame: FrameSpan) {
        let word = checkWord(bytes, frame: frame)
        for i in 0..<4 { bytes[frame.start + 2 + i] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * i)) }
    }
}
