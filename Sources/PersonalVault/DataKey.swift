import LedgerCrypto

/// A subject's AES-256 data key, held inline (32 bytes in the subject's slot, no array on the
/// heap per person). Only the vault sees it unwrapped.
struct DataKey {
    // Digest32 is LedgerCrypto's 32-byte inline value; here it holds key bytes, not a digest.
    private let storage: Digest32

    init?(_ bytes: [UInt8]) {
        guard bytes.count == AESGCM.keyByteCount else { return nil }
        // Not Digest32(bytes:), which is generic over Collection and unspecialised here: it
        // cost more than the unwrap at open (300,000 keys a million records).
        storage = bytes.withUnsafeBytes { Digest32(loadingFrom: $0.baseAddress!) }
    }

    static func random() -> DataKey { DataKey(SecureRandom.bytes(AESGCM.keyByteCount))! }

    var bytes: [UInt8] { storage.bytes }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try storage.withUnsafeBytes(body) }
}
