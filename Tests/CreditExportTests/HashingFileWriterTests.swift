import Foundation
import LedgerCrypto
import Testing
@testable import CreditExport

/// The batch files' writer: direct I/O where the file system allows it (whole blocks, a
/// padded and truncated tail), buffered writes elsewhere. Either way the file holds exactly
/// the bytes written, and the digest and size it reports are theirs.
@Suite struct HashingFileWriterTests {
    /// A disk-backed directory (direct I/O on ext4 and most others) and tmpfs (no direct I/O).
    static var directories: [String] {
        var out = [NSTemporaryDirectory()]
        if FileManager.default.fileExists(atPath: "/dev/shm") { out.append("/dev/shm") }
        return out
    }

    static let sizes = [0, 1, 4095, 4096, 4097, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12_345]

    @Test(arguments: directories)
    func writesExactlyTheBytes(in directory: String) throws {
        var generator = SystemRandomNumberGenerator()
        for size in Self.sizes {
            let data = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let path = directory + "/careledger-writer-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let writer = try HashingFileWriter(path: path)
            // Pieces of odd sizes, as rows come, across buffer and block boundaries.
            var at = 0, step = 1
            while at < data.count {
                let end = min(data.count, at + step)
                try writer.write(data[at..<end])
                at = end
                step = step * 7 % 5003 + 1
            }
            let digest = try writer.finish()
            #expect(writer.bytesWritten == size)
            #expect(digest == SHA256.hash(data), "size \(size)")
            #expect(FileManager.default.contents(atPath: path).map(Array.init) == data, "size \(size) in \(directory)")
        }
    }

    @Test func writeNewFileReplacesNothingAndHashes() throws {
        let path = NSTemporaryDirectory() + "/careledger-writer-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = Array("{\"a\":1}\n".utf8)
        #expect(try DurableIO.writeNewFile(path, bytes) == SHA256.hash(bytes))
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == bytes)
    }
}
