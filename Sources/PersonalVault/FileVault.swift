import DurableStorage
import LedgerCrypto
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The vault on disk, at `<data directory>/vault/` (docs/log-format.md "Vault files"): an
/// append-only `keys` file of data keys wrapped by the KEK, one per subject pseudonym, and an
/// append-only `sealed` file of records' personal parts, each encrypted under its owner's
/// data key. Opening scans both once into memory (commitment → file offset), so `open` is a
/// map lookup, one pread and one AES-GCM decryption, with no actor hop.
public final class FileVault: PersonalVault {
    public let directory: String
    let keys: VaultKeys
    let io: any StorageIO
    let keysPath: String
    let sealedPath: String
    let keysFD: Int32
    let sealedFD: Int32
    /// Derived from the KEK with HKDF: the key that wraps data keys.
    let wrapKey: [UInt8]
    /// Shared by readers (`open`), exclusive for writers (FileVaultLock.swift).
    let state: VaultStateLock<State>
    /// Serialises fdatasync calls, so a `sync()` never returns while another caller's sync
    /// of the same writes is still in flight.
    let syncLock = Mutex<Void>(())
    /// Held while the open index is encoded and replaced, and by erasures, so an index
    /// encoded before an erasure can never be written after it (FileVault+Index.swift).
    let indexLock = Mutex<Void>(())

    enum KeyState {
        /// Only mentioned so far: a key is made when it first owns a record.
        case none
        case live(DataKey)
        /// Erased: never recreated.
        case destroyed
        case damaged
    }

    enum RecordState { case live, erased, damaged }

    /// One per pseudonym, with nothing on the heap: a million records name about 300,000
    /// people, and per-subject arrays (its encoding, its key, its record list) cost more than
    /// the records themselves (BENCHMARKS.md, issue 4's memory per record).
    struct Subject {
        let pseudonym: Pseudonym
        var key: KeyState = .none
        /// Of the wrapped key in `keys`, for erasure (nil until a key frame exists).
        var keySecretOffset: Int64? = nil
        /// The subject's records, a list threaded through `State.links` (-1: none).
        var firstLink: Int32 = -1
        var lastLink: Int32 = -1

        init(pseudonym: Pseudonym) { self.pseudonym = pseudonym }

        /// The pseudonym's encoding, the tail of the associated data of its records.
        var encoded: [UInt8] { VaultFormat.encoded(pseudonym) }
    }

    /// A record in a subject's list.
    struct Link {
        let record: Int32
        var next: Int32
    }

    struct Record {
        let commitment: Digest32
        /// Of the nonce in `sealed`: nonce | sealed length | ciphertext and tag.
        let nonceOffset: Int64
        let sealedLength: UInt32
        let owner: Int32
        var state: RecordState
    }

    struct State {
        var subjects: [Subject] = []
        var subjectTable = SlotTable()
        var links: [Link] = []
        var records: [Record] = []
        var recordTable = SlotTable()
        /// Where the next frame of `keys` goes: the frames written, then `pendingKeys`.
        var keysEnd: Int64 = 0
        /// Key frames not yet written, which end at `keysEnd`, written by `sync` as the sealed
        /// frames are (`pendingSealed`).
        var pendingKeys: [UInt8] = []
        var pendingKeysAt: Int64 { keysEnd - Int64(pendingKeys.count) }
        /// The size of `keys`: its end and the zeros written ahead of it (`grow`).
        var keysAllocated: Int64 = 0
        /// Where the next frame of `sealed` goes: the frames written, then `pendingSealed`.
        var sealedEnd: Int64 = 0
        /// Sealed frames not yet written, which end at `sealedEnd`: `sync` writes them in one
        /// `pwrite` before its fdatasync, so a group of seals costs one write, not one each.
        /// Nothing reads a record before the sync that makes it durable except through `open`
        /// (which reads them here) and erasure (which zeroes them here).
        var pendingSealed: [UInt8] = []
        var pendingSealedAt: Int64 { sealedEnd - Int64(pendingSealed.count) }
        /// The size of `sealed`: its end and the zeros written ahead of it (`grow`).
        var sealedAllocated: Int64 = 0
        /// Write and sync generations per file: `sync()` fsyncs only a file written since.
        var keysWritten: UInt64 = 0
        var keysSynced: UInt64 = 0
        var sealedWritten: UInt64 = 0
        var sealedSynced: UInt64 = 0
        /// Set when a write or an fsync failed in a way that leaves the file's state unknown:
        /// every later write is refused until the vault is reopened (which rescans).
        var failure: String?
        /// The vault's salt (its files' headers), which the open index names.
        var salt: [UInt8] = []
        /// An open index is on disk: an erasure removes it first (FileVault+Index.swift).
        var indexOnDisk = false
        /// How many records (a prefix of `records`) the open index on disk covers; 0: none.
        var indexCoveredRecords = 0
        /// The prefix of `records`, and the end of `sealed`, that the last sync made durable:
        /// all an index written while the service runs may cover.
        var syncedRecords = 0
        var syncedSealedEnd: Int64 = 0
        var syncedKeysEnd: Int64 = 0
        /// When `recoverIfFailed` last tried (it tries at most once a second).
        var lastRecoveryAttempt: ContinuousClock.Instant?
        /// How many times `recoverIfFailed` put the vault back (`PersonalVault.recoveries`).
        var recoveries: UInt64 = 0
    }

    /// What opening found and repaired, for the service to report at start.
    public let recovery: VaultRecovery
    /// Set for a reader of every record (`open(…, mapForReading: true)`); nil: `pread`.
    let sealedMapping: SealedFileMapping?

    init(directory: String, keys: VaultKeys, io: any StorageIO, keysFD: Int32, sealedFD: Int32, wrapKey: [UInt8], state: State,
         recovery: VaultRecovery, sealedMapping: SealedFileMapping? = nil) {
        self.recovery = recovery
        self.sealedMapping = sealedMapping
        self.directory = directory
        self.keys = keys
        self.io = io
        self.keysPath = directory + "/keys"
        self.sealedPath = directory + "/sealed"
        self.keysFD = keysFD
        self.sealedFD = sealedFD
        self.wrapKey = wrapKey
        self.state = VaultStateLock(state)
    }

    deinit {
        io.close(keysFD)
        io.close(sealedFD)
    }

    public var indexKeyID: String { keys.currentIndexKey.id }

    public func pseudonym(_ subject: SubjectIdentifier) -> Pseudonym {
        keys.pseudonym(subject, under: keys.currentIndexKey)
    }

    public func pseudonyms(_ subject: SubjectIdentifier) -> [Pseudonym] { keys.pseudonyms(subject) }

    /// Seals under the pseudonyms the vault already knows the subjects by, under any index
    /// key, so a rotation neither gives a subject a second data key nor revives an erased one.
    public func seal(_ plaintext: [UInt8], commitment: Digest32, owner: SubjectIdentifier, mentions: [SubjectIdentifier]) throws {
        // Every append comes here: the HMACs outside the lock, and with one index key (no
        // rotation yet) there is only one name to file a subject under.
        let candidates = ([owner] + mentions).map { keys.pseudonyms($0) }
        if candidates.allSatisfy({ $0.count == 1 }) {
            return try seal(plaintext, commitment: commitment, owner: candidates[0][0], mentions: candidates.dropFirst().map { $0[0] })
        }
        let known = state.withReadLock { s in candidates.map { s.filingName(among: $0) } }
        try seal(plaintext, commitment: commitment, owner: known[0], mentions: Array(known.dropFirst()))
    }

    public func filingPseudonym(_ subject: SubjectIdentifier) -> Pseudonym {
        let all = keys.pseudonyms(subject)
        if all.count == 1 { return all[0] }
        return state.withReadLock { $0.filingName(among: all) }
    }

    public func seal(_ plaintext: [UInt8], commitment: Digest32, owner: Pseudonym, mentions: [Pseudonym]) throws {
        // Bounds the frame format holds (u8 id lengths, u16 mention count) and the scan
        // accepts: a larger frame would read as damage at the next open.
        guard ([owner] + mentions).allSatisfy({ $0.keyID.utf8.count <= 255 }), mentions.count <= 1000,
              plaintext.count <= VaultFormat.maxFrame - 64 * 1024 else {
            throw VaultError.io("a record's personal part is too large for the vault (\(plaintext.count) bytes, \(mentions.count) mentions)")
        }
        try state.withLock { s throws(VaultError) in
            if let failure = s.failure { throw .io(failure) }
            if let existing = s.record(for: commitment), s.records[Int(existing)].state != .damaged {
                return  // sealed before (a retried group) or erased: either way nothing to write
            }
            // A subject erased before is filed under its next generation, with a new key.
            let ownerIndex = s.subject(Pseudonym.generationForSealing(of: owner) { s.destroyed($0) })
            var mentionIndexes: [Int32] = []
            for m in mentions where m != owner {
                let i = s.subject(Pseudonym.generationForSealing(of: m) { s.destroyed($0) })
                if !mentionIndexes.contains(i) { mentionIndexes.append(i) }
            }
            let dataKey: DataKey
            let ownerEncoded = s.subjects[Int(ownerIndex)].encoded
            switch s.subjects[Int(ownerIndex)].key {
            case .live(let key): dataKey = key
            case .damaged:
                throw .corrupt("\(keysPath): the data key of the record's owner is damaged; restore the vault directory from a backup")
            case .destroyed:
                // Not reached: a destroyed key is never recreated, its subject's next
                // generation takes the record (above).
                throw .io("sealing a record under a destroyed data key")
            case .none:
                let newKey = DataKey.random()
                dataKey = newKey
                let nonce = AESGCM.randomNonce()
                let wrapped: [UInt8]
                do { wrapped = try AESGCM.seal(newKey.bytes, key: wrapKey, nonce: nonce, aad: ownerEncoded) } catch {
                    throw .io("wrapping a data key: \(error)")
                }
                let frame = VaultFormat.frame(magic: VaultFormat.keyFrameMagic, meta: ownerEncoded + nonce, secret: wrapped)
                let at = s.keysEnd
                s.pendingKeys += frame
                s.keysEnd += Int64(frame.count)
                s.keysWritten += 1
                s.subjects[Int(ownerIndex)].key = .live(newKey)
                s.subjects[Int(ownerIndex)].keySecretOffset = at + Int64(frame.count - VaultFormat.wrappedKeySize)
            }
            var meta = ByteWriter()
            meta.digest(commitment)
            meta.bytes(ownerEncoded)
            meta.u16(UInt16(mentionIndexes.count))
            for i in mentionIndexes { VaultFormat.encode(s.subjects[Int(i)].pseudonym, into: &meta) }
            let nonceAt = meta.out.count
            let nonce = AESGCM.randomNonce()
            let sealed: [UInt8]
            do { sealed = try AESGCM.seal(plaintext, key: dataKey.bytes, nonce: nonce, aad: commitment.bytes + ownerEncoded) } catch {
                throw .io("sealing a record: \(error)")
            }
            meta.bytes(nonce)
            meta.u32(UInt32(sealed.count))
            let frame = VaultFormat.frame(magic: VaultFormat.sealedFrameMagic, meta: meta.out, secret: sealed)
            let at = s.sealedEnd
            if s.pendingSealed.isEmpty { s.pendingSealed.reserveCapacity(16 * 1024) }
            s.pendingSealed += frame
            s.sealedEnd += Int64(frame.count)
            s.sealedWritten += 1
            let record = Record(commitment: commitment, nonceOffset: at + Int64(VaultFormat.frameHeaderSize + nonceAt),
                                sealedLength: UInt32(sealed.count), owner: ownerIndex, state: .live)
            let index: Int32
            if let damaged = s.record(for: commitment) {
                index = damaged
                s.records[Int(index)] = record
            } else {
                index = s.add(record)
                for i in [ownerIndex] + mentionIndexes { s.link(index, to: i) }
            }
        }
    }

    /// Writes the frames not yet written (`State.pendingKeys`, then `State.pendingSealed`),
    /// one `pwrite` per file. A failed write marks the vault failed: what was already indexed
    /// for those frames is then dropped by the recovery, which cuts both files back to the
    /// last sync and reads them again.
    func writePending(_ s: inout State) throws(VaultError) {
        if !s.pendingKeys.isEmpty {
            var allocated = s.keysAllocated
            defer { s.keysAllocated = allocated }
            try write(s.pendingKeys, fd: keysFD, path: keysPath, at: s.pendingKeysAt, end: s.keysEnd, allocated: &allocated, &s)
            s.pendingKeys.removeAll(keepingCapacity: true)
        }
        if !s.pendingSealed.isEmpty {
            var allocated = s.sealedAllocated
            defer { s.sealedAllocated = allocated }
            try write(s.pendingSealed, fd: sealedFD, path: sealedPath, at: s.pendingSealedAt, end: s.sealedEnd, allocated: &allocated, &s)
            // A buffer a very large group (a bulk load) grew past 1 MiB is freed, not kept.
            if s.pendingSealed.capacity > 1 << 20 { s.pendingSealed = [] } else { s.pendingSealed.removeAll(keepingCapacity: true) }
        }
    }

    private func write(_ frames: [UInt8], fd: Int32, path: String, at: Int64, end: Int64, allocated: inout Int64,
                       _ s: inout State) throws(VaultError) {
        do throws(VaultError) {
            if end > allocated { try grow(fd, path: path, allocated: &allocated, toHold: end, &s) }
            try append(frames, fd: fd, path: path, at: at, state: &s)
        } catch {
            allocated = min(allocated, at)  // a failed write was cut back to `at`
            s.failure = s.failure ?? "writing to \(path) failed (\(error))"
            throw error
        }
    }

    /// Writes zeros ahead of a file's end, a step of `VaultFormat.growthStep` at a time, so
    /// that most syncs write their frames into blocks the file already has and leave its
    /// size alone: an fdatasync then has no inode to write, which on ext4 cost about 20 µs of
    /// CPU and 50 µs of wall time per group sync (issue 15; BENCHMARKS.md). The zeros are
    /// room, not data: the open scan ends at the first frame boundary that holds no frame and
    /// keeps an all-zero rest (FileVault+Open.swift). Durable with the next sync, as the
    /// frames are.
    func grow(_ fd: Int32, path: String, allocated: inout Int64, toHold end: Int64, _ s: inout State) throws(VaultError) {
        let step = Int64(VaultFormat.growthStep)
        let target = (end + step - 1) / step * step
        do { try zero(fd, at: allocated, count: Int(target - allocated)) } catch {
            do { try io.ftruncate(fd, length: allocated) } catch {
                s.failure = "the vault could not undo a failed write to \(path) (\(error))"
            }
            throw .io("writing \(path): \(error)")
        }
        allocated = target
    }

    /// Where the next frame of `sealed` goes: its end without the room ahead (for tests,
    /// which find frames by offset).
    var sealedEnd: Int64 { state.withReadLock { $0.sealedEnd } }
    /// The same for `keys`.
    var keysEnd: Int64 { state.withReadLock { $0.keysEnd } }

    /// Writes a whole frame at the file's end; on failure cuts what part of it was written,
    /// so the next frame starts on a boundary (or marks the vault failed if it cannot).
    func append(_ frame: [UInt8], fd: Int32, path: String, at end: Int64, state s: inout State) throws(VaultError) {
        do { try frame.withUnsafeBytes { try io.writeAll(fd, $0, offset: end) } } catch {
            do { try io.ftruncate(fd, length: end) } catch {
                s.failure = "the vault could not undo a failed write to \(path) (\(error))"
            }
            throw .io("writing \(path): \(error)")
        }
    }

    public func sync() throws {
        try syncLock.withLock { _ throws(VaultError) in
            let (keysTarget, sealedTarget, keysDirty, sealedDirty, records, sealedEnd, keysEnd) = try state.withLock { s throws(VaultError) in
                if let failure = s.failure { throw .io(failure) }
                try writePending(&s)
                return (s.keysWritten, s.sealedWritten, s.keysWritten > s.keysSynced, s.sealedWritten > s.sealedSynced,
                        s.records.count, s.sealedEnd, s.keysEnd)
            }
            // Keys first: a synced record whose data key was lost would be unreadable.
            do {
                if keysDirty { try io.fdatasync(keysFD) }
                if sealedDirty { try io.fdatasync(sealedFD) }
            } catch {
                // After a failed fsync the kernel may have dropped the dirty pages: what was
                // written since the last sync may be gone, so no later write is trusted.
                state.withLock { $0.failure = "fsync of the vault failed (\(error))" }
                throw .io("syncing the vault: \(error)")
            }
            state.withLock { s in
                s.keysSynced = max(s.keysSynced, keysTarget)
                s.sealedSynced = max(s.sealedSynced, sealedTarget)
                s.syncedRecords = max(s.syncedRecords, records)
                s.syncedSealedEnd = max(s.syncedSealedEnd, sealedEnd)
                s.syncedKeysEnd = max(s.syncedKeysEnd, keysEnd)
            }
        }
    }

    public func open(_ commitment: Digest32) throws -> [UInt8]? { try open(commitment, droppingFirst: 0) }

    public func open(_ commitment: Digest32, droppingFirst prefix: Int) throws -> [UInt8]? {
        let hint = OpenHint.current()
        var pending: [UInt8]?
        let found = try state.withReadAccess { s throws(VaultError) -> (offset: Int64, length: Int, key: DataKey, owner: Pseudonym)? in
            guard let index = State.record(in: s, for: commitment, probingFirst: hint.next) else { return nil }
            hint.next = Int(index) + 1
            let record = s.pointee.records[Int(index)]
            switch record.state {
            case .erased: return nil
            case .damaged: throw .corrupt("\(sealedPath): the record \(commitment.hex) is damaged")
            case .live: break
            }
            let owner = s.pointee.subjects[Int(record.owner)]
            switch owner.key {
            case .live(let key):
                let pendingAt = s.pointee.pendingSealedAt
                if record.nonceOffset >= pendingAt {
                    // Sealed, not yet written (its group's sync has not run): read from memory.
                    let start = Int(record.nonceOffset - pendingAt)
                    pending = Array(s.pointee.pendingSealed[start..<(start + AESGCM.nonceByteCount + 4 + Int(record.sealedLength))])
                }
                return (record.nonceOffset, Int(record.sealedLength), key, owner.pseudonym)
            case .destroyed: return nil
            case .damaged, .none: throw .corrupt("\(keysPath): the data key of record \(commitment.hex) is damaged or missing")
            }
        }
        guard let found else { return nil }
        let total = AESGCM.nonceByteCount + 4 + found.length
        if let pending {
            if let plaintext = pending.withUnsafeBytes({ Self.decrypt($0, commitment: commitment, found: found, droppingFirst: prefix) }) {
                return plaintext
            }
            return try erasedOrDamaged(commitment)
        }
        if let mapped = sealedMapping?.bytes(at: found.offset, count: total) {
            if let plaintext = Self.decrypt(mapped, commitment: commitment, found: found, droppingFirst: prefix) { return plaintext }
            return try erasedOrDamaged(commitment)
        }
        var readFailure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            var done = 0
            while done < total {
                let n = pread(sealedFD, buffer.baseAddress! + done, total - done, off_t(found.offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { readFailure = n < 0 ? errno : EIO; break }
                done += n
            }
            if readFailure != 0 { buffer.baseAddress!.initialize(repeating: 0, count: total) }
            count = total
        }
        if readFailure != 0 { throw VaultError.io("reading \(sealedPath): \(String(cString: strerror(readFailure)))") }
        if let plaintext = bytes.withUnsafeBytes({ Self.decrypt($0, commitment: commitment, found: found, droppingFirst: prefix) }) {
            return plaintext
        }
        return try erasedOrDamaged(commitment)
    }

    /// A frame's nonce, length and sealed bytes, decrypted; nil when they do not verify.
    private static func decrypt(_ b: UnsafeRawBufferPointer, commitment: Digest32,
                                found: (offset: Int64, length: Int, key: DataKey, owner: Pseudonym), droppingFirst prefix: Int) -> [UInt8]? {
        let nonce = UnsafeRawBufferPointer(rebasing: b[0..<AESGCM.nonceByteCount])
        let length = b.loadUnaligned(fromByteOffset: AESGCM.nonceByteCount, as: UInt32.self)
        guard Int(UInt32(littleEndian: length)) == found.length else { return nil }
        let sealed = UnsafeRawBufferPointer(rebasing: b[(AESGCM.nonceByteCount + 4)...])
        // The associated data (commitment || owner pseudonym) on the stack: export opens
        // hundreds of thousands of records a second.
        return withUnsafeTemporaryAllocation(byteCount: 32 + VaultFormat.encodedSize(found.owner), alignment: 8) { aad in
            commitment.store(to: aad.baseAddress!)
            VaultFormat.encode(found.owner, to: aad.baseAddress! + 32)
            return found.key.withUnsafeBytes { key in
                try? AESGCM.open(sealed, key: key, nonce: nonce, aad: UnsafeRawBufferPointer(aad),
                                 droppingFirst: min(prefix, max(0, found.length - AESGCM.tagByteCount)))
            }
        }
    }

    /// A record that did not decrypt: erased meanwhile (an erasure between the lookup and
    /// the read zeroes the bytes, which is "erased", not damage), else damaged.
    private func erasedOrDamaged(_ commitment: Digest32) throws -> [UInt8]? {
        let erasedMeanwhile = state.withReadLock { s in
            s.record(for: commitment).map { s.records[Int($0)].state == .erased } ?? true
        }
        if erasedMeanwhile { return nil }
        throw VaultError.corrupt("\(sealedPath): the record \(commitment.hex) does not decrypt; its bytes are damaged")
    }

    public func commitments(of subject: Pseudonym) -> [Digest32] {
        state.withReadLock { s in
            guard let i = s.subjectNumber(Pseudonym.newestGeneration(of: subject) { s.destroyed($0) }) else { return [] }
            if case .destroyed = s.subjects[Int(i)].key { return [] }
            return s.records(of: i).compactMap { r in
                let record = s.records[Int(r)]
                guard record.state == .live else { return nil }
                if case .destroyed = s.subjects[Int(record.owner)].key { return nil }
                return record.commitment
            }.sorted { $0.hex < $1.hex }
        }
    }
}

/// What `FileVault.open` found: a torn tail it cut, and frames it found damaged. A cut tail
/// is normally a crash before `sync` (nothing acknowledged); but the vault cannot tell bit
/// rot in its very last frame from a torn write, so a record the log names that no longer
/// opens after a cut should be reported, not taken for an erasure.
public struct VaultRecovery: Sendable, Equatable {
    /// Bytes cut from the files' tails.
    public let cutBytes: Int
    /// Records whose ciphertext is damaged (`open` answers `VaultError.corrupt`).
    public let damagedRecords: Int
    /// Subjects whose wrapped data key is damaged (their records answer `corrupt`).
    public let damagedKeys: Int
    /// Where `sealed` was cut at a broken frame that valid frames followed, and how many
    /// records were dropped with them (only when opened with a `VaultDamageCut`).
    public var cutAtDamage: (offset: Int, droppedRecords: Int)? = nil

    public static func == (a: VaultRecovery, b: VaultRecovery) -> Bool {
        (a.cutBytes, a.damagedRecords, a.damagedKeys) == (b.cutBytes, b.damagedRecords, b.damagedKeys)
            && a.cutAtDamage?.offset == b.cutAtDamage?.offset && a.cutAtDamage?.droppedRecords == b.cutAtDamage?.droppedRecords
    }

    /// One line per finding, for the start-up report; empty when there was nothing.
    public var messages: [String] {
        var out: [String] = []
        if let cut = cutAtDamage {
            out.append("vault: cut \(cutBytes) bytes from a broken frame at byte \(cut.offset) of sealed, with \(cut.droppedRecords) valid "
                + "record\(cut.droppedRecords == 1 ? "" : "s") after it that no committed record names (never acknowledged)")
        } else if cutBytes > 0 {
            out.append("vault: cut a torn tail of \(cutBytes) bytes (frames written but not synced before a crash)")
        }
        if damagedRecords > 0 { out.append("vault: \(damagedRecords) damaged records (they answer as corrupt; restore the vault from a backup)") }
        if damagedKeys > 0 { out.append("vault: \(damagedKeys) damaged data keys (their records answer as corrupt; restore the vault from a backup)") }
        return out
    }
}

/// What an open may cut besides a torn tail (`careledger vault repair`): a broken frame in
/// `sealed` that valid frames follow. A power loss can leave that: the pages of frames that
/// were written but not yet synced reach the disk in any order. `accept` gets the
/// commitments of the valid frames a cut would drop, and a test of whether the frames
/// before the break hold a commitment; it answers whether to cut. Nil: such a file is
/// refused as damaged.
public struct VaultDamageCut: Sendable {
    public let accept: @Sendable (_ dropped: [Digest32], _ keptHolds: (Digest32) -> Bool) -> Bool
    public init(accept: @escaping @Sendable (_ dropped: [Digest32], _ keptHolds: (Digest32) -> Bool) -> Bool) { self.accept = accept }
}

extension FileVault {
    /// Whether the vault files a record under `commitment`, in any state (live, erased or
    /// damaged): every committed sealed leaf's commitment must be here (`vault repair`).
    package func holds(_ commitment: Digest32) -> Bool { state.withReadLock { $0.record(for: commitment) != nil } }

    /// The unwrapped data key of the subject's newest generation, for tests that scan the
    /// files for it; nil when it has none or it was destroyed.
    package func liveDataKey(of subject: Pseudonym) -> [UInt8]? {
        state.withLock { s in
            guard let i = s.subjectNumber(Pseudonym.newestGeneration(of: subject) { s.destroyed($0) }),
                  case .live(let key) = s.subjects[Int(i)].key else { return nil }
            return key.bytes
        }
    }
}
