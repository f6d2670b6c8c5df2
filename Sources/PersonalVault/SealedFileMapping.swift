import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The `sealed` file mapped read-only up to the end it had when the vault was opened, for a
/// reader that opens every record once (the export): a record inside it is decrypted
/// straight from the page cache, with no `pread` system call and no copy per record (perf
/// put `pread` at 8 % of a 1M-record export). The service keeps `pread`, so its resident
/// memory stays its own state rather than the pages of every record it ever read.
///
/// Safe to read for as long as the vault is open: the mapping ends where the open left the
/// file (its torn tail already cut and synced), a later recovery cuts back only to a synced
/// end at or past it, the vault's lock keeps every other process out, and an erasure
/// writes zeros in place, which the mapping shows like a `pread` would.
///
/// Pages far behind the reads are dropped from the process (they stay in the page cache), so
/// the reader's resident memory does not grow by the file's size: a record read again after
/// that is simply faulted in again.
final class SealedFileMapping: @unchecked Sendable {
    // @unchecked: `base` and `length` are set once and the pages only read; `released` is atomic.
    let base: UnsafeRawPointer
    let length: Int
    /// Everything below this offset has been dropped (a multiple of `releaseStep`).
    private let released = Atomic<Int>(0)
    /// Readers on several threads read near each other in log order: drop what lies more
    /// than one step behind the furthest read, a step at a time. A thread still reading a
    /// dropped page only faults it in again from the page cache.
    static let releaseStep = 32 << 20

    init?(fd: Int32, length: Int) {
        guard length > 0, let base = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), base != UnsafeMutableRawPointer(bitPattern: -1) else {
            return nil
        }
        // Export reads in log order, which is the order records were sealed in.
        _ = madvise(base, length, MADV_SEQUENTIAL)
        (self.base, self.length) = (UnsafeRawPointer(base), length)
    }

    /// The bytes at `offset`, when the mapping holds all `count` of them.
    func bytes(at offset: Int64, count: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, count >= 0, Int(offset) <= length - count else { return nil }
        releaseBehind(Int(offset))
        return UnsafeRawBufferPointer(start: base + Int(offset), count: count)
    }

    private func releaseBehind(_ offset: Int) {
        let target = (offset / Self.releaseStep - 1) * Self.releaseStep
        let current = released.load(ordering: .relaxed)
        guard target > current, released.compareExchange(expected: current, desired: target, ordering: .relaxed).exchanged else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base) + current, target - current, MADV_DONTNEED)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }
}
