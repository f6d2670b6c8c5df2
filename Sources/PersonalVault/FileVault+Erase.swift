import DurableStorage
import LedgerCrypto
#if canImport(Glibc)
import Glibc
#endif

extension FileVault {
    /// Zeroes the subject's wrapped data key in place (or, for a subject without one, writes
    /// a zeroed key frame, so no key is ever made under that name later: a record sealed
    /// after the erasure goes to the subject's next generation) and the ciphertext of every
    /// record it owns or is mentioned in, then fsyncs both files before answering. What was
    /// erased before is zeroed again: after an erasure whose fsync failed, the page cache may
    /// show zeros the disk never got (the recovered state then reads them as erased), and
    /// the retry is what makes them durable.
    public func eraseSubject(_ subject: Pseudonym) throws -> [Digest32] {
        guard subject.keyID.utf8.count <= 255 else { throw VaultError.io("an index key id longer than 255 bytes") }
        try recoverIfFailed()
        return try indexLock.withLock { _ throws(VaultError) in try state.withLock { s throws(VaultError) in
            if let failure = s.failure { throw .io(failure) }
            try dropOpenIndex(&s)
            // The subject's newest generation: the older ones were destroyed before.
            let i = Int(s.subject(Pseudonym.newestGeneration(of: subject) { s.destroyed($0) }))
            do {
                switch s.subjects[i].key {
                case .destroyed:
                    if let at = s.subjects[i].keySecretOffset { try zeroKey(at: at, &s) }
                case .live, .damaged:
                    try zeroKey(at: s.subjects[i].keySecretOffset!, &s)
                case .none:
                    let tombstone = VaultFormat.frame(magic: VaultFormat.keyFrameMagic,
                                                      meta: s.subjects[i].encoded + [UInt8](repeating: 0, count: AESGCM.nonceByteCount),
                                                      secret: [UInt8](repeating: 0, count: VaultFormat.wrappedKeySize))
                    try frameAppend(tombstone, subject: i, &s)
                }
            } catch {
                throw .io("erasing a data key in \(keysPath): \(error)")
            }
            var gone: [Digest32] = []
            var zeroed: [Int32] = []
            for r in s.records(of: Int32(i)) {
                let record = s.records[Int(r)]
                do { try zeroSealed(record, &s) } catch {
                    throw .io("erasing a record in \(sealedPath): \(error)")
                }
                zeroed.append(r)
                if record.state == .live { gone.append(record.commitment) }
            }
            try syncNow(&s)
            s.subjects[i].key = .destroyed
            for r in zeroed { s.records[Int(r)].state = .erased }
            return gone.sorted { $0.hex < $1.hex }
        } }
    }

    /// Zeroes the record's ciphertext in place and fsyncs before answering. A commitment the
    /// vault never sealed is left alone; an erased one is zeroed again (see `eraseSubject`).
    public func eraseRecord(_ commitment: Digest32) throws {
        try recoverIfFailed()
        try indexLock.withLock { _ throws(VaultError) in try state.withLock { s throws(VaultError) in
            if let failure = s.failure { throw .io(failure) }
            guard let r = s.record(for: commitment) else { return }
            // An erased record's state does not change: the open index stays valid.
            if s.records[Int(r)].state != .erased { try dropOpenIndex(&s) }
            let record = s.records[Int(r)]
            do { try zeroSealed(record, &s) } catch {
                throw .io("erasing a record in \(sealedPath): \(error)")
            }
            try syncNow(&s)
            s.records[Int(r)].state = .erased
        } }
    }

    /// Zeroes a record's ciphertext: in the file, or in memory while its frame waits for the
    /// next sync to write it (`State.pendingSealed`), which then writes the zeros.
    private func zeroSealed(_ record: Record, _ s: inout State) throws {
        let offset = record.nonceOffset + Int64(AESGCM.nonceByteCount + 4), count = Int(record.sealedLength)
        let pendingAt = s.pendingSealedAt
        guard offset >= pendingAt else { return try zero(sealedFD, at: offset, count: count) }
        let start = Int(offset - pendingAt)
        s.pendingSealed.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.advanced(by: start).update(repeating: 0, count: count)
        }
    }

    func zero(_ fd: Int32, at offset: Int64, count: Int) throws {
        let zeros = [UInt8](repeating: 0, count: count)
        try zeros.withUnsafeBytes { try io.writeAll(fd, $0, offset: offset) }
    }

    /// A tombstone key frame: kept with the frames the next sync writes, as seals' are.
    private func frameAppend(_ frame: [UInt8], subject i: Int, _ s: inout State) throws {
        let at = s.keysEnd
        s.pendingKeys += frame
        s.keysEnd += Int64(frame.count)
        s.keysWritten += 1
        s.subjects[i].keySecretOffset = at + Int64(frame.count - VaultFormat.wrappedKeySize)
    }

    /// Zeroes a wrapped data key: in the file, or in memory while its frame waits for the
    /// next sync (`State.pendingKeys`).
    private func zeroKey(at offset: Int64, _ s: inout State) throws {
        let pendingAt = s.pendingKeysAt
        guard offset >= pendingAt else { return try zero(keysFD, at: offset, count: VaultFormat.wrappedKeySize) }
        let start = Int(offset - pendingAt)
        s.pendingKeys.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.advanced(by: start).update(repeating: 0, count: VaultFormat.wrappedKeySize)
        }
    }

    /// Both files to disk now, under the state lock: an erasure is durable before it answers.
    private func syncNow(_ s: inout State) throws(VaultError) {
        try writePending(&s)
        do {
            try io.fdatasync(keysFD)
            try io.fdatasync(sealedFD)
        } catch {
            s.failure = "fsync of the vault failed (\(error))"
            throw .io("syncing the vault after an erasure: \(error)")
        }
        s.keysSynced = s.keysWritten
        s.sealedSynced = s.sealedWritten
        s.syncedRecords = s.records.count
        s.syncedSealedEnd = s.sealedEnd
        s.syncedKeysEnd = s.keysEnd
    }
}
