import Dispatch
import DurableStorage
import LedgerCrypto
#if canImport(Glibc)
import Glibc
#endif

extension FileVault {
    /// Opens (creating on first use) the vault at `directory`, mode 0700 with files 0600.
    /// Refuses a KEK that is not this vault's, and a file damaged anywhere but its tail; a
    /// torn tail (frames written but not synced before a crash) is cut.
    /// `mapForReading`: for a process that opens every record once (the export), reads
    /// records through a read-only mapping of `sealed` instead of a `pread` each
    /// (SealedFileMapping.swift).
    /// `cutDamage`: for `careledger vault repair` only (`VaultDamageCut`).
    public static func open(directory: String, keys: VaultKeys, io: any StorageIO = PosixIO(), mapForReading: Bool = false,
                            cutDamage: VaultDamageCut? = nil) throws -> FileVault {
        do { try PrivateDirectory.create(directory) } catch { throw VaultError.io("creating the vault directory: \(error)") }
        if let exposure = PrivateDirectory.exposure(of: directory, what: "vault directory") { throw VaultError.io(exposure) }
        let keysPath = directory + "/keys", sealedPath = directory + "/sealed"
        do {
            if !DurableFile.exists(keysPath) {
                if let size = fileSize(sealedPath), size > VaultFormat.sealedHeaderSize {
                    throw VaultError.corrupt("\(keysPath) is missing while \(sealedPath) holds records: without it none can be read; "
                        + "restore the vault directory from a backup")
                }
                let salt = SecureRandom.bytes(16)
                try io.replaceFile(keysPath, with: VaultFormat.keysHeader(salt: salt, check: try check(keys.kek, salt: salt)))
                try io.replaceFile(sealedPath, with: VaultFormat.sealedHeader(salt: salt))
                // The vault directory's own entry in the data directory.
                try io.fsyncDirectory(StoragePath.directory(of: directory))
            }
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError.io("creating the vault files: \(error)")
        }

        let keysFD: Int32, sealedFD: Int32
        do { keysFD = try io.open(keysPath, flags: O_RDWR, mode: 0o600) } catch { throw VaultError.io("\(error)") }
        // One process at a time: two writers appending at the same offsets would overwrite
        // each other's frames. A POSIX record lock is per process (a reopen in the same
        // process, as the tests do, is not refused; the log's own lock keeps one service per
        // data directory) and is released when the process ends, also by a crash.
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        if fcntl(keysFD, F_SETLK, &lock) != 0 {
            io.close(keysFD)
            throw VaultError.io("the vault at \(directory) is in use by another process")
        }
        do {
            if !DurableFile.exists(sealedPath) {
                // A crash between creating the two files: the keys file's salt names the vault.
                let salt = try VaultScan.withMapping(keysFD, size: min(try VaultScan.size(of: keysFD, path: keysPath), VaultFormat.keysHeaderSize), path: keysPath) { b in
                    b.count == VaultFormat.keysHeaderSize ? [UInt8](b[12..<28]) : []
                }
                guard salt.count == 16 else { throw VaultError.corrupt("\(keysPath): the header is damaged") }
                try io.replaceFile(sealedPath, with: VaultFormat.sealedHeader(salt: salt))
            }
            sealedFD = try io.open(sealedPath, flags: O_RDWR, mode: 0o600)
        } catch {
            io.close(keysFD)
            throw error is VaultError ? error : VaultError.io("\(error)")
        }
        do {
            let (wrapKey, state, recovery) = try load(keys: keys, io: io, keysFD: keysFD, keysPath: keysPath, sealedFD: sealedFD, sealedPath: sealedPath,
                                                      cutDamage: cutDamage)
            let mapping = mapForReading ? SealedFileMapping(fd: sealedFD, length: Int(state.sealedEnd)) : nil
            return FileVault(directory: directory, keys: keys, io: io, keysFD: keysFD, sealedFD: sealedFD, wrapKey: wrapKey,
                             state: state, recovery: recovery, sealedMapping: mapping)
        } catch {
            io.close(keysFD)
            io.close(sealedFD)
            throw error
        }
    }

    private static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// The KEK's check value, stored in the keys file's header: HKDF output reveals nothing of
    /// the KEK, and a wrong key file is refused at open instead of failing every record.
    static func check(_ kek: [UInt8], salt: [UInt8]) throws -> [UInt8] {
        try HKDFSHA256.derive(key: kek, salt: salt, info: VaultFormat.checkInfo, length: 32)
    }

    /// After a file's frames: all zeros is room, kept (the file's size is what it holds);
    /// anything else is a torn write, cut at the frames' end with the room after it.
    private static func keepRoomOrCut(_ fd: Int32, end: Int64, size: Int, torn: Int, path: String,
                                      io: any StorageIO) throws -> Int64 {
        guard torn > 0 else { return Int64(size) }
        try cutTail(fd, at: end, path: path, io: io)
        return end
    }

    static func load(keys: VaultKeys, io: any StorageIO, keysFD: Int32, keysPath: String,
                             sealedFD: Int32, sealedPath: String, cutDamage: VaultDamageCut? = nil) throws -> ([UInt8], State, VaultRecovery) {
        var s = State()
        var salt: [UInt8] = []
        var wrapKey: [UInt8] = []
        let keysSize = try VaultScan.size(of: keysFD, path: keysPath)
        var tornKeys = 0
        s.keysEnd = Int64(try VaultScan.withMapping(keysFD, size: keysSize, path: keysPath) { (file) throws(VaultError) -> Int in
            guard file.count >= VaultFormat.keysHeaderSize, Array(file[0..<8]) == VaultFormat.keysMagic,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[0..<60])) == UInt32(littleEndian: file.loadUnaligned(fromByteOffset: 60, as: UInt32.self)) else {
                throw .corrupt("\(keysPath): the header is damaged or this is not a vault keys file")
            }
            guard UInt32(littleEndian: file.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == VaultFormat.version else {
                throw .corrupt("\(keysPath): an unknown vault format version")
            }
            salt = Array(file[12..<28])
            let stored = Array(file[28..<60])
            do {
                guard ConstantTime.equals(try check(keys.kek, salt: salt), stored) else {
                    throw VaultError.keyFile("the vault key file's key-encryption key is not the one the vault at \(StoragePath.directory(of: keysPath)) "
                        + "was created with; start with that vault's key file (a wrong key decrypts nothing)")
                }
                wrapKey = try HKDFSHA256.derive(key: keys.kek, salt: salt, info: VaultFormat.wrapInfo, length: 32)
            } catch let error as VaultError { throw error } catch { throw .io("deriving vault keys: \(error)") }
            // Room for every subject at once: a key frame is at least this long, and growing
            // the table through every size on the way was a third of the scan.
            s.reserve(records: 0, subjects: file.count / VaultFormat.minimumKeyFrameSize)
            // The scan files each subject and notes its last intact key frame; the keys are
            // unwrapped afterwards on every core (KeyUnwrap), a subject's last frame winning
            // as it would one by one. A destroyed key stays destroyed whatever follows.
            var unwraps: [KeyUnwrap.Item] = []
            var latest: [Int32] = []
            let end = try VaultScan.frames(file, from: VaultFormat.keysHeaderSize, magic: VaultFormat.keyFrameMagic,
                                           path: keysPath, parse: VaultScan.keyMeta) { frame in
                let i = Int(s.subject(frame.meta.pseudonym))
                if i >= latest.count { latest.append(contentsOf: repeatElement(-1, count: i + 1 - latest.count)) }
                if case .destroyed = s.subjects[i].key { return }
                s.subjects[i].keySecretOffset = Int64(frame.offset + frame.secretStart)
                latest[i] = -1
                switch frame.secret {
                case .zero: s.subjects[i].key = .destroyed
                case .damaged: s.subjects[i].key = .damaged
                case .intact:
                    latest[i] = Int32(unwraps.count)
                    unwraps.append(KeyUnwrap.Item(subject: Int32(i), nonce: frame.offset + frame.meta.nonceOffset,
                                                  wrapped: frame.offset + frame.secretStart))
                }
            }
            let current = unwraps.indices.filter { latest[Int(unwraps[$0].subject)] == Int32($0) }.map { unwraps[$0] }
            let keys = KeyUnwrap.run(current, file: file, wrapKey: wrapKey, subjects: s.subjects)
            for (item, key) in zip(current, keys) {
                s.subjects[Int(item.subject)].key = key.map { .live($0) } ?? .damaged
            }
            // Room or a torn frame after the frames, as in `sealed` below.
            tornKeys = VaultScan.tornBytes(file, after: end)
            return end
        })
        s.keysAllocated = try keepRoomOrCut(keysFD, end: s.keysEnd, size: keysSize, torn: tornKeys, path: keysPath, io: io)

        let sealedSize = try VaultScan.size(of: sealedFD, path: sealedPath)
        var torn = 0
        var cutAtDamage: (offset: Int, droppedRecords: Int)?
        s.sealedEnd = Int64(try VaultScan.withMapping(sealedFD, size: sealedSize, path: sealedPath) { (file) throws(VaultError) -> Int in
            guard file.count >= VaultFormat.sealedHeaderSize, Array(file[0..<8]) == VaultFormat.sealedMagic,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[0..<28])) == UInt32(littleEndian: file.loadUnaligned(fromByteOffset: 28, as: UInt32.self)) else {
                throw .corrupt("\(sealedPath): the header is damaged or this is not a vault sealed file")
            }
            guard Array(file[12..<28]) == salt else { throw .corrupt("\(sealedPath) belongs to another vault than \(keysPath)") }
            // The open index covers the file up to where it was closed cleanly: only the frames
            // after that are scanned (FileVault+Index.swift).
            let start = loadIndex(&s, path: StoragePath.directory(of: sealedPath) + "/index", salt: salt, sealedFD: sealedFD,
                                  sealedSize: sealedSize, sealedPath: sealedPath) ?? VaultFormat.sealedHeaderSize
            // Only with a cut allowed: what valid frames after a broken one would be dropped.
            let acceptBreak: ((Int) -> Bool)? = cutDamage.map { cut in
                { offset in
                    let dropped = VaultScan.validFrames(file, from: offset + 1, magic: VaultFormat.sealedFrameMagic,
                                                        parse: VaultScan.sealedMeta).map(\.commitment)
                    guard cut.accept(dropped, { s.record(for: $0) != nil }) else { return false }
                    cutAtDamage = (offset, dropped.count)
                    return true
                }
            }
            let end = try VaultScan.frames(file, from: start, magic: VaultFormat.sealedFrameMagic, path: sealedPath,
                                           releasingBehind: true, parse: VaultScan.sealedMeta,
                                           acceptBreak: acceptBreak) { frame in
                let m = frame.meta
                let state: RecordState = switch frame.secret {
                case .intact: .live
                case .zero: .erased
                case .damaged: .damaged
                }
                let owner = s.subject(m.owner)
                let record = Record(commitment: m.commitment, nonceOffset: Int64(frame.offset + m.nonceOffset),
                                    sealedLength: UInt32(m.sealedLength), owner: owner, state: state)
                if let existing = s.record(for: m.commitment) {
                    // A record resealed after its first copy was found damaged.
                    if s.records[Int(existing)].state == .damaged { s.records[Int(existing)] = record }
                    return
                }
                let index = s.add(record)
                var linked: [Int32] = [owner]
                for mention in m.mentions {
                    let i = s.subject(mention)
                    if !linked.contains(i) { linked.append(i) }
                }
                for i in linked { s.link(index, to: i) }
            }
            // After the frames: zeros written ahead as room (FileVault.grow), kept; or a
            // torn frame, possibly with room after it, cut with everything after it.
            torn = VaultScan.tornBytes(file, after: end)
            return end
        })
        s.sealedAllocated = try keepRoomOrCut(sealedFD, end: s.sealedEnd, size: sealedSize, torn: torn, path: sealedPath, io: io)
        s.salt = salt
        // What is in the files now is what the next open would find.
        s.syncedRecords = s.records.count
        s.syncedSealedEnd = s.sealedEnd
        s.syncedKeysEnd = s.keysEnd
        let recovery = VaultRecovery(
            cutBytes: (tornKeys > 0 ? keysSize - Int(s.keysEnd) : 0) + (torn > 0 ? sealedSize - Int(s.sealedEnd) : 0),
            damagedRecords: s.records.count { $0.state == .damaged },
            damagedKeys: s.subjects.count { if case .damaged = $0.key { true } else { false } },
            cutAtDamage: cutAtDamage)
        return (wrapKey, s, recovery)
    }

    /// Cuts a torn tail: bytes of frames a crash interrupted, never synced, never acknowledged.
    private static func cutTail(_ fd: Int32, at end: Int64, path: String, io: any StorageIO) throws {
        do {
            try io.ftruncate(fd, length: end)
            try io.fdatasync(fd)
        } catch { throw VaultError.io("cutting the torn tail of \(path): \(error)") }
    }
}

/// The keys scan's unwraps, on every core: a million records' vault holds about 300,000
/// data keys, and unwrapping them one by one kept the export's first half second on one core.
enum KeyUnwrap {
    struct Item: Sendable {
        let subject: Int32
        /// Of the nonce and of the wrapped key, in the keys file.
        let nonce: Int
        let wrapped: Int
    }

    /// The mapping, read-only, shared by the slices while `run` waits for them all.
    private struct File: @unchecked Sendable { let bytes: UnsafeRawBufferPointer }

    /// Each slice writes only its own range of results, and all finish before `run` returns.
    private final class Results: @unchecked Sendable {
        var keys: [DataKey?]
        init(count: Int) { keys = Array(repeating: nil, count: count) }
    }

    /// The data key of each item, nil where it does not unwrap (damaged).
    static func run(_ items: [Item], file: UnsafeRawBufferPointer, wrapKey: [UInt8], subjects: [FileVault.Subject]) -> [DataKey?] {
        let results = Results(count: items.count)
        let shared = File(bytes: file)
        let parts = items.count < 4096 ? 1 : max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) * 4
        let per = (items.count + parts - 1) / max(parts, 1)
        results.keys.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = min(items.count, part * per)..<min(items.count, part * per + per)
                for j in range { out[j] = unwrap(items[j], file: shared.bytes, wrapKey: wrapKey, owner: subjects[Int(items[j].subject)].pseudonym) }
            }
        }
        return results.keys
    }

    private static func unwrap(_ item: Item, file: UnsafeRawBufferPointer, wrapKey: [UInt8], owner: Pseudonym) -> DataKey? {
        let nonce = UnsafeRawBufferPointer(rebasing: file[item.nonce..<(item.nonce + AESGCM.nonceByteCount)])
        let wrapped = UnsafeRawBufferPointer(rebasing: file[item.wrapped..<(item.wrapped + VaultFormat.wrappedKeySize)])
        return withUnsafeTemporaryAllocation(byteCount: VaultFormat.encodedSize(owner), alignment: 8) { aad in
            VaultFormat.encode(owner, to: aad.baseAddress!)
            return wrapKey.withUnsafeBytes { key in
                (try? AESGCM.open(wrapped, key: key, nonce: nonce, aad: UnsafeRawBufferPointer(aad))).flatMap(DataKey.init)
            }
        }
    }
}
