#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ways an atomic replace can fail before its rename is done, for the stores' fault
/// tests: each must leave the previous file whole and no temporary file behind.
public enum ReplaceFault: String, CaseIterable, Sendable, CustomStringConvertible {
    /// fdatasync of the temporary file fails and the kernel drops its dirty pages.
    case fsyncFails
    /// The rename over the old file fails.
    case renameFails
    /// The disk is full at the first write.
    case diskFull
    /// A write stores half its bytes, the next one finds the disk full.
    case shortWrite

    public var description: String { rawValue }

    /// Arms the fault on the first operation of its kind on a path containing `name` (the
    /// temporary file's name starts with the file's own, the rename is recorded by its target).
    public func arm(_ io: FaultInjectingIO, onPathContaining name: String) {
        switch self {
        case .fsyncFails: io.inject(.fsyncFails(persisted: false), at: .init(operation: .fdatasync, pathContaining: name))
        case .renameFails: io.inject(.failBeforeWrite(EIO), at: .init(operation: .rename, pathContaining: name))
        case .diskFull: io.inject(.enospc, at: .init(operation: .pwrite, pathContaining: name))
        case .shortWrite: io.inject(.shortWrite, at: .init(operation: .pwrite, pathContaining: name))
        }
    }
}
