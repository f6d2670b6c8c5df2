import CreditRecords
import DurableStorage
import LedgerCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Snapshots: the index as of a tree size, so a restart replays only the log's tail.
///
/// File format (little-endian), version 4 (version 1, without the record columns, version
/// 2, whose entries lack the offence category and 限制从业 end of the statutory bars and the
/// institution status flags and region, and whose columns lack the penalties' publication
/// rules, and version 3, without the bans' pending and lifetime bits and the pending
/// revocations, are read as unusable and the index rebuilt):
/// ```
/// 0   "CLIDXSNP"                       magic, 8 bytes
/// 8   u32 version, u32 person key tag (`PersonKeying.tag`; 0: people keyed by ID number)
/// 16  u64 tree size covered            = number of info bytes
/// 24  32-byte root hash of the log at that size
/// 56  u64 entries, u64 people, u64 other people, u64 institutions, u64 other institutions, u64 records
/// 104 info: one byte per seq (kind code | revoked 0x10 | repaired 0x20 | pending 0x40 | lifetime ban 0x80)
///     entries: 20 bytes each (u32 seq low, u16 seq high, u8 kind, u8 flags, i32 a, i32 b, i32 previous)
///     people, institutions: 20 bytes each (u64 key hi, u64 key lo, i32 chain head)
///     other people, other institutions: u32 length, UTF-8 key, i32 chain head
///     record columns: u64 authorities, each u32 length + UTF-8 code;
///       per seq u32 authority (1-based, 0 none), then per seq i32 decision day, then per
///       seq u64 document digest, then per seq u8 penalty publication rule (0 none), then per
///       seq i32 first repair day; u64 documents, each u64 digest + u32 unrevoked count
///     pending revocations: u64 count, each u64 revocation seq + u64 the ban's seq
/// end-32  SHA-256 of every byte before it
/// ```
extension BackgroundIndex {
    public struct Stats: Sendable, Equatable {
        public var entries: UInt64
        public var people: Int
        public var institutions: Int
        public var records: Int
    }

    public var stats: Stats {
        state.withLock {
            Stats(entries: $0.size, people: $0.people.count + $0.otherPeople.count,
                  institutions: $0.institutions.count + $0.otherInstitutions.count, records: $0.records)
        }
    }

    public struct SnapshotError: Error, CustomStringConvertible {
        public let description: String
    }

    static let snapshotMagic: [UInt8] = Array("CLIDXSNP".utf8)
    static let snapshotVersion: UInt32 = 4
    static let headerSize = 104

    /// Writes (temp file, fsync, rename, through `io`) a snapshot of everything applied so
    /// far, naming the tree size (`size`) and the log's root hash at that size. The caller
    /// must not apply entries between reading that root and this call;
    /// `writeSnapshot(to:rootAt:)` has no such race.
    public func writeSnapshot(to path: String, rootHash: Digest32, io: StorageIO = PosixIO()) throws {
        let copy = state.withLock { $0 }
        try BackgroundIndex.writeState(copy, rootHash: rootHash, to: path, io: io)
    }

    /// Writes a snapshot of the state as it is now, asking `rootAt` for the log's root at the
    /// size it covers (outside the lock: appends continue meanwhile). Returns that size.
    @discardableResult
    public func writeSnapshot(to path: String, rootAt: (UInt64) throws -> Digest32, io: StorageIO = PosixIO()) throws -> UInt64 {
        let copy = state.withLock { $0 }  // copy-on-write: the arrays are shared until the writer next appends
        try BackgroundIndex.writeState(copy, rootHash: try rootAt(copy.size), to: path, io: io)
        return copy.size
    }

    /// Loads the snapshot at `path` if its checksum holds and `rootAt(size)` — the log's root
    /// at the snapshot's size, nil if the log is shorter — equals the root it names. Returns
    /// nil and the reason otherwise (missing, corrupt, stale, foreign), never a wrong index.
    public static func loadSnapshot(from path: String, keying: PersonKeying? = nil,
                                    rootAt: (UInt64) throws -> Digest32?) -> (index: BackgroundIndex?, problem: String?) {
        let bytes: [UInt8]
        do {
            guard let read = try readFile(path) else { return (nil, "no snapshot at \(path)") }
            bytes = read
        } catch {
            return (nil, "cannot read the snapshot: \(error)")
        }
        do {
            return (try decode(bytes, keying: keying, rootAt: rootAt), nil)
        } catch {
            return (nil, "\(error)")
        }
    }

    /// Builds the index from the log's first `size` entries, asking `entries(start, count)` for
    /// them in chunks; `progress` hears the number applied after each chunk.
    public static func rebuild(size: UInt64, entries: (UInt64, Int) throws -> [[UInt8]], progress: ((UInt64) -> Void)?) throws -> BackgroundIndex {
        let index = BackgroundIndex()
        try index.catchUp(to: size, entries: entries, progress: progress)
        return index
    }

    /// Applies the log's entries from `size` up to `target` (the tail after a snapshot).
    public func catchUp(to target: UInt64, entries: (UInt64, Int) throws -> [[UInt8]], progress: ((UInt64) -> Void)? = nil) throws {
        let chunk = 4096
        var next = size
        while next < target {
            let batch = try entries(next, Int(min(UInt64(chunk), target - next)))
            guard !batch.isEmpty else { throw SnapshotError(description: "the log returned no entries at \(next) (expected up to \(target))") }
            for entry in batch {
                apply(seq: next, entry: entry)
                next += 1
            }
            progress?(next)
        }
    }

    /// Start-up: the snapshot at `path` plus a replay of the log's tail up to `logSize`, or a
    /// full rebuild when the snapshot is missing or rejected (`problem` says why).
    public static func restore(snapshotAt path: String, logSize: UInt64, rootAt: (UInt64) throws -> Digest32?,
                               entries: (UInt64, Int) throws -> [[UInt8]], progress: ((UInt64) -> Void)? = nil) throws -> (index: BackgroundIndex, problem: String?) {
        let (loaded, problem) = loadSnapshot(from: path, rootAt: { size in size > logSize ? nil : try rootAt(size) })
        if let loaded {
            try loaded.catchUp(to: logSize, entries: entries, progress: progress)
            return (loaded, nil)
        }
        return (try rebuild(size: logSize, entries: entries, progress: progress), problem)
    }

    // MARK: - Encoding

    static func encode(_ s: IndexState, rootHash: Digest32) -> [UInt8] {
        func otherSize(_ table: [String: Int32]) -> Int { table.keys.reduce(0) { $0 + 8 + $1.utf8.count } }
        let total = headerSize + s.info.count + s.entries.count * 20 + (s.people.count + s.institutions.count) * 20
            + otherSize(s.otherPeople) + otherSize(s.otherInstitutions)
            + 8 + s.columns.authorities.reduce(0) { $0 + 4 + $1.utf8.count } + s.info.count * 21 + 8 + s.columns.documents.count * 12
            + 8 + s.pendingRevocations.count * 16 + 32
        var out = [UInt8](repeating: 0, count: total)
        out.withUnsafeMutableBytes { raw in
            var w = Writer(p: raw.baseAddress!, at: 0)
            w.bytes(snapshotMagic)
            w.u32(snapshotVersion); w.u32(s.keyTag)
            w.u64(s.size)
            rootHash.withUnsafeBytes { w.bytes($0) }
            for n in [s.entries.count, s.people.count, s.otherPeople.count, s.institutions.count, s.otherInstitutions.count, s.records] { w.u64(UInt64(n)) }
            s.info.withUnsafeBytes { w.bytes($0) }
            s.entries.withUnsafeBufferPointer { entries in
                for e in entries {
                    w.u32(e.seqLow); w.u16(e.seqHigh); w.u8(e.kind); w.u8(e.flags)
                    w.i32(e.a); w.i32(e.b); w.i32(e.previous)
                }
            }
            func packed(_ table: [SubjectKey: Int32]) { for (k, v) in table { w.u64(k.hi); w.u64(k.lo); w.i32(v) } }
            func other(_ table: [String: Int32]) {
                for (k, v) in table {
                    w.u32(UInt32(k.utf8.count)); w.bytes(Array(k.utf8)); w.i32(v)
                }
            }
            packed(s.people); other(s.otherPeople); packed(s.institutions); other(s.otherInstitutions)
            let c = s.columns
            w.u64(UInt64(c.authorities.count))
            for code in c.authorities { w.u32(UInt32(code.utf8.count)); w.bytes(Array(code.utf8)) }
            for v in c.authority { w.u32(v) }
            for v in c.decided { w.i32(v) }
            for v in c.document { w.u64(v) }
            for v in c.repairRule { w.u8(v) }
            for v in c.repairFrom { w.i32(v) }
            w.u64(UInt64(c.documents.count))
            for (digest, count) in c.documents { w.u64(digest); w.u32(count) }
            w.u64(UInt64(s.pendingRevocations.count))
            for (revocation, ban) in s.pendingRevocations.sorted(by: { $0.key < $1.key }) { w.u64(revocation); w.u64(ban) }
            precondition(w.at == total - 32)
            let digest = SHA256.hash(UnsafeRawBufferPointer(start: raw.baseAddress, count: w.at))
            digest.withUnsafeBytes { w.bytes($0) }
        }
        return out
    }

    /// Through `io` (DurableStorage's atomic replace): a crash or failed write leaves the
    /// previous snapshot. The temporary name carries the pid: `careledger index` may write
    /// one beside a running service's.
    static func writeState(_ s: IndexState, rootHash: Digest32, to path: String, io: StorageIO) throws {
        let bytes = encode(s, rootHash: rootHash)
        do {
            try io.replaceFile(path, with: bytes, temporary: path + ".tmp-\(getpid())")
        } catch let error as StorageError {
            throw SnapshotError(description: error.description)
        }
    }

    static func decode(_ bytes: [UInt8], keying: PersonKeying? = nil, rootAt: (UInt64) throws -> Digest32?) throws -> BackgroundIndex {
        func fail(_ why: String) -> SnapshotError { SnapshotError(description: why) }
        guard bytes.count >= headerSize + 32 else { throw fail("corrupt snapshot: \(bytes.count) bytes is shorter than a header") }
        let ok = bytes.withUnsafeBytes { raw in
            SHA256.hash(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 32)])) == Digest32(bytes: raw[(raw.count - 32)...])
        }
        guard ok else { throw fail("corrupt snapshot: the checksum does not match its content") }
        return try bytes.withUnsafeBytes { raw -> BackgroundIndex in
            var r = Reader(p: raw.baseAddress!, at: 0, end: raw.count - 32)
            guard try r.bytes(8).elementsEqual(snapshotMagic) else { throw fail("not an index snapshot (bad magic)") }
            let version = try r.u32()
            guard version == snapshotVersion else { throw fail("unknown snapshot version \(version) (this build reads \(snapshotVersion))") }
            let keyTag = try r.u32()
            // People keyed under another index key (rotated), or by number, are found by nothing.
            guard keyTag == (keying?.tag ?? 0) else { throw fail("stale snapshot: people are keyed under another index key") }
            let size = try r.u64()
            guard let root = Digest32(bytes: try r.bytes(32)) else { throw fail("corrupt snapshot header") }
            let logRoot: Digest32?
            do { logRoot = try rootAt(size) } catch { throw fail("cannot read the log's root at \(size): \(error)") }
            guard let logRoot else { throw fail("stale or foreign snapshot: it covers \(size) entries but the log is shorter") }
            guard logRoot == root else { throw fail("stale or foreign snapshot: its root at size \(size) is not the log's") }

            let counts = try (0..<6).map { _ in try r.u64() }
            guard size <= UInt64(r.end), counts.allSatisfy({ $0 <= UInt64(r.end) }) else { throw fail("corrupt snapshot: counts beyond the file") }
            let (nEntries, nPeople, nOtherPeople, nInstitutions, nOtherInstitutions, nRecords) =
                (Int(counts[0]), Int(counts[1]), Int(counts[2]), Int(counts[3]), Int(counts[4]), Int(counts[5]))
            var s = IndexState()
            s.keyTag = keyTag
            s.size = size
            s.records = nRecords
            s.info = Array(try r.bytes(Int(size)))
            for b in s.info where b & 0x0F > KindCode.maxCode && b != KindCode.notARecord { throw fail("corrupt snapshot: bad record code") }
            s.entries.reserveCapacity(nEntries)
            for i in 0..<nEntries {
                let e = Entry(seqLow: try r.u32(), seqHigh: try r.u16(), kind: try r.u8(), flags: try r.u8(), a: try r.i32(), b: try r.i32(), previous: try r.i32())
                guard e.seq < size, e.kind <= KindCode.maxCode, e.previous < Int32(i), e.previous >= -1 else { throw fail("corrupt snapshot: entry \(i) is inconsistent") }
                s.entries.append(e)
            }
            func head() throws -> Int32 {
                let h = try r.i32()
                guard h >= 0, h < Int32(nEntries) else { throw fail("corrupt snapshot: a chain head is out of range") }
                return h
            }
            func packed(_ n: Int) throws -> [SubjectKey: Int32] {
                var table = [SubjectKey: Int32](minimumCapacity: n)
                for _ in 0..<n { table[SubjectKey(hi: try r.u64(), lo: try r.u64())] = try head() }
                guard table.count == n else { throw fail("corrupt snapshot: duplicate keys") }
                return table
            }
            func other(_ n: Int) throws -> [String: Int32] {
                var table = [String: Int32](minimumCapacity: n)
                for _ in 0..<n {
                    let length = Int(try r.u32())
                    table[String(decoding: try r.bytes(length), as: UTF8.self)] = try head()
                }
                guard table.count == n else { throw fail("corrupt snapshot: duplicate keys") }
                return table
            }
            s.people = try packed(nPeople)
            s.otherPeople = try other(nOtherPeople)
            s.institutions = try packed(nInstitutions)
            s.otherInstitutions = try other(nOtherInstitutions)
            s.columns = try decodeColumns(&r, size: Int(size), fail: fail)
            let nPending = try r.u64()
            guard nPending <= size else { throw fail("corrupt snapshot: counts beyond the file") }
            for _ in 0..<Int(nPending) {
                let (revocation, ban) = (try r.u64(), try r.u64())
                guard ban < revocation, revocation < size, s.info[Int(revocation)] & KindCode.pending != 0 else {
                    throw fail("corrupt snapshot: a pending revocation is inconsistent")
                }
                s.pendingRevocations[revocation] = ban
            }
            guard r.at == r.end else { throw fail("corrupt snapshot: \(r.end - r.at) unexpected bytes after the tables") }
            return BackgroundIndex(state: s, keying: keying)
        }
    }

    private static func decodeColumns(_ r: inout Reader, size: Int, fail: (String) -> SnapshotError) throws -> RecordColumns {
        var c = RecordColumns()
        let nAuthorities = try r.u64()
        guard nAuthorities <= UInt64(r.end) else { throw fail("corrupt snapshot: counts beyond the file") }
        for _ in 0..<Int(nAuthorities) {
            let code = String(decoding: try r.bytes(Int(try r.u32())), as: UTF8.self)
            c.authorities.append(code)
            c.authorityIndex[SubjectRef.institution(uscc: code)] = UInt32(c.authorities.count)
        }
        guard c.authorityIndex.count == c.authorities.count else { throw fail("corrupt snapshot: duplicate authorities") }
        c.authority = try r.array(size, of: UInt32.self)
        guard c.authority.allSatisfy({ UInt64($0) <= nAuthorities }) else { throw fail("corrupt snapshot: an authority out of range") }
        c.decided = try r.array(size, of: Int32.self)
        c.document = try r.array(size, of: UInt64.self)
        c.repairRule = try r.array(size, of: UInt8.self)
        c.repairFrom = try r.array(size, of: Int32.self)
        let nDocuments = try r.u64()
        guard nDocuments <= UInt64(r.end) else { throw fail("corrupt snapshot: counts beyond the file") }
        c.documents.reserveCapacity(Int(nDocuments))
        for _ in 0..<Int(nDocuments) {
            let digest = try r.u64()
            let count = try r.u32()
            guard digest != 0, count > 0 else { throw fail("corrupt snapshot: a bad document entry") }
            c.documents[digest] = count
        }
        guard c.documents.count == Int(nDocuments) else { throw fail("corrupt snapshot: duplicate documents") }
        return c
    }

    // MARK: - Files

    static func readFile(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SnapshotError(description: "open \(path): errno \(errno)")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SnapshotError(description: "fstat \(path): errno \(errno)") }
        let length = Int(st.st_size)
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        try out.withUnsafeMutableBytes { raw in
            while done < length {
                let n = read(fd, raw.baseAddress! + done, length - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw SnapshotError(description: "read \(path): errno \(errno)") }
                done += n
            }
        }
        return out
    }
}

private struct Writer {
    let p: UnsafeMutableRawPointer
    var at: Int

    @inline(__always) mutating func u8(_ v: UInt8) { p.storeBytes(of: v, toByteOffset: at, as: UInt8.self); at += 1 }
    @inline(__always) mutating func u16(_ v: UInt16) { p.storeBytes(of: v.littleEndian, toByteOffset: at, as: UInt16.self); at += 2 }
    @inline(__always) mutating func u32(_ v: UInt32) { p.storeBytes(of: v.littleEndian, toByteOffset: at, as: UInt32.self); at += 4 }
    @inline(__always) mutating func i32(_ v: Int32) { p.storeBytes(of: v.littleEndian, toByteOffset: at, as: Int32.self); at += 4 }
    @inline(__always) mutating func u64(_ v: UInt64) { p.storeBytes(of: v.littleEndian, toByteOffset: at, as: UInt64.self); at += 8 }
    mutating func bytes(_ b: UnsafeRawBufferPointer) {
        guard b.count > 0 else { return }
        (p + at).copyMemory(from: b.baseAddress!, byteCount: b.count)
        at += b.count
    }
    mutating func bytes(_ b: [UInt8]) { b.withUnsafeBytes { bytes($0) } }
}

private struct Reader {
    let p: UnsafeRawPointer
    var at: Int
    let end: Int

    struct Short: Error, CustomStringConvertible { var description: String { "corrupt snapshot: truncated" } }

    @inline(__always) mutating func take(_ n: Int) throws -> Int {
        guard n >= 0, end - at >= n else { throw Short() }
        defer { at += n }
        return at
    }
    mutating func u8() throws -> UInt8 { p.load(fromByteOffset: try take(1), as: UInt8.self) }
    mutating func u16() throws -> UInt16 { UInt16(littleEndian: p.loadUnaligned(fromByteOffset: try take(2), as: UInt16.self)) }
    mutating func u32() throws -> UInt32 { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self)) }
    mutating func i32() throws -> Int32 { Int32(littleEndian: p.loadUnaligned(fromByteOffset: try take(4), as: Int32.self)) }
    mutating func u64() throws -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self)) }
    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: p + (try take(n)), count: n) }

    /// `count` fixed-width little-endian values in one bounds check.
    mutating func array<T: FixedWidthInteger>(_ count: Int, of type: T.Type) throws -> [T] {
        let width = MemoryLayout<T>.size
        guard count <= (end - at) / width else { throw Short() }
        let start = try take(count * width)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = T(littleEndian: (p + start + i * width).loadUnaligned(as: T.self))
            }
            initialized = count
        }
    }
}
