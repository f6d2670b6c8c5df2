import LedgerCrypto
#if canImport(Glibc)
import Glibc
#endif

/// What a frame's secret holds, as found at open.
enum SecretState: Equatable {
    case intact
    /// Zeroed by an erasure (or a tombstone key frame written by one).
    case zero
    /// Neither: damaged on disk (a flipped bit, or a torn write that was never synced).
    case damaged
}

struct ScannedFrame<Meta> {
    let offset: Int
    let length: Int
    let secretStart: Int
    let meta: Meta
    let secret: SecretState
}

struct KeyFrameMeta {
    let pseudonym: Pseudonym
    let nonceOffset: Int
}

struct SealedFrameMeta {
    let commitment: Digest32
    let owner: Pseudonym
    let mentions: [Pseudonym]
    /// Of the nonce, relative to the frame: nonce | sealed length | ciphertext and tag.
    let nonceOffset: Int
    let sealedLength: Int
}

enum VaultScan {
    /// Parses a key frame's metadata: pseudonym | nonce; the secret is the wrapped key.
    static func keyMeta(_ frame: UnsafeRawBufferPointer) -> (KeyFrameMeta, Int)? {
        var r = ByteReader(base: frame, at: VaultFormat.frameHeaderSize, end: frame.count)
        guard let p = r.pseudonym() else { return nil }
        let nonce = r.at
        guard r.skip(AESGCM.nonceByteCount), frame.count - r.at == VaultFormat.wrappedKeySize else { return nil }
        return (KeyFrameMeta(pseudonym: p, nonceOffset: nonce), r.at)
    }

    /// Parses a sealed frame's metadata: commitment | owner | mention count (u16) | mentions |
    /// nonce | sealed length (u32); the secret is the ciphertext and tag.
    static func sealedMeta(_ frame: UnsafeRawBufferPointer) -> (SealedFrameMeta, Int)? {
        var r = ByteReader(base: frame, at: VaultFormat.frameHeaderSize, end: frame.count)
        guard let commitment = r.digest(), let owner = r.pseudonym(), let count = r.u16() else { return nil }
        var mentions: [Pseudonym] = []
        for _ in 0..<count {
            guard let m = r.pseudonym() else { return nil }
            mentions.append(m)
        }
        let nonce = r.at
        guard r.skip(AESGCM.nonceByteCount), let sealed = r.u32(), Int(sealed) >= AESGCM.tagByteCount,
              frame.count - r.at == Int(sealed) else { return nil }
        return (SealedFrameMeta(commitment: commitment, owner: owner, mentions: mentions, nonceOffset: nonce, sealedLength: Int(sealed)), r.at)
    }

    /// The frames of `file` from `start`. A frame that fails its metadata check ends the scan
    /// when no valid frame follows it (answered as the valid end: what follows is room of
    /// zeros, or a torn tail the caller cuts; see `tornBytes`); when a valid frame does
    /// follow, the file is damaged in the middle and nothing is guessed.
    /// Frames are handed to `visit` one by one rather than collected: a million records'
    /// metadata would otherwise be held twice during the scan.
    /// `acceptBreak`: asked, when valid frames do follow a broken one, whether to end the
    /// scan there all the same (`careledger vault repair`, after a power loss); nil refuses.
    /// `releasingBehind` (only for a file mapping from `withMapping`): the pages already
    /// scanned are dropped as the scan goes, so opening a 1 GB vault does not leave 1 GB
    /// resident until the scan ends (the export's peak RSS, issue 15).
    static func frames<Meta>(_ file: UnsafeRawBufferPointer, from start: Int, magic: [UInt8], path: String,
                             releasingBehind: Bool = false,
                             parse: (UnsafeRawBufferPointer) -> (Meta, Int)?,
                             acceptBreak: ((_ offset: Int) -> Bool)? = nil,
                             visit: (ScannedFrame<Meta>) -> Void) throws(VaultError) -> Int {
        var offset = start
        var released = 0
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        while offset < file.count {
            if releasingBehind, offset - released >= releaseStep, let base = file.baseAddress {
                let upTo = offset / page * page
                _ = madvise(UnsafeMutableRawPointer(mutating: base + released), upTo - released, MADV_DONTNEED)
                released = upTo
            }
            guard let frame = frame(file, at: offset, magic: magic, parse: parse) else {
                var probe = offset + 1
                while probe + VaultFormat.frameHeaderSize <= file.count {
                    if file[probe] == magic[0], frame(file, at: probe, magic: magic, parse: parse) != nil {
                        if acceptBreak?(offset) == true { return offset }
                        // `vault repair` cuts only `sealed`: key frames are few, and a lost one loses records.
                        let repair = magic == VaultFormat.sealedFrameMagic
                            ? "After a power loss this may be frames that were never synced: stop the service and run `careledger "
                                + "vault repair`, which cuts them only if no committed record needs them. "
                            : ""
                        throw .corrupt("\(path): the frame at byte \(offset) is damaged and valid frames follow it. \(repair)"
                            + "Do not restore an older vault over a newer records log (docs/operations.md \"Recovery after a crash\")")
                    }
                    probe += 1
                }
                return offset
            }
            visit(frame)
            offset += frame.length
        }
        return offset
    }

    private static func frame<Meta>(_ file: UnsafeRawBufferPointer, at offset: Int, magic: [UInt8],
                                    parse: (UnsafeRawBufferPointer) -> (Meta, Int)?) -> ScannedFrame<Meta>? {
        let header = VaultFormat.frameHeaderSize
        guard offset + header <= file.count else { return nil }
        for i in 0..<4 where file[offset + i] != magic[i] { return nil }
        let length = Int(UInt32(littleEndian: file.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        guard length > header, length <= VaultFormat.maxFrame, offset + length <= file.count else { return nil }
        let bytes = UnsafeRawBufferPointer(rebasing: file[offset..<(offset + length)])
        guard let (meta, secretStart) = parse(bytes), secretStart <= length else { return nil }
        let storedMeta = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let storedAll = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        let (crcMeta, crcAll) = VaultFormat.checks(bytes, secretStart: secretStart)
        guard crcMeta == storedMeta else { return nil }
        let secret: SecretState
        if bytes[secretStart...].allSatisfy({ $0 == 0 }) {
            secret = .zero
        } else {
            secret = crcAll == storedAll ? .intact : .damaged
        }
        return ScannedFrame(offset: offset, length: length, secretStart: secretStart, meta: meta, secret: secret)
    }

    /// The metadata of every valid frame from `start` on, whatever lies between them: what a
    /// cut at a broken frame would drop (`acceptBreak`).
    static func validFrames<Meta>(_ file: UnsafeRawBufferPointer, from start: Int, magic: [UInt8],
                                  parse: (UnsafeRawBufferPointer) -> (Meta, Int)?) -> [Meta] {
        var found: [Meta] = []
        var offset = start
        while offset + VaultFormat.frameHeaderSize <= file.count {
            if file[offset] == magic[0], let next = frame(file, at: offset, magic: magic, parse: parse) {
                found.append(next.meta)
                offset += next.length
            } else {
                offset += 1
            }
        }
        return found
    }

    /// How many bytes after `end` are not zero, counted up to the last of them: 0 when the
    /// rest of the file is zeros (room written ahead of the frames), else the torn write to cut.
    static func tornBytes(_ file: UnsafeRawBufferPointer, after end: Int) -> Int {
        var last = file.count
        while last > end, file[last - 1] == 0 { last -= 1 }
        return last - end
    }

    /// How much of a scanned mapping is dropped at a time.
    static let releaseStep = 16 << 20

    /// Maps `fd` (of `size` bytes) read-only for one scan; the pages are dropped after.
    static func withMapping<R>(_ fd: Int32, size: Int, path: String, _ body: (UnsafeRawBufferPointer) throws(VaultError) -> R) throws(VaultError) -> R {
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .io("mmap \(path): \(String(cString: strerror(errno)))")
        }
        defer { munmap(base, size) }
        // One pass front to back: read ahead, and drop pages behind (see `frames`).
        _ = madvise(base, size, MADV_SEQUENTIAL)
        return try body(UnsafeRawBufferPointer(start: base, count: size))
    }

    static func size(of fd: Int32, path: String) throws(VaultError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io("fstat \(path): \(String(cString: strerror(errno)))") }
        return Int(info.st_size)
    }
}
