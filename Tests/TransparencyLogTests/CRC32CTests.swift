import Testing
@testable import TransparencyLog

/// The frame check word: CRC-32C against the RFC 3720 (iSCSI) B.4 vectors and the usual
/// "123456789" check value, and the CPU instruction against the table version.
@Suite struct CRC32CTests {
    static func crc(_ bytes: [UInt8], software: Bool = false) -> UInt32 {
        bytes.withUnsafeBytes { software ? CRC32C.software($0) : CRC32C.checksum($0) }
    }

    @Test func publishedVectors() {
        for software in [false, true] {
            #expect(Self.crc(Array("123456789".utf8), software: software) == 0xE306_9283)
            #expect(Self.crc([UInt8](repeating: 0, count: 32), software: software) == 0x8A91_36AA)
            #expect(Self.crc([UInt8](repeating: 0xFF, count: 32), software: software) == 0x62A8_AB43)
            #expect(Self.crc((0..<32).map(UInt8.init), software: software) == 0x46DD_794E)
            #expect(Self.crc((0..<32).reversed().map(UInt8.init), software: software) == 0x113F_DB5C)
            #expect(Self.crc([], software: software) == 0)
        }
    }

    /// Every length and alignment around the 8-byte steps, and continuing a checksum.
    @Test func instructionAgreesWithTheTables() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        data.withUnsafeBytes { all in
            for start in 0..<9 {
                for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4000] where start + length <= all.count {
                    let part = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.checksum(part) == CRC32C.software(part), "start \(start) length \(length)")
                    #expect(CRC32C.checksum(part, continuing: 0x1234_5678) == CRC32C.software(part, continuing: 0x1234_5678))
                }
            }
            let split = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[1000...]), continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[..<1000])))
            #expect(split == CRC32C.software(all))
        }
    }
}
