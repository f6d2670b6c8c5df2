/// A 32-byte digest (SHA-256 output, Merkle node, chain link) held inline, without a heap
/// allocation, because the log moves millions of them.
public struct Digest32: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public static let zero = Digest32(words: (0, 0, 0, 0))

    // Stored in memory order: the raw bytes of w0..w3 are the digest bytes.
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    @inlinable init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = words
    }

    /// Reads exactly 32 bytes from `pointer`.
    @inlinable public init(loadingFrom pointer: UnsafeRawPointer) {
        w0 = pointer.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w1 = pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = pointer.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w3 = pointer.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    /// Nil unless `bytes` holds exactly 32 bytes.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == Self.byteCount else { return nil }
        var value = Digest32.zero
        value.withUnsafeMutableBytes { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
        self = value
    }

    public init?(base64: String) {
        guard let data = Base64.decode(base64) else { return nil }
        self.init(bytes: data)
    }

    public init?(hex: String) {
        guard let data = Hex.decode(hex) else { return nil }
        self.init(bytes: data)
    }

    @inlinable public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }

    @inlinable public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeMutableBytes(of: &self) { try body($0) }
    }

    /// Writes the 32 bytes to `pointer`.
    @inlinable public func store(to pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: w0, toByteOffset: 0, as: UInt64.self)
        pointer.storeBytes(of: w1, toByteOffset: 8, as: UInt64.self)
        pointer.storeBytes(of: w2, toByteOffset: 16, as: UInt64.self)
        pointer.storeBytes(of: w3, toByteOffset: 24, as: UInt64.self)
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
    /// The first 8 bytes as an integer: a table index for digests no caller can choose (a
    /// salted commitment), where SipHash over all 32 bytes buys nothing.
    @inlinable public var leadingWord: UInt64 { w0 }
    public var base64: String { withUnsafeBytes { Base64.encode($0) } }
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}
