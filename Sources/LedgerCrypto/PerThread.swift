#if canImport(Glibc)
import Glibc
#endif

/// One object per thread, made on a thread's first call and released when the thread ends:
/// for per-record state that must not be shared or locked (an OpenSSL cipher context, the
/// vault's guess of the next record). Keep instances in `static let`s: each holds a pthread
/// key, of which a process has about a thousand.
package final class PerThread<Value: AnyObject>: @unchecked Sendable {
    private let key: pthread_key_t
    private let make: @Sendable () -> Value

    package init(_ make: @escaping @Sendable () -> Value) {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key) { raw in raw.map { Unmanaged<AnyObject>.fromOpaque($0).release() } } == 0,
                     "pthread_key_create failed")
        self.key = key
        self.make = make
    }

    /// The calling thread's object.
    package var current: Value {
        // The same pointer the destructor releases as `AnyObject`: a class instance's address.
        if let raw = pthread_getspecific(key) { return Unmanaged<Value>.fromOpaque(raw).takeUnretainedValue() }
        let made = make()
        pthread_setspecific(key, Unmanaged.passRetained(made).toOpaque())
        return made
    }
}
