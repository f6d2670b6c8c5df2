/// A zip archive (PKWARE APPNOTE 6.3) written front to back through the batch's hashing,
/// fsyncing writer: each entry's local header with its CRC-32 and sizes already known (no
/// data descriptors, which some intake readers mishandle), then the central directory.
/// ZIP64 fields appear only where a size or offset needs them (a sheet of a million long
/// rows can pass 4 GiB). Every entry is dated 1980-01-01 00:00, so a range always gives the
/// same bytes.
struct ZipArchiveWriter {
    /// Above this a size or offset takes ZIP64 fields; tests lower it to reach that path.
    let zip64Limit: Int
    private let writer: HashingFileWriter
    private var offset = 0
    private var central = [UInt8]()
    private var entries = 0

    init(writer: HashingFileWriter, zip64Limit: Int = 0xFFFF_FFFF) {
        (self.writer, self.zip64Limit) = (writer, zip64Limit)
    }

    /// A small entry deflated in memory.
    mutating func add(_ name: String, _ bytes: [UInt8]) throws {
        let deflated = try DeflateSpool.deflate(bytes), writer = self.writer
        try addEntry(name, crc: bytes.withUnsafeBufferPointer { DeflateSpool.crc32($0) }, compressed: deflated.count, uncompressed: bytes.count) {
            try writer.write(deflated)
        }
    }

    /// An entry whose deflated data waits in `spool` (finished).
    mutating func add(_ name: String, spool: DeflateSpool) throws {
        let writer = self.writer
        try addEntry(name, crc: spool.crc, compressed: spool.compressed, uncompressed: spool.uncompressed) {
            try spool.copy(into: writer)
        }
    }

    private mutating func addEntry(_ name: String, crc: UInt32, compressed: Int, uncompressed: Int, data: () throws -> Void) throws {
        let nameBytes = Array(name.utf8)
        let bigSizes = compressed >= zip64Limit || uncompressed >= zip64Limit
        let bigOffset = offset >= zip64Limit
        let version: UInt16 = bigSizes || bigOffset ? 45 : 20

        var local = [UInt8]()
        local.le32(0x0403_4B50)
        local.le16(version)
        local.le16(0)        // flags: none (sizes known; names are ASCII)
        local.le16(8)        // deflate
        local.le16(0)        // 00:00
        local.le16(0x21)     // 1980-01-01
        local.le32(crc)
        local.le32(bigSizes ? 0xFFFF_FFFF : UInt32(compressed))
        local.le32(bigSizes ? 0xFFFF_FFFF : UInt32(uncompressed))
        local.le16(UInt16(nameBytes.count))
        local.le16(bigSizes ? 20 : 0)
        local += nameBytes
        if bigSizes {
            // In a local header ZIP64 holds both sizes.
            local.le16(0x0001); local.le16(16)
            local.le64(UInt64(uncompressed)); local.le64(UInt64(compressed))
        }
        try writer.write(local)

        // The central directory's ZIP64 field holds only what overflowed, in this order.
        var extra = [UInt8]()
        if bigSizes { extra.le64(UInt64(uncompressed)); extra.le64(UInt64(compressed)) }
        if bigOffset { extra.le64(UInt64(offset)) }
        central.le32(0x0201_4B50)
        central.le16(version)  // made by: MS-DOS attributes, this version
        central.le16(version)
        central.le16(0)
        central.le16(8)
        central.le16(0)
        central.le16(0x21)
        central.le32(crc)
        central.le32(bigSizes ? 0xFFFF_FFFF : UInt32(compressed))
        central.le32(bigSizes ? 0xFFFF_FFFF : UInt32(uncompressed))
        central.le16(UInt16(nameBytes.count))
        central.le16(extra.isEmpty ? 0 : UInt16(4 + extra.count))
        central.le16(0)        // comment
        central.le16(0)        // disk
        central.le16(0)        // internal attributes
        central.le32(0)        // external attributes
        central.le32(bigOffset ? 0xFFFF_FFFF : UInt32(offset))
        central += nameBytes
        if !extra.isEmpty { central.le16(0x0001); central.le16(UInt16(extra.count)); central += extra }

        offset += local.count
        try data()
        offset += compressed
        entries += 1
    }

    /// Writes the central directory and its end records. The caller finishes the writer.
    mutating func close() throws {
        let start = offset, size = central.count
        var end = central
        if start >= zip64Limit || size >= zip64Limit || entries >= 0xFFFF {
            let record = start + size
            end.le32(0x0606_4B50)     // ZIP64 end of central directory record
            end.le64(44)
            end.le16(45); end.le16(45)
            end.le32(0); end.le32(0)
            end.le64(UInt64(entries)); end.le64(UInt64(entries))
            end.le64(UInt64(size)); end.le64(UInt64(start))
            end.le32(0x0706_4B50)     // its locator
            end.le32(0); end.le64(UInt64(record)); end.le32(1)
        }
        end.le32(0x0605_4B50)
        end.le16(0); end.le16(0)
        end.le16(UInt16(min(entries, 0xFFFF))); end.le16(UInt16(min(entries, 0xFFFF)))
        end.le32(size >= zip64Limit ? 0xFFFF_FFFF : UInt32(size))
        end.le32(start >= zip64Limit ? 0xFFFF_FFFF : UInt32(start))
        end.le16(0)
        try writer.write(end)
        offset += end.count
    }
}

private extension Array where Element == UInt8 {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func le64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { append(UInt8((v >> UInt64(s)) & 0xFF)) } }
}
