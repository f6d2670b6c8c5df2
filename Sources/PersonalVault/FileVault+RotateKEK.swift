import DurableStorage
import LedgerCrypto
#if canImport(Glibc)
import Glibc
#endif

/// Rotating the key-encryption key (docs/operations.md "Key rotation"): every subject's data
/// key is re-wrapped under the new KEK; the records (sealed under the data keys) and the
/// index keys do not change, so nothing but the `keys` file is rewritten.
///
/// Crash safety, in this order:
/// 1. the new key file is written and fsync'd (with its directory) before the vault changes,
///    so a vault under the new KEK never exists without its key on disk;
/// 2. the re-wrapped `keys` file is written beside the old one, fsync'd and renamed over it
///    (`StorageIO.replaceFile`): until that rename the old file, and so the old KEK, is the
///    vault's; after it, the new one. No state lies between;
/// 3. the vault is reopened under the new KEK and every data key compared with the old.
/// A run that finds the vault already under the new KEK (a crash after step 2) says so.
extension FileVault {
    public struct KEKRotation: Sendable, Equatable {
        /// Data keys re-wrapped under the new KEK.
        public let rewrapped: Int
        /// Erased subjects: their key frames stay all zeros (still erased, never re-made).
        public let erased: Int
        /// The vault was already under the new KEK (a run that crashed after its rename).
        public let alreadyRotated: Bool

        public init(rewrapped: Int, erased: Int, alreadyRotated: Bool) {
            (self.rewrapped, self.erased, self.alreadyRotated) = (rewrapped, erased, alreadyRotated)
        }
    }

    /// Re-wraps every data key of the vault at `directory` from `old.kek` to `new.kek`, and
    /// writes `new` to `newKeyFile` first (created 0600; an existing file must hold exactly
    /// `new`). The two must share their index keys: pseudonyms, and so every subject's frame,
    /// are made with those. Takes the vault's process lock, so the service must be stopped.
    public static func rotateKEK(directory: String, from old: VaultKeys, to new: VaultKeys, newKeyFile: String,
                                 io: any StorageIO = PosixIO()) throws -> KEKRotation {
        guard new.indexKeys == old.indexKeys else {
            throw VaultError.keyFile("the new key file must keep the old one's index keys (pseudonyms are made with them)")
        }
        guard !ConstantTime.equals(new.kek, old.kek) else {
            throw VaultError.keyFile("the new key-encryption key is the old one; nothing to rotate")
        }
        let keysPath = directory + "/keys"
        guard DurableFile.exists(keysPath) else { throw VaultError.io("\(directory) holds no vault (no keys file)") }

        let vault: FileVault
        do {
            vault = try open(directory: directory, keys: old, io: io)
        } catch VaultError.keyFile(let why) {
            // A run that crashed after its rename left the vault under the new KEK.
            if let done = try? open(directory: directory, keys: new, io: io) {
                return KEKRotation(rewrapped: done.liveKeyCount, erased: done.erasedKeyCount, alreadyRotated: true)
            }
            throw VaultError.keyFile(why)
        }
        if vault.recovery.damagedKeys + vault.recovery.damagedRecords > 0 {
            throw VaultError.corrupt("the vault at \(directory) is damaged (\(vault.recovery.messages.joined(separator: "; "))); "
                + "restore it from a backup before rotating its key")
        }
        try writeKeyFile(new, at: newKeyFile, io: io)

        let salt = try vault.headerSalt()
        let (bytes, before) = try vault.state.withLock { s throws(VaultError) -> ([UInt8], [Pseudonym: [UInt8]]) in
            if let failure = s.failure { throw .io(failure) }
            let newWrap: [UInt8]
            var out: [UInt8]
            do {
                newWrap = try HKDFSHA256.derive(key: new.kek, salt: salt, info: VaultFormat.wrapInfo, length: 32)
                out = VaultFormat.keysHeader(salt: salt, check: try check(new.kek, salt: salt))
            } catch { throw .io("deriving the new wrap key: \(error)") }
            var live: [Pseudonym: [UInt8]] = [:]
            // In file order, so the new file lists the subjects as the old one did.
            for subject in s.subjects.filter({ $0.keySecretOffset != nil }).sorted(by: { $0.keySecretOffset! < $1.keySecretOffset! }) {
                switch subject.key {
                case .live(let key):
                    let nonce = AESGCM.randomNonce()
                    let wrapped: [UInt8]
                    do { wrapped = try AESGCM.seal(key.bytes, key: newWrap, nonce: nonce, aad: subject.encoded) } catch {
                        throw .io("re-wrapping a data key: \(error)")
                    }
                    out += VaultFormat.frame(magic: VaultFormat.keyFrameMagic, meta: subject.encoded + nonce, secret: wrapped)
                    live[subject.pseudonym] = key.bytes
                case .destroyed:
                    // A tombstone, as an erasure of a subject without a key writes it.
                    out += VaultFormat.frame(magic: VaultFormat.keyFrameMagic,
                                             meta: subject.encoded + [UInt8](repeating: 0, count: AESGCM.nonceByteCount),
                                             secret: [UInt8](repeating: 0, count: VaultFormat.wrappedKeySize))
                case .damaged, .none:
                    throw .corrupt("\(keysPath): a data key is damaged; restore the vault from a backup before rotating its key")
                }
            }
            return (out, live)
        }
        let erased = vault.erasedKeyCount
        // The commit point: the old keys file stays whole until this rename.
        do { try io.replaceFile(keysPath, with: bytes, mode: 0o600) } catch {
            throw VaultError.io("writing the re-wrapped keys file (the vault is still under the old key): \(error)")
        }
        withExtendedLifetime(vault) {}

        let reopened = try open(directory: directory, keys: new, io: io)
        for (pseudonym, key) in before where reopened.liveDataKey(of: pseudonym) != key {
            throw VaultError.corrupt("\(keysPath): a data key did not survive its re-wrapping; restore the keys file from a backup")
        }
        return KEKRotation(rewrapped: before.count, erased: erased, alreadyRotated: false)
    }

    /// Writes the new key file durably (0600, exclusive); an existing one must hold `keys`
    /// (a rerun after a crash), else it is refused rather than overwritten.
    private static func writeKeyFile(_ keys: VaultKeys, at path: String, io: any StorageIO) throws {
        do {
            try PrivateDirectory.create(StoragePath.directory(of: path))
            if try io.createExclusive(path, with: Array(keys.serialized().utf8), mode: 0o600) { return }
        } catch {
            throw VaultError.keyFile("cannot write the new vault key file \(path): \(error)")
        }
        guard try VaultKeyFile.read(path) == keys else {
            throw VaultError.keyFile("\(path) exists and holds other keys; name a new file for the new key")
        }
    }

    /// The vault salt from the keys file's header (bytes 12..<28).
    private func headerSalt() throws(VaultError) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: VaultFormat.keysHeaderSize)
        let n = header.withUnsafeMutableBytes { pread(keysFD, $0.baseAddress!, $0.count, 0) }
        guard n == VaultFormat.keysHeaderSize else { throw .io("reading the header of \(keysPath)") }
        return Array(header[12..<28])
    }

    var liveKeyCount: Int {
        state.withLock { s in s.subjects.count { if case .live = $0.key { true } else { false } } }
    }

    var erasedKeyCount: Int {
        state.withLock { s in s.subjects.count { if case .destroyed = $0.key { true } else { false } } }
    }
}
