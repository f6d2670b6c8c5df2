#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import DurableStorage

/// A `StorageIO` that fails on purpose, the way a failing or full disk does, and can
/// simulate a power loss. It wraps another `StorageIO` (by default `PosixIO`).
///
/// Every call of a mutating operation (an open for writing, `pwrite`, `fdatasync`,
/// `ftruncate`, `rename`, a directory fsync) gets the next operation number, starting at 1.
/// A fault is armed with a `Trigger` (an operation number, or the first operation of a kind
/// and/or on a path containing a substring) and fires once, or on that operation and the
/// ones after it (`times`), and then clears: a disk that fills up and is freed again.
///
/// Power-loss model (lengths only): for every file written through it, the wrapper remembers
/// its length at its last successful `fdatasync` (0 for a file it created or truncated with
/// `O_TRUNC`; the current length for an existing file it opened first). A rename carries
/// that length to the new name, so a file renamed into place after an fsync counts as
/// synced, and one renamed without an fsync comes back empty. A power loss, or an fsync
/// failure that drops dirty pages, cuts such files back to that length. Bytes rewritten
/// inside the synced length are kept: only lost tails are modelled, not reordering.
///
/// Test machinery: it lives in `LedgerTestSupport`, which only test targets and tools link,
/// so no production binary carries it. Stores take it where they take a `StorageIO`.
public final class FaultInjectingIO: StorageIO, @unchecked Sendable {
    /// The mutating operations that are numbered and can fail.
    public enum Operation: String, Sendable, CaseIterable, CustomStringConvertible {
        case open, pwrite, fdatasync, ftruncate, rename, fsyncDirectory
        public var description: String { rawValue }
    }

    /// What goes wrong. A fault that does not fit the operation it lands on (a short write
    /// on an fsync, an fsync failure on a write) fails that operation before it does anything,
    /// with ENOSPC or EIO respectively.
    public enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// Nothing is done; the call fails with `errno` ("fail and not persist").
        case failBeforeWrite(Int32)
        /// A write writes only about half of its bytes and returns that short count; the
        /// next write to the same descriptor fails with ENOSPC.
        case shortWrite
        /// The operation is done, then reported as failed ("fail but persist").
        case failAfterWrite(Int32)
        /// fdatasync / directory fsync return EIO. With `persisted` the data did reach the
        /// disk; without, the kernel dropped the dirty pages: every tracked file is first cut
        /// back to its length at its last successful fdatasync.
        case fsyncFails(persisted: Bool)
        /// The disk is full: ENOSPC before anything is written.
        case enospc
        /// The power fails just before the operation: as `simulatePowerLoss()`, and the
        /// operation fails with EIO like every later one.
        case powerLoss

        /// Whether the fault means something for `operation` (otherwise it just fails it).
        public func applies(to operation: Operation) -> Bool {
            switch self {
            case .failBeforeWrite, .failAfterWrite, .enospc, .powerLoss: return true
            case .shortWrite: return operation == .pwrite
            case .fsyncFails: return operation == .fdatasync || operation == .fsyncDirectory
            }
        }

        public var description: String {
            func name(_ code: Int32) -> String {
                switch code {
                case EIO: return "EIO"
                case ENOSPC: return "ENOSPC"
                case EDQUOT: return "EDQUOT"
                default: return "errno \(code)"
                }
            }
            switch self {
            case .failBeforeWrite(let code): return "failBeforeWrite(\(name(code)))"
            case .shortWrite: return "shortWrite"
            case .failAfterWrite(let code): return "failAfterWrite(\(name(code)))"
            case .fsyncFails(let persisted): return "fsyncFails(persisted: \(persisted))"
            case .enospc: return "enospc"
            case .powerLoss: return "powerLoss"
            }
        }
    }

    /// Where a fault fires: the first operation whose number is at least `number` (exactly
    /// `number` when nothing else is given) and that matches `operation` and `pathContaining`.
    public struct Trigger: Sendable, Hashable, CustomStringConvertible {
        public var number: Int?
        public var operation: Operation?
        public var pathContaining: String?

        public init(number: Int? = nil, operation: Operation? = nil, pathContaining: String? = nil) {
            self.number = number
            self.operation = operation
            self.pathContaining = pathContaining
        }

        public static func at(_ number: Int) -> Trigger { Trigger(number: number) }

        func matches(number: Int, operation: Operation, path: String) -> Bool {
            if let wanted = self.number, number < wanted { return false }
            if let wanted = self.operation, wanted != operation { return false }
            if let part = pathContaining, !path.contains(part) { return false }
            return true
        }

        public var description: String {
            var parts = [String]()
            if let number { parts.append("op \(number)") }
            if let operation { parts.append("\(operation)") }
            if let pathContaining { parts.append("path ~ \(pathContaining)") }
            return parts.isEmpty ? "any" : parts.joined(separator: ", ")
        }
    }

    /// One numbered operation, as recorded when `recording` is on or when a fault fired.
    public struct Record: Sendable, CustomStringConvertible {
        public let number: Int
        public let operation: Operation
        public let path: String
        public let fault: Fault?
        public var description: String { "#\(number) \(operation) \(path)" + (fault.map { " ← \($0)" } ?? "") }
    }

    private struct Armed {
        var trigger: Trigger
        var fault: Fault
        var times: Int
    }

    private struct State {
        var count = 0
        var armed: [Armed] = []
        /// A fault that fired and still has operations to fail.
        var active: (fault: Fault, remaining: Int)?
        var fired: [Record] = []
        var history: [Record]?
        /// Path → length at the last successful fdatasync.
        var synced: [String: Int64] = [:]
        var paths: [Int32: String] = [:]
        /// Descriptors whose next write fails with ENOSPC (after a short write).
        var full: Set<Int32> = []
        var poweredOff = false
    }

    private let base: StorageIO
    private let state = Mutex(State())

    /// `recording` keeps a list of every numbered operation (see `history`).
    public init(wrapping base: StorageIO = PosixIO(), recording: Bool = false) {
        self.base = base
        if recording { state.withLock { $0.history = [] } }
    }

    // MARK: control

    /// Arms `fault` at `trigger`; it fails `times` operations in a row (the one that
    /// triggers it and the next `times - 1`, whatever they are), then clears.
    public func inject(_ fault: Fault, at trigger: Trigger, times: Int = 1) {
        precondition(times >= 1)
        state.withLock { $0.armed.append(Armed(trigger: trigger, fault: fault, times: times)) }
    }

    /// Arms `fault` at operation number `number`.
    public func inject(_ fault: Fault, atOperation number: Int, times: Int = 1) {
        inject(fault, at: .at(number), times: times)
    }

    /// Disarms every fault, including one that is failing operations right now.
    public func clearFaults() {
        state.withLock {
            $0.armed = []
            $0.active = nil
        }
    }

    /// Numbered operations so far.
    public var operationCount: Int { state.withLock { $0.count } }
    /// The operations a fault was injected into, in order.
    public var firedFaults: [Record] { state.withLock { $0.fired } }
    /// Every numbered operation, when created with `recording: true`.
    public var history: [Record] { state.withLock { $0.history ?? [] } }
    public var isPoweredOff: Bool { state.withLock { $0.poweredOff } }

    /// Pulls the plug: every file written through this wrapper is cut back to its length at
    /// its last successful fdatasync, and from now on every mutating call fails with EIO
    /// without touching anything (the machine is off; `restorePower()` turns it back on).
    /// Atomic with respect to the operations: none is half done when the files are cut.
    public func simulatePowerLoss() {
        state.withLock { state in
            state.poweredOff = true
            state.active = nil
            Self.dropUnsynced(&state)
        }
    }

    /// Lets mutating calls through again after `simulatePowerLoss()`. The files keep what
    /// the power loss left; a log using this wrapper must be reopened to see it.
    public func restorePower() {
        state.withLock { $0.poweredOff = false }
    }

    // MARK: StorageIO

    public func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 {
        guard flags & O_ACCMODE != O_RDONLY else { return try base.open(path, flags: flags, mode: mode) }
        return try state.withLock { state in
            let fault = try Self.begin(&state, .open, path: path, name: "open")
            var info = stat()
            let existed = stat(path, &info) == 0
            if let fault {
                switch Self.effective(fault, for: .open) {
                case .failAfterWrite(let code):
                    let fd = try base.open(path, flags: flags, mode: mode)
                    base.close(fd)
                    Self.opened(&state, path: path, flags: flags, existed: existed, size: Int64(info.st_size))
                    throw StorageError("open", path: path, code: code)
                case let other:
                    throw StorageError("open", path: path, code: Self.code(other))
                }
            }
            let fd = try base.open(path, flags: flags, mode: mode)
            Self.opened(&state, path: path, flags: flags, existed: existed, size: Int64(info.st_size))
            state.paths[fd] = path
            state.full.remove(fd)
            return fd
        }
    }

    public func pwrite(_ fd: Int32, _ data: UnsafeRawBufferPointer, offset: Int64) throws -> Int {
        try state.withLock { state in
            let path = state.paths[fd] ?? FilePath.of(fd)
            let fault = try Self.begin(&state, .pwrite, path: path, name: "write")
            if state.full.remove(fd) != nil { throw StorageError("write", path: path, code: ENOSPC) }
            guard let fault else { return try base.pwrite(fd, data, offset: offset) }
            switch Self.effective(fault, for: .pwrite) {
            case .shortWrite:
                state.full.insert(fd)
                let part = data.count / 2
                guard part > 0 else { return 0 }
                return try base.pwrite(fd, UnsafeRawBufferPointer(rebasing: data[..<part]), offset: offset)
            case .failAfterWrite(let code):
                var done = 0
                while done < data.count {
                    done += try base.pwrite(fd, UnsafeRawBufferPointer(rebasing: data[done...]), offset: offset + Int64(done))
                }
                throw StorageError("write", path: path, code: code)
            case let other:
                throw StorageError("write", path: path, code: Self.code(other))
            }
        }
    }

    public func fdatasync(_ fd: Int32) throws {
        try state.withLock { state in
            let path = state.paths[fd] ?? FilePath.of(fd)
            let fault = try Self.begin(&state, .fdatasync, path: path, name: "fdatasync")
            guard let fault else {
                try base.fdatasync(fd)
                Self.synced(&state, fd: fd, path: path)
                return
            }
            switch Self.effective(fault, for: .fdatasync) {
            case .fsyncFails(persisted: true), .failAfterWrite:
                try base.fdatasync(fd)
                Self.synced(&state, fd: fd, path: path)
                throw StorageError("fdatasync", path: path, code: Self.code(fault))
            case .fsyncFails(persisted: false):
                Self.dropUnsynced(&state)
                throw StorageError("fdatasync", path: path, code: EIO)
            case let other:
                throw StorageError("fdatasync", path: path, code: Self.code(other))
            }
        }
    }

    public func ftruncate(_ fd: Int32, length: Int64) throws {
        try state.withLock { state in
            let path = state.paths[fd] ?? FilePath.of(fd)
            let fault = try Self.begin(&state, .ftruncate, path: path, name: "ftruncate")
            try Self.failUnlessAfter(fault, .ftruncate, path: path, name: "ftruncate")
            try base.ftruncate(fd, length: length)
            if let old = state.synced[path] { state.synced[path] = min(old, length) }
            if let fault { throw StorageError("ftruncate", path: path, code: Self.code(fault)) }
        }
    }

    public func rename(_ from: String, _ to: String) throws {
        try state.withLock { state in
            let fault = try Self.begin(&state, .rename, path: to, name: "rename")
            try Self.failUnlessAfter(fault, .rename, path: to, name: "rename")
            try base.rename(from, to)
            state.synced[to] = state.synced.removeValue(forKey: from)
            if let fault { throw StorageError("rename", path: to, code: Self.code(fault)) }
        }
    }

    public func fsyncDirectory(_ path: String) throws {
        try state.withLock { state in
            let fault = try Self.begin(&state, .fsyncDirectory, path: path, name: "fsync")
            guard let fault else { return try base.fsyncDirectory(path) }
            switch Self.effective(fault, for: .fsyncDirectory) {
            case .fsyncFails(persisted: true), .failAfterWrite:
                try base.fsyncDirectory(path)
                throw StorageError("fsync", path: path, code: Self.code(fault))
            case .fsyncFails(persisted: false):
                Self.dropUnsynced(&state)
                throw StorageError("fsync", path: path, code: EIO)
            case let other:
                throw StorageError("fsync", path: path, code: Self.code(other))
            }
        }
    }

    public func close(_ fd: Int32) {
        state.withLock { state in
            state.paths[fd] = nil
            state.full.remove(fd)
            base.close(fd)
        }
    }

    // MARK: internals (called with the lock held)

    /// Numbers the operation and returns the fault to inject into it, if any.
    private static func begin(_ state: inout State, _ operation: Operation, path: String, name: String) throws -> Fault? {
        if state.poweredOff { throw StorageError(name, path: path, code: EIO) }
        state.count += 1
        var fault: Fault?
        if let active = state.active {
            fault = active.fault
            state.active = active.remaining > 1 ? (active.fault, active.remaining - 1) : nil
        } else if let i = state.armed.firstIndex(where: { $0.trigger.matches(number: state.count, operation: operation, path: path) }) {
            let armed = state.armed.remove(at: i)
            fault = armed.fault
            if armed.times > 1 { state.active = (armed.fault, armed.times - 1) }
        }
        let record = Record(number: state.count, operation: operation, path: path, fault: fault)
        if fault != nil { state.fired.append(record) }
        state.history?.append(record)
        if case .powerLoss = fault {
            state.poweredOff = true
            state.active = nil
            dropUnsynced(&state)
            throw StorageError(name, path: path, code: EIO)
        }
        return fault
    }

    /// The fault as it acts on `operation`.
    private static func effective(_ fault: Fault, for operation: Operation) -> Fault {
        if fault.applies(to: operation) { return fault }
        if case .shortWrite = fault { return .failBeforeWrite(ENOSPC) }
        return .failBeforeWrite(EIO)
    }

    /// Throws now unless the fault lets the operation happen first (failAfterWrite).
    private static func failUnlessAfter(_ fault: Fault?, _ operation: Operation, path: String, name: String) throws {
        guard let fault else { return }
        let acting = effective(fault, for: operation)
        if case .failAfterWrite = acting { return }
        throw StorageError(name, path: path, code: code(acting))
    }

    private static func code(_ fault: Fault) -> Int32 {
        switch fault {
        case .failBeforeWrite(let code), .failAfterWrite(let code): return code
        case .shortWrite, .enospc: return ENOSPC
        case .fsyncFails, .powerLoss: return EIO
        }
    }

    private static func opened(_ state: inout State, path: String, flags: Int32, existed: Bool, size: Int64) {
        if !existed || flags & O_TRUNC != 0 {
            state.synced[path] = 0
        } else if state.synced[path] == nil {
            state.synced[path] = size
        }
    }

    private static func synced(_ state: inout State, fd: Int32, path: String) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        state.synced[path] = Int64(info.st_size)
    }

    /// Cuts every tracked file back to its length at its last successful fdatasync.
    private static func dropUnsynced(_ state: inout State) {
        for (path, length) in state.synced {
            var info = stat()
            guard stat(path, &info) == 0 else {
                state.synced[path] = nil
                continue
            }
            if Int64(info.st_size) > length { _ = truncate(path, off_t(length)) }
        }
    }
}
