#if canImport(Glibc)
import Glibc
#endif
import LedgerCrypto

/// A cache file of fixed-size records, appended by the writer with pwrite and read by anyone
/// through a read-only shared mapping reserved up front for the largest log, so the mapping
/// never moves while readers hold pointers into it. Readers only touch records below the
/// committed size, and the writer only writes at or past it.
final class MappedColumn: @unchecked Sendable {
    let path: String
    let recordSize: Int
    private let fd: Int32
    private let base: UnsafeMutableRawPointer
    private let reserved: Int
    private let io: StorageIO?

    /// `capacity` is in records. A nil `io` opens the column read-only.
    init(path: String, recordSize: Int, capacity: UInt64, io: StorageIO?) throws {
        self.path = path
        self.recordSize = recordSize
        self.io = io
        let fd: Int32
        if let io {
            fd = try io.open(path, flags: O_RDWR | O_CREAT, mode: 0o600)
        } else {
            fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw StorageError("open", path: path, code: errno) }
        }
        let bytes = max(Int(capacity) * recordSize, 1 << 16)
        let reserved = (bytes + 4095) & ~4095
        guard let map = mmap(nil, reserved, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            let code = errno
            Glibc.close(fd)
            throw StorageError("mmap", path: path, code: code)
        }
        self.fd = fd
        self.base = map
        self.reserved = reserved
    }

    deinit {
        munmap(base, reserved)
        Glibc.close(fd)
    }

    /// Records present in the file (complete ones only).
    func fileRecordCount() throws -> UInt64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError("fstat", path: path, code: errno) }
        return UInt64(info.st_size) / UInt64(recordSize)
    }

    var capacity: UInt64 { UInt64(reserved / recordSize) }

    @inline(__always) func pointer(_ index: UInt64) -> UnsafeRawPointer {
        UnsafeRawPointer(base + Int(index) * recordSize)
    }

    @inline(__always) func digest(_ index: UInt64) -> Digest32 {
        Digest32(loadingFrom: pointer(index))
    }

    @inline(__always) func uint32(_ index: UInt64) -> UInt32 {
        UInt32(littleEndian: pointer(index).loadUnaligned(as: UInt32.self))
    }

    func write(at index: UInt64, _ bytes: UnsafeRawBufferPointer) throws {
        guard let io else { throw LogError.invalidArgument("\(path) is open read-only") }
        guard index * UInt64(recordSize) + UInt64(bytes.count) <= UInt64(reserved) else { throw LogError.full }
        try io.writeAll(fd, bytes, offset: Int64(index) * Int64(recordSize))
    }

    func sync() throws {
        guard let io else { return }
        try io.fdatasync(fd)
    }

    func truncate(records: UInt64) throws {
        guard let io else { return }
        try io.ftruncate(fd, length: Int64(records) * Int64(recordSize))
    }
}
