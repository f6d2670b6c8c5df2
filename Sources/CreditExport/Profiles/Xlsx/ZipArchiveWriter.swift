import DurableStorage

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
    private var central = ByteWriter()
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

        var local = ByteWriter()
        local.u32(0x0403_4B50)
        local.u16(version)
        local.u16(0)        // flags: none (sizes known; names are ASCII)
        local.u16(8)        // deflate
        local.u16(0)        // 00:00
        local.u16(0x21)     // 1980-01-01
        local.u32(crc)
        local.u32(bigSizes ? 0xFFFF_FFFF : UInt32(compressed))
        local.u32(bigSizes ? 0xFFFF_FFFF : UInt32(uncompressed))
        local.u16(UInt16(nameBytes.count))
        local.u16(bigSizes ? 20 : 0)
        local.bytes(nameBytes)
        if bigSizes {
            // In a local header ZIP64 holds both sizes.
            local.u16(0x0001); local.u16(16)
            local.u64(UInt64(uncompressed)); local.u64(UInt64(compressed))
        }
        try writer.write(local.out)

        // The central directory's ZIP64 field holds only what overflowed, in this order.
        var extra = ByteWriter()
        if bigSizes { extra.u64(UInt64(uncompressed)); extra.u64(UInt64(compressed)) }
        if bigOffset { extra.u64(UInt64(offset)) }
        central.u32(0x0201_4B50)
        central.u16(version)  // made by: MS-DOS attributes, this version
        central.u16(version)
        central.u16(0)
        central.u16(8)
        central.u16(0)
        central.u16(0x21)
        central.u32(crc)
        central.u32(bigSizes ? 0xFFFF_FFFF : UInt32(compressed))
        central.u32(bigSizes ? 0xFFFF_FFFF : UInt32(uncompressed))
        central.u16(UInt16(nameBytes.count))
        central.u16(extra.out.isEmpty ? 0 : UInt16(4 + extra.out.count))
        central.u16(0)        // comment
        central.u16(0)        // disk
        central.u16(0)        // internal attributes
        central.u32(0)        // external attributes
        central.u32(bigOffset ? 0xFFFF_FFFF : UInt32(offset))
        central.bytes(nameBytes)
        if !extra.out.isEmpty { central.u16(0x0001); central.u16(UInt16(extra.out.count)); central.bytes(extra.out) }

        offset += local.out.count
        try data()
        offset += compressed
        entries += 1
    }

    /// Writes the central directory and its end records. The caller finishes the writer.
    mutating func close() throws {
        let start = offset, size = central.out.count
        var end = central
        if start >= zip64Limit || size >= zip64Limit || entries >= 0xFFFF {
            let record = start + size
            end.u32(0x0606_4B50)     // ZIP64 end of central directory record
            end.u64(44)
            end.u16(45); end.u16(45)
            end.u32(0); end.u32(0)
            end.u64(UInt64(entries)); end.u64(UInt64(entries))
            end.u64(UInt64(size)); end.u64(UInt64(start))
            end.u32(0x0706_4B50)     // its locator
            end.u32(0); end.u64(UInt64(record)); end.u32(1)
        }
        end.u32(0x0605_4B50)
        end.u16(0); end.u16(0)
        end.u16(UInt16(min(entries, 0xFFFF))); end.u16(UInt16(min(entries, 0xFFFF)))
        end.u32(size >= zip64Limit ? 0xFFFF_FFFF : UInt32(size))
        end.u32(start >= zip64Limit ? 0xFFFF_FFFF : UInt32(start))
        end.u16(0)
        try writer.write(end.out)
        offset += end.out.count
    }
}
