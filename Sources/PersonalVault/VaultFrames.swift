import CCRC32C
import DurableStorage
import LedgerCrypto

/// The byte layout of the vault's two files (docs/log-format.md "Vault files").
///
/// Every frame: magic (4) | length of the whole frame (u32) | crcMeta (u32) | crcAll (u32) |
/// metadata | secret. `crcMeta` is the CRC-32C of the length and the metadata; `crcAll`
/// continues it over the secret (the wrapped key, or the ciphertext and tag). Erasure
/// zeroes the secret in place and leaves the metadata, so an all-zero secret means
/// "destroyed" and is remembered across reopen; a secret that is neither all-zero nor
/// matching `crcAll` is damaged. Integers are little-endian.
enum VaultFormat {
    static let keysMagic: [UInt8] = Array("CLVAULTK".utf8)
    static let sealedMagic: [UInt8] = Array("CLVAULTS".utf8)
    static let version: UInt32 = 1
    /// magic 8 | version 4 | vault salt 16 | KEK check 32 | crc 4
    static let keysHeaderSize = 64
    /// magic 8 | version 4 | vault salt 16 | crc 4
    static let sealedHeaderSize = 32
    static let keyFrameMagic: [UInt8] = Array("CLVK".utf8)
    static let sealedFrameMagic: [UInt8] = Array("CLVS".utf8)
    static let frameHeaderSize = 16
    /// The wrapped data key: 32 bytes of ciphertext and the 16-byte tag.
    static let wrappedKeySize = 48
    /// A key frame with an empty key id: header | pseudonym (1 + 32) | nonce | wrapped key.
    static let minimumKeyFrameSize = frameHeaderSize + 1 + Digest32.byteCount + AESGCM.nonceByteCount + wrappedKeySize
    /// Frames larger than this are damaged lengths, not records (the core seals ≤ a few KB).
    static let maxFrame = 16 << 20
    /// How much `keys` and `sealed` grow at a time: zeros written ahead of their ends
    /// (FileVault.grow).
    static let growthStep = 1 << 20

    static let wrapInfo = Array("careledger vault: wrap data keys v1".utf8)
    static let checkInfo = Array("careledger vault: KEK check v1".utf8)

    static func keysHeader(salt: [UInt8], check: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(keysMagic); w.u32(version); w.bytes(salt); w.bytes(check)
        w.u32(CRC32C.checksum(w.out))
        return w.out
    }

    static func sealedHeader(salt: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(sealedMagic); w.u32(version); w.bytes(salt)
        w.u32(CRC32C.checksum(w.out))
        return w.out
    }

    /// The pseudonym as bytes: id length (u8) | id | digest. Key frames carry it, and it is
    /// the associated data a data key is wrapped under.
    static func encode(_ p: Pseudonym, into w: inout ByteWriter) {
        let id = Array(p.keyID.utf8)
        w.u8(UInt8(id.count)); w.bytes(id); w.digest(p.digest)
    }

    static func encodedSize(_ p: Pseudonym) -> Int { 1 + p.keyID.utf8.count + Digest32.byteCount }

    /// The same bytes written to `pointer` (`encodedSize(p)` of room): `open` builds its
    /// associated data on the stack.
    static func encode(_ p: Pseudonym, to pointer: UnsafeMutableRawPointer) {
        var id = p.keyID
        id.withUTF8 { utf8 in
            pointer.storeBytes(of: UInt8(utf8.count), as: UInt8.self)
            if utf8.count > 0 { (pointer + 1).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count) }
            p.digest.store(to: pointer + 1 + utf8.count)
        }
    }

    static func encoded(_ p: Pseudonym) -> [UInt8] {
        var w = ByteWriter()
        encode(p, into: &w)
        return w.out
    }

    /// A frame from its metadata and secret, both check words filled in.
    static func frame(magic: [UInt8], meta: [UInt8], secret: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        let length = UInt32(frameHeaderSize + meta.count + secret.count)
        w.bytes(magic); w.u32(length); w.u32(0); w.u32(0); w.bytes(meta); w.bytes(secret)
        var out = w.out
        let (crcMeta, crcAll) = out.withUnsafeBytes { checks($0, secretStart: frameHeaderSize + meta.count) }
        out.withUnsafeMutableBytes { b in
            b.storeBytes(of: crcMeta.littleEndian, toByteOffset: 8, as: UInt32.self)
            b.storeBytes(of: crcAll.littleEndian, toByteOffset: 12, as: UInt32.self)
        }
        return out
    }
}

extension VaultFormat {
    /// The two check words of the frame `frame` (exactly one frame's bytes).
    static func checks(_ frame: UnsafeRawBufferPointer, secretStart: Int) -> (meta: UInt32, all: UInt32) {
        let meta = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: frame[frameHeaderSize..<secretStart]),
                                   continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: frame[4..<8])))
        return (meta, CRC32C.checksum(UnsafeRawBufferPointer(rebasing: frame[secretStart...]), continuing: meta))
    }
}

extension ByteWriter {
    mutating func digest(_ d: Digest32) { d.withUnsafeBytes { out += $0 } }
}

/// Reads fields from untrusted bytes: every read is bounds-checked and answers nil past the
/// end, so a damaged frame is reported, never a crash.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    var at: Int
    let end: Int

    mutating func u8() -> UInt8? {
        guard at + 1 <= end else { return nil }
        defer { at += 1 }
        return base[at]
    }

    mutating func u16() -> UInt16? {
        guard at + 2 <= end else { return nil }
        defer { at += 2 }
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt16.self))
    }

    mutating func u32() -> UInt32? {
        guard at + 4 <= end else { return nil }
        defer { at += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    mutating func digest() -> Digest32? {
        guard at + 32 <= end else { return nil }
        defer { at += 32 }
        return Digest32(loadingFrom: base.baseAddress! + at)
    }

    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, at + n <= end else { return false }
        at += n
        return true
    }

    mutating func pseudonym() -> Pseudonym? {
        guard let n = u8(), at + Int(n) <= end else { return nil }
        let id = String(decoding: UnsafeRawBufferPointer(rebasing: base[at..<(at + Int(n))]), as: UTF8.self)
        at += Int(n)
        guard let d = digest() else { return nil }
        return Pseudonym(keyID: id, digest: d)
    }
}

/// CRC-32C with the CPU's instruction where there is one, a bitwise loop elsewhere (the vault
/// checks only frame metadata on its hot paths, so the fallback need not be fast).
enum CRC32C {
    static let hardware = ccrc32c_hardware_available() == 1

    static func checksum(_ data: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        if hardware {
            guard let base = data.baseAddress, data.count > 0 else { return crc }
            return ~ccrc32c_hardware_update(~crc, base.assumingMemoryBound(to: UInt8.self), data.count)
        }
        var c = ~crc
        for byte in data {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { checksum($0) } }
}
