// Fuzz target: tile path parsing (TilePath(parsing:)), the only part of a tile URL the
// service interprets. Only the canonical spelling may parse, so a path that parses prints
// back as itself. Built with `-sanitize=fuzzer -Xswiftc -DFUZZING` by tools/fuzz; a plain
// build makes a replayer for the files named on its command line.
import FuzzSupport
import TransparencyLog

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let tile = try? TilePath(parsing: text) else { return }
    check(tile.path.utf8.elementsEqual(text.utf8), "a tile path that parses does not print back as itself")
    check(!text.contains("..") && !text.hasPrefix("/") && !text.contains("//"), "a traversal-shaped path parsed")
    check(tile.width >= 1 && tile.width <= TilePath.fullWidth, "width out of range")
    if let level = tile.level { check(level >= 0 && level <= TilePath.maxLevel, "level out of range") }
    check((try? TilePath(parsing: tile.path)) == tile, "re-parse differs")
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
    static func main() { replayFiles("fuzz-tilepath", fuzzOne) }
}
#endif
