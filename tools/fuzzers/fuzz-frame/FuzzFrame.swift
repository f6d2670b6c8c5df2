// Fuzz target: the segment frame decoder that recovery and verify run over every stored
// byte (Frame.decode, SegmentScanner.scan). Both are internal to TransparencyLog, so this
// needs a testable build: tools/fuzz builds in debug (testability on) with
// `-sanitize=fuzzer -Xswiftc -DFUZZING`; a plain debug build makes a replayer for the files
// named on its command line. A plain release build compiles a stub.
#if FUZZING || DEBUG
import FuzzSupport
import Foundation
import LedgerCrypto
@testable import TransparencyLog

func encode(kind: FrameKind, payload: [UInt8], chain: Digest32?) -> [UInt8] {
    var out = [UInt8]()
    payload.withUnsafeBytes { Frame.append(kind: kind, payload: $0, chain: chain, to: &out) }
    return out
}

/// The frames an in-memory walk finds, and where it stops.
func walk(_ bytes: [UInt8]) -> (frames: [(kind: FrameKind, payload: [UInt8], chain: Digest32?, offset: Int)], end: Int) {
    var frames: [(kind: FrameKind, payload: [UInt8], chain: Digest32?, offset: Int)] = []
    var offset = 0
    bytes.withUnsafeBytes { raw in
        while offset < raw.count {
            guard case .frame(let kind, let payload, let chain, let size) = Frame.decode(raw, at: offset) else { return }
            check(payload.lowerBound == offset + Frame.headerSize && payload.upperBound <= raw.count, "payload range outside the frame")
            check(size == Frame.size(kind: kind, payloadCount: payload.count) && offset + size <= raw.count, "frame size wrong")
            check((kind == .entry) == (chain != nil), "chain hash on the wrong kind of frame")
            // A frame that decodes is exactly what encoding its parts gives.
            let reencoded = encode(kind: kind, payload: Array(raw[payload]), chain: chain)
            check(reencoded.elementsEqual(raw[offset..<(offset + size)]), "decoded frame does not re-encode to its bytes")
            frames.append((kind, Array(raw[payload]), chain, offset))
            offset += size
        }
    }
    return (frames, offset)
}

let scratch = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : "/tmp") + "/fuzz-frame-\(getpid()).seg"

func fuzzOne(_ bytes: [UInt8]) {
    // 1. Arbitrary bytes as a run of frames: every frame found re-encodes to its bytes.
    let (frames, end) = walk(bytes)

    // 2. The streaming scanner (what recovery uses) agrees with the in-memory walk, whatever
    //    its read size (small chunks force the refill and frame-straddles-chunk paths).
    let chunk = 1 + Int(bytes.first ?? 0) * 7
    check(FileManager.default.createFile(atPath: scratch, contents: Data(bytes)), "cannot write \(scratch)")
    var scanned: [(FrameKind, [UInt8], Digest32?, Int64)] = []
    let result: SegmentScanner.End
    do {
        result = try SegmentScanner.scan(path: scratch, from: 0, chunkSize: chunk) { frame in
            scanned.append((frame.kind, Array(frame.payload), frame.chain, frame.offset))
        }
    } catch { fatalError("scan threw: \(error)") }
    check(scanned.count == frames.count, "scanner found \(scanned.count) frames, the walk \(frames.count)")
    for (a, b) in zip(scanned, frames) {
        check(a.0 == b.kind && a.1 == b.payload && a.2 == b.chain && a.3 == Int64(b.offset), "scanner and walk disagree on a frame")
    }
    switch result {
    case .endOfFile(let offset): check(end == bytes.count && offset == Int64(end), "scanner says end of file, walk stopped at \(end)")
    case .torn(let offset, _): check(end < bytes.count && offset == Int64(end), "scanner says torn at \(offset), walk stopped at \(end)")
    }

    // 3. Encode the input as a frame of each kind: it decodes to exactly what was encoded,
    //    truncated it is incomplete, and no single bit flip in it decodes as a valid frame.
    let payload = Array(bytes.prefix(Frame.maxPayload))
    let chain = SHA256.hash(payload)
    for (kind, chainHash) in [(FrameKind.entry, Optional(chain)), (.checkpoint, nil)] {
        let frame = encode(kind: kind, payload: payload, chain: chainHash)
        frame.withUnsafeBytes { raw in
            guard case .frame(let k, let range, let c, let size) = Frame.decode(raw, at: 0) else { fatalError("an encoded frame does not decode") }
            check(k == kind && Array(raw[range]) == payload && c == chainHash && size == frame.count, "encoded frame decodes to something else")
            let cut = Int(bytes.last ?? 0) % frame.count
            check(Frame.decode(UnsafeRawBufferPointer(rebasing: raw[0..<cut]), at: 0) == .incomplete, "a truncated frame is not incomplete")
        }
        if !bytes.isEmpty {
            var flipped = frame
            let bit = (Int(bytes[bytes.count / 2]) << 8 | Int(bytes[0])) % (frame.count * 8)
            flipped[bit / 8] ^= UInt8(1 << (bit % 8))
            flipped.withUnsafeBytes { raw in
                if case .frame(let k, let range, let c, _) = Frame.decode(raw, at: 0) {
                    check(k != kind || Array(raw[range]) != payload || c != chainHash, "a flipped bit decoded to the same frame?")
                    fatalError("a single bit flip (bit \(bit) of \(frame.count) bytes) still decodes as a valid frame")
                }
            }
        }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
enum Replay {
    static func main() {
        replayFiles("fuzz-frame", fuzzOne)
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
#endif

#else
@main
enum Replay {
    static func main() { print("fuzz-frame needs a testable build: swift build -c debug --product fuzz-frame") }
}
#endif
