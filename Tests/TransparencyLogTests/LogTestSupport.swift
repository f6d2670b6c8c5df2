import Foundation
import LedgerCrypto
@testable import TransparencyLog

/// Deterministic entries of varied sizes, so tests can re-derive what was appended.
func testEntry(_ i: Int, size: Int? = nil) -> [UInt8] {
    let count = size ?? (i % 7 == 0 ? 0 : 20 + (i * 37) % 900)
    var out = [UInt8](repeating: 0, count: count)
    var x = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15 | 1
    for j in 0..<count {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        out[j] = UInt8(truncatingIfNeeded: x)
    }
    return out
}

let testSigningKey = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
