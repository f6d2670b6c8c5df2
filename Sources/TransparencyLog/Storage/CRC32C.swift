import CCRC32C

/// CRC-32C (Castagnoli): the CPU's instruction where there is one (x86-64 SSE4.2: reading a
/// segment checks every frame, and the table version cost as much as hashing the entries),
/// slicing-by-8 tables elsewhere. It guards each stored frame against torn and partial
/// writes; the chain and the Merkle tree guard against tampering.
enum CRC32C {
    static let hardware = ccrc32c_hardware_available() == 1

    private static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            table[i] = crc
        }
        for i in 0..<256 {
            var crc = table[i]
            for t in 1..<8 {
                crc = (crc >> 8) ^ table[Int(crc & 0xFF)]
                table[t * 256 + i] = crc
            }
        }
        return table
    }()

    static func checksum(_ data: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard !hardware else {
            guard let base = data.baseAddress else { return crc }
            return ~ccrc32c_hardware_update(~crc, base.assumingMemoryBound(to: UInt8.self), data.count)
        }
        return software(data, continuing: crc)
    }

    /// The portable version (also what the tests hold the instruction to).
    static func software(_ data: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        tables.withUnsafeBufferPointer { t in
            var n = data.count
            guard var ptr = data.baseAddress else { return }
            while n >= 8 {
                let word = UInt64(littleEndian: ptr.loadUnaligned(as: UInt64.self)) ^ UInt64(c)
                c = t[7 * 256 + Int(word & 0xFF)] ^ t[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((word >> 16) & 0xFF)] ^ t[4 * 256 + Int((word >> 24) & 0xFF)]
                    ^ t[3 * 256 + Int((word >> 32) & 0xFF)] ^ t[2 * 256 + Int((word >> 40) & 0xFF)]
                    ^ t[1 * 256 + Int((word >> 48) & 0xFF)] ^ t[Int(word >> 56)]
                ptr += 8
                n -= 8
            }
            while n > 0 {
                c = (c >> 8) ^ t[Int((c ^ UInt32(ptr.load(as: UInt8.self))) & 0xFF)]
                ptr += 1
                n -= 1
            }
        }
        return ~c
    }
}
