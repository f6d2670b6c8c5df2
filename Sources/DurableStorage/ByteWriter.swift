/// Appends little-endian fields: the byte layout of the vault's frames and of the export's
/// zip headers.
public struct ByteWriter {
    public var out: [UInt8] = []

    public init() {}

    public mutating func u8(_ v: UInt8) { out.append(v) }
    public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    public mutating func bytes(_ b: [UInt8]) { out += b }
}
