#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DurableStorage

/// `PosixIO` without `fdatasync` or directory syncs: for tests and benchmarks that measure or
/// damage what is written, not how long the disk takes to make it durable. Never durable.
public struct NoSyncIO: StorageIO {
    let base = PosixIO()
    public init() {}
    public func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 { try base.open(path, flags: flags, mode: mode) }
    public func pwrite(_ fd: Int32, _ data: UnsafeRawBufferPointer, offset: Int64) throws -> Int { try base.pwrite(fd, data, offset: offset) }
    public func fdatasync(_ fd: Int32) throws {}
    public func ftruncate(_ fd: Int32, length: Int64) throws { try base.ftruncate(fd, length: length) }
    public func rename(_ from: String, _ to: String) throws { try base.rename(from, to) }
    public func fsyncDirectory(_ path: String) throws {}
    public func close(_ fd: Int32) { base.close(fd) }
}
