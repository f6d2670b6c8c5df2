import DurableStorage
import LedgerCrypto
#if canImport(Glibc)
import Glibc
#endif

/// The open index (issue 15): what the scan of the `sealed` file builds (records, their
/// offsets and states, which subjects they belong to), written at a clean close, and while
/// the service runs whenever a tenth of the vault is newer than it, so the next open (also
/// after a crash) reads it and scans only the frames appended after it, instead of the whole
/// file (13 s for a million records). It covers only what a sync made durable.
/// docs/log-format.md "Vault files" describes the format.
///
/// It is a cache, never the truth: it names the salt and the length of `sealed` it covers
/// and a CRC-32C of that file's last bytes, and ends with a CRC-32C of itself; anything that
/// does not match is ignored (a full scan). An erasure deletes it, durably, before it zeroes
/// anything, since zeroing changes the state of records it covers; a crash leaves no fresh
/// one, so the next open scans. What the scan would also find, damage to a frame the index
/// covers, is then found when that record is opened (`corrupt`) instead of at start.
extension FileVault {
    static let indexMagic: [UInt8] = Array("CLVINDX1".utf8)
    /// How much of `sealed` before the covered end the index's check covers.
    static let indexTailCheck = 4096

    var indexPath: String { directory + "/index" }

    /// Writes the open index for the records the last sync made durable (at a clean close,
    /// that is all of them; a frame written but not synced is scanned at the next open).
    package func writeOpenIndex() throws {
        try indexLock.withLock { _ throws(VaultError) in
            let encoded = try state.withReadLock { s throws(VaultError) -> (bytes: [UInt8], covered: Int)? in
                guard s.failure == nil else { return nil }
                let tail = try Self.tailCheck(fd: sealedFD, end: s.syncedSealedEnd, path: sealedPath)
                return (Self.encodeIndex(s, records: s.syncedRecords, end: s.syncedSealedEnd, tail: tail), s.syncedRecords)
            }
            guard let encoded else { return }
            do { try io.replaceFile(indexPath, with: encoded.bytes) } catch { throw VaultError.io("writing \(indexPath): \(error)") }
            state.withLock { s in
                s.indexOnDisk = true
                s.indexCoveredRecords = encoded.covered
            }
        }
    }

    /// How many records the open index on disk covers (0: none).
    package var openIndexCoveredRecords: Int { state.withReadLock { $0.indexCoveredRecords } }

    /// Writes the open index again when the durable records it does not cover are at least
    /// a tenth of the vault and at least `minimumTail`: a start after a crash then scans at
    /// most about that tail. Amortised, each record is re-written about ten times over the
    /// vault's life. Blocking I/O: call it off the request path (the index snapshot queue).
    /// While it encodes, seals wait (100 ms or so at a million records).
    package func refreshOpenIndexIfDue(minimumTail: Int) throws {
        let due = state.withReadLock { s in
            s.failure == nil && s.syncedRecords - s.indexCoveredRecords >= max(minimumTail, s.syncedRecords / 10)
        }
        if due { try writeOpenIndex() }
    }

    /// Removes the open index before a write that changes what it covers (an erasure).
    func dropOpenIndex(_ s: inout State) throws(VaultError) {
        guard s.indexOnDisk else { return }
        if unlink(indexPath) != 0 && errno != ENOENT {
            throw .io("removing \(indexPath): \(String(cString: strerror(errno)))")
        }
        do { try io.fsyncDirectory(directory) } catch { throw .io("removing \(indexPath): \(error)") }
        s.indexOnDisk = false
        s.indexCoveredRecords = 0
    }

    static func tailCheck(fd: Int32, end: Int64, path: String) throws(VaultError) -> UInt32 {
        let from = max(Int64(VaultFormat.sealedHeaderSize), end - Int64(indexTailCheck))
        let count = Int(end - from)
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(from)) }
        guard n == count else { throw .io("reading \(path) for the open index") }
        return CRC32C.checksum(buffer)
    }

    /// header: magic | salt (16) | covered end (u64) | tail check (u32) | subject count (u32)
    /// | record count (u32); subjects: pseudonym | record count (u32) | record numbers (u32);
    /// records: commitment | nonce offset (u64) | sealed length (u32) | owner subject (u32) |
    /// state (u8); then the CRC-32C of all before it.
    /// Covers `records[..<count]`, whose frames all end at or before `end`.
    static func encodeIndex(_ s: borrowing State, records count: Int, end: Int64, tail: UInt32) -> [UInt8] {
        var w = ByteWriter()
        w.out.reserveCapacity(64 + count * 53 + s.subjects.count * 48)
        w.bytes(indexMagic)
        w.bytes(s.salt)
        w.u64(UInt64(end))
        w.u32(tail)
        w.u32(UInt32(s.subjects.count))
        w.u32(UInt32(count))
        for (i, subject) in s.subjects.enumerated() {
            VaultFormat.encode(subject.pseudonym, into: &w)
            let covered = s.records(of: Int32(i)).filter { Int($0) < count }
            w.u32(UInt32(covered.count))
            for r in covered { w.u32(UInt32(r)) }
        }
        for record in s.records[..<count] {
            w.digest(record.commitment)
            w.u64(UInt64(record.nonceOffset))
            w.u32(record.sealedLength)
            w.u32(UInt32(record.owner))
            let code: UInt8 = switch record.state { case .live: 0; case .erased: 1; case .damaged: 2 }
            w.u8(code)
        }
        w.u32(CRC32C.checksum(w.out))
        return w.out
    }

    /// Fills `s` (after the keys scan) from the open index when there is a valid one for this
    /// `sealed` file, and answers the offset its scan goes on from; nil: scan it all.
    static func loadIndex(_ s: inout State, path: String, salt: [UInt8], sealedFD: Int32, sealedSize: Int, sealedPath: String) -> Int? {
        guard let bytes = try? DurableFile.read(path), bytes.count >= 60 else { return nil }
        return bytes.withUnsafeBytes { b -> Int? in
            let body = UnsafeRawBufferPointer(rebasing: b[..<(b.count - 4)])
            guard CRC32C.checksum(body) == UInt32(littleEndian: b.loadUnaligned(fromByteOffset: b.count - 4, as: UInt32.self)) else { return nil }
            var r = ByteReader(base: body, at: 0, end: body.count)
            guard r.skip(8), Array(body[0..<8]) == indexMagic, Array(body[8..<24]) == salt, r.skip(16),
                  let end = r.u64(), let tail = r.u32(), let subjectCount = r.u32(), let recordCount = r.u32(),
                  end >= UInt64(VaultFormat.sealedHeaderSize), end <= UInt64(sealedSize),
                  (try? tailCheck(fd: sealedFD, end: Int64(end), path: sealedPath)) == tail else { return nil }
            // Parsed whole before anything is applied: a bad index leaves `s` as the keys scan
            // left it. The lists go into flat arrays, not an array per subject.
            var pseudonyms: [Pseudonym] = []
            pseudonyms.reserveCapacity(Int(subjectCount))
            var listEnds: [Int] = []
            listEnds.reserveCapacity(Int(subjectCount))
            var listed: [Int32] = []
            for _ in 0..<subjectCount {
                guard let p = r.pseudonym(), let n = r.u32(), Int(n) <= Int(recordCount) else { return nil }
                for _ in 0..<n {
                    guard let i = r.u32(), i < recordCount else { return nil }
                    listed.append(Int32(i))
                }
                pseudonyms.append(p)
                listEnds.append(listed.count)
            }
            let recordsStart = r.at
            for _ in 0..<recordCount {
                guard r.digest() != nil, let at = r.u64(), r.u32() != nil, let owner = r.u32(), owner < subjectCount,
                      let code = r.u8(), code <= 2, at < end else { return nil }
            }
            guard r.at == body.count else { return nil }
            s.reserve(records: Int(recordCount), subjects: max(s.subjects.count, Int(subjectCount)))
            // The index lists subjects in the order the vault first met them, and the keys
            // scan filed the ones with a key in that same order: so the subject after the last
            // one found is tried first, which saves a table probe (a cache miss) per subject.
            var mapped: [Int32] = []
            mapped.reserveCapacity(pseudonyms.count)
            var next = 0
            for p in pseudonyms {
                if next < s.subjects.count, s.subjects[next].pseudonym == p {
                    mapped.append(Int32(next))
                    next += 1
                } else {
                    let known = s.subjects.count
                    let i = s.subject(p)
                    mapped.append(i)
                    // One met before (not filed just now): go on after it.
                    if Int(i) < known { next = Int(i) + 1 }
                }
            }
            r.at = recordsStart
            for _ in 0..<recordCount {
                let c = r.digest()!, at = r.u64()!, length = r.u32()!, owner = r.u32()!, code = r.u8()!
                _ = s.add(Record(commitment: c, nonceOffset: Int64(at), sealedLength: length, owner: mapped[Int(owner)],
                                 state: code == 0 ? .live : code == 1 ? .erased : .damaged))
            }
            s.links.reserveCapacity(listed.count)
            var j = 0
            for i in 0..<listEnds.count {
                while j < listEnds[i] { s.link(listed[j], to: mapped[i]); j += 1 }
            }
            s.indexOnDisk = true
            s.indexCoveredRecords = Int(recordCount)
            return Int(end)
        }
    }
}

extension ByteWriter {
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
}

extension ByteReader {
    mutating func u64() -> UInt64? {
        guard at + 8 <= end else { return nil }
        defer { at += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }
}
