#if canImport(Glibc)
import Glibc
#endif

/// The vault's in-memory state behind a reader–writer lock (issue 15).
///
/// `open` only reads the maps, and export and checks call it from every core at once: under
/// a `Mutex` those readers excluded each other, and its spinning slow path was a third of the
/// export's CPU (perf, BENCHMARKS.md "Personal-data vault"). Readers now share the lock;
/// seals, erasures and syncs take it exclusively, with writers preferred so a stream of
/// checks cannot starve appends.
final class VaultStateLock<Value>: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    /// Behind a pointer, and handed to readers `borrowing`: read from a class's stored property
    /// and passed as a plain argument, it was copied on every `open` (a retain of each of its
    /// arrays; the export of 1M sealed records took 8 % more CPU).
    private let value: UnsafeMutablePointer<Value>

    init(_ value: Value) {
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
        lock = .allocate(capacity: 1)
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Exclusive access (the `Mutex.withLock` shape, so call sites read the same).
    func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value.pointee)
    }

    /// Shared access through the state's address, for `open`'s per-record lookup: perf still
    /// showed `withReadLock`'s borrow compiled as a copy of the whole state there (a retain and
    /// a release of each of its arrays, contended between the export's threads).
    func withReadAccess<R, E: Error>(_ body: (UnsafePointer<Value>) throws(E) -> R) throws(E) -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(UnsafePointer(value))
    }

    /// Shared access: any number of readers at once.
    func withReadLock<R, E: Error>(_ body: (borrowing Value) throws(E) -> R) throws(E) -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(value.pointee)
    }
}
