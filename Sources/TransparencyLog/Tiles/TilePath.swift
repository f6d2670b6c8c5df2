/// What can go wrong when naming or serving a C2SP tlog-tiles resource. Paths come from
/// the network, so every malformed one is reported here, never trapped on.
public enum TileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path is not the canonical C2SP name of a tile or entry bundle.
    case malformedPath(path: String, reason: String)
    /// A tile was built from out-of-range parts (level, width).
    case invalidTile(reason: String)
    /// The tile is well-formed but the tree of `treeSize` does not have it (beyond the tree,
    /// or a partial width other than the one this size has). HTTP servers answer 404.
    case notFound(path: String, treeSize: UInt64, reason: String)
    /// A hash tile was asked for as an entry bundle, or the other way round.
    case wrongKind(path: String, expected: String)
    /// An entry cannot go into a bundle (too long for its uint16 length), or the entry
    /// source answered the wrong number of entries.
    case badEntries(reason: String)

    public var description: String {
        switch self {
        case let .malformedPath(path, reason):
            return "malformed tile path \(TileError.quoted(path)): \(reason)"
        case let .invalidTile(reason):
            return "invalid tile: \(reason)"
        case let .notFound(path, treeSize, reason):
            return "\(path) does not exist in the tree of size \(treeSize): \(reason)"
        case let .wrongKind(path, expected):
            return "\(path) is not \(expected)"
        case let .badEntries(reason):
            return "cannot build the entry bundle: \(reason)"
        }
    }

    /// Quotes and escapes an untrusted path for messages and logs, cut to a sane length so
    /// a hostile request cannot flood or forge log lines.
    static func quoted(_ path: String) -> String {
        let limit = 96
        let shown = path.unicodeScalars.count > limit ? String(String.UnicodeScalarView(path.unicodeScalars.prefix(limit))) + "…" : path
        return String(reflecting: shown)
    }
}

/// The name of one C2SP tlog-tiles resource: a hash tile `tile/<L>/<N>[.p/<W>]` or an entry
/// bundle `tile/entries/<N>[.p/<W>]`, relative to the log's URL prefix.
///
/// Values are always valid (level 0…63, width 1…256), so `path` and `init(parsing:)` are
/// exact inverses: every value has one path and every accepted path names one value.
public struct TilePath: Sendable, Hashable, CustomStringConvertible {
    /// Hashes (or entries) in a full tile: tiles have height 8.
    public static let fullWidth = 256
    /// Bytes of one full hash tile (256 SHA-256 hashes).
    public static let fullHashTileBytes = fullWidth * 32
    /// Highest level the spec allows in a path.
    public static let maxLevel = 63

    public enum Kind: Sendable, Hashable {
        /// Merkle tree hashes at tree height 8·level.
        case hash(level: Int)
        /// Entry bundle: the entries themselves, length-prefixed.
        case entries
    }

    public let kind: Kind
    /// N: the tile's number within its level.
    public let index: UInt64
    /// W: hashes or entries in the tile, 1…256; 256 is a full tile.
    public let width: Int

    /// Validates level (0…63) and width (1…256).
    public init(kind: Kind, index: UInt64, width: Int = TilePath.fullWidth) throws {
        if case .hash(let level) = kind, !(0...Self.maxLevel).contains(level) {
            throw TileError.invalidTile(reason: "level \(level) is outside 0…\(Self.maxLevel)")
        }
        guard (1...Self.fullWidth).contains(width) else {
            throw TileError.invalidTile(reason: "width \(width) is outside 1…\(Self.fullWidth)")
        }
        self.kind = kind
        self.index = index
        self.width = width
    }

    /// A hash tile `tile/<level>/<index>[.p/<width>]`.
    public static func hash(level: Int, index: UInt64, width: Int = TilePath.fullWidth) throws -> TilePath {
        try TilePath(kind: .hash(level: level), index: index, width: width)
    }

    /// An entry bundle `tile/entries/<index>[.p/<width>]`.
    public static func entries(index: UInt64, width: Int = TilePath.fullWidth) throws -> TilePath {
        try TilePath(kind: .entries, index: index, width: width)
    }

    /// The hash level, or nil for an entry bundle.
    public var level: Int? {
        if case .hash(let level) = kind { return level }
        return nil
    }

    public var isPartial: Bool { width < Self.fullWidth }

    /// The C2SP path, e.g. `tile/0/x001/x234/067.p/8` or `tile/entries/005`.
    public var path: String {
        var out = "tile/"
        switch kind {
        case .hash(let level): out += String(level)
        case .entries: out += "entries"
        }
        out += "/" + Self.encodeIndex(index)
        if isPartial { out += ".p/" + String(width) }
        return out
    }

    public var description: String { path }

    /// N in zero-padded 3-digit groups, all but the last prefixed with `x`:
    /// 1234067 → `x001/x234/067`, 5 → `005`.
    static func encodeIndex(_ n: UInt64) -> String {
        var groups: [UInt64] = []
        var rest = n
        repeat {
            groups.append(rest % 1000)
            rest /= 1000
        } while rest > 0
        var out = ""
        for (position, group) in groups.reversed().enumerated() {
            if position > 0 { out += "/" }
            if position < groups.count - 1 { out += "x" }
            let digits = String(group)
            out += String(repeating: "0", count: 3 - digits.count) + digits
        }
        return out
    }

    // MARK: parsing

    /// Longest path accepted: `tile/entries/` plus seven index groups and `.p/255` is 46
    /// bytes; anything much longer is refused before it is looked at.
    static let maxPathBytes = 64

    /// Parses the part of a request path after the log prefix, e.g. `tile/0/x001/x234/067.p/8`
    /// or `tile/entries/005`. Only the canonical spelling is accepted (the one `path`
    /// renders), so one tile never has two URLs; anything else throws
    /// `TileError.malformedPath` saying what is wrong.
    public init(parsing text: String) throws {
        func fail(_ reason: String) -> TileError { .malformedPath(path: text, reason: reason) }

        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw fail("the path is empty") }
        guard bytes.count <= Self.maxPathBytes else {
            throw fail("the path is \(bytes.count) bytes long; no tile path is longer than \(Self.maxPathBytes)")
        }
        for byte in bytes {
            let allowed = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2F || byte == 0x2E
            guard allowed else {
                let shown = byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
                throw fail("unexpected character \(shown): tile paths hold only digits, lowercase letters, '/' and '.'")
            }
        }
        guard bytes[0] != 0x2F else { throw fail("the path is absolute; give the part after the log prefix, starting with 'tile/'") }

        let parts = bytes.split(separator: 0x2F, omittingEmptySubsequences: false).map { Array($0) }
        for part in parts {
            if part == Array("..".utf8) || part == Array(".".utf8) { throw fail("'.' and '..' path elements are not allowed") }
        }
        if let empty = parts.firstIndex(where: \.isEmpty) {
            throw fail(empty == parts.count - 1 ? "the path ends with a slash" : "empty path element (doubled slash)")
        }
        guard parts[0] == Array("tile".utf8) else { throw fail("the path must start with 'tile/'") }
        guard parts.count >= 3 else { throw fail("the path has no tile index") }

        // Level: "entries" or a decimal 0…63 without extra leading zeros.
        let kind: Kind
        if parts[1] == Array("entries".utf8) {
            kind = .entries
        } else {
            let level = try Self.decimal(parts[1], what: "level", maxDigits: 2, fail: fail)
            guard level <= UInt64(Self.maxLevel) else { throw fail("level \(level) is outside 0…\(Self.maxLevel)") }
            kind = .hash(level: Int(level))
        }

        // Index groups, then an optional ".p/<W>" that must end the path.
        var groups = Array(parts[2...])
        var width = Self.fullWidth
        let suffix = Array(".p".utf8)
        if let marked = groups.firstIndex(where: { $0.count >= 2 && Array($0.suffix(2)) == suffix }) {
            guard marked == groups.count - 2 else {
                throw fail(marked == groups.count - 1 ? "'.p' must be followed by '/<width>'" : "'.p/<width>' must end the path")
            }
            let w = try Self.decimal(groups[marked + 1], what: "width", maxDigits: 3, fail: fail)
            guard w != 0 else { throw fail("width 0: empty tiles do not exist") }
            guard w < UInt64(Self.fullWidth) else {
                throw fail(w == UInt64(Self.fullWidth) ? "a full tile is named without '.p/256'" : "width \(w) is above 255")
            }
            width = Int(w)
            groups[marked].removeLast(2)
            groups.removeLast()
            guard !groups[marked].isEmpty else { throw fail("'.p' needs an index before it") }
        }
        if groups.contains(where: { $0.contains(0x2E) }) { throw fail("'.' may appear only in a '.p/<width>' suffix") }

        // 2^64 - 1 has 20 digits: seven groups at most.
        guard groups.count <= 7 else { throw fail("index has \(groups.count) groups; a 64-bit index needs at most 7") }
        var index: UInt64 = 0
        for (position, group) in groups.enumerated() {
            let isLast = position == groups.count - 1
            var digits = group[...]
            if isLast {
                guard group.first != 0x78 else { throw fail("the last index group must not start with 'x'") }
            } else {
                guard group.first == 0x78 else { throw fail("every index group but the last must start with 'x'") }
                digits = group.dropFirst()
            }
            guard digits.count == 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw fail("index groups are exactly three digits (\(isLast ? "NNN" : "xNNN"))")
            }
            let value = digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
            if position == 0, !isLast, value == 0 {
                throw fail("the index has a leading zero group; \(String(decoding: group, as: UTF8.self)) must be left out")
            }
            let (scaled, overflow1) = index.multipliedReportingOverflow(by: 1000)
            let (sum, overflow2) = scaled.addingReportingOverflow(value)
            guard !overflow1, !overflow2 else { throw fail("the index does not fit in 64 bits") }
            index = sum
        }
        try self.init(kind: kind, index: index, width: width)
    }

    /// A decimal number with no sign, no extra leading zeros and at most `maxDigits` digits.
    private static func decimal(_ field: [UInt8], what: String, maxDigits: Int, fail: (String) -> TileError) throws -> UInt64 {
        guard field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw fail("\(what) \(String(reflecting: String(decoding: field, as: UTF8.self))) is not a decimal number")
        }
        guard field.count == 1 || field[0] != 0x30 else { throw fail("\(what) has a leading zero") }
        guard field.count <= maxDigits else { throw fail("\(what) is too large") }
        return field.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
    }
}
