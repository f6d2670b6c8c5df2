#if canImport(Glibc)
import Glibc
#endif

/// The calling thread's guess of the next record it opens (SlotTable.swift,
/// `record(for:probingFirst:)`): one per thread, since each export thread opens its own run
/// of consecutive records. A guess is only ever checked against the commitment asked for, so
/// a stale one (another vault, another run) costs one comparison and is never an answer.
final class OpenHint {
    var next = -1

    static func current() -> OpenHint {
        let key = slot
        if let raw = pthread_getspecific(key) { return Unmanaged<OpenHint>.fromOpaque(raw).takeUnretainedValue() }
        let made = OpenHint()
        pthread_setspecific(key, Unmanaged.passRetained(made).toOpaque())
        return made
    }

    private static let slot: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key) { raw in raw.map { Unmanaged<OpenHint>.fromOpaque($0).release() } } == 0,
                     "pthread_key_create failed")
        return key
    }()
}
