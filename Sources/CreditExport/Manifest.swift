import Foundation
import LedgerCrypto

/// manifest.json: what a batch holds and what it was verified against. Encoded with sorted
/// keys and no timestamps, so the same range always gives the same bytes; manifest.sig is
/// the base64 Ed25519 signature of exactly these bytes by the log's key.
public struct Manifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    public static let signatureFileName = "manifest.sig"
    public static let currentFormat = "careledger-export/1"

    public struct Range: Codable, Sendable, Equatable {
        /// First seq in the batch.
        public var from: UInt64
        /// One past the last seq: the size of `checkpoint`.
        public var to: UInt64

        public init(from: UInt64, to: UInt64) {
            self.from = from
            self.to = to
        }
    }

    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String
        /// Data rows (a CSV's header row is not counted).
        public var rows: Int
        public var bytes: Int
    }

    public struct FamilyCounts: Codable, Sendable, Equatable {
        /// 新增 rows.
        public var added = 0
        /// 撤回 rows.
        public var withdrawn = 0
    }

    public struct Counts: Codable, Sendable, Equatable {
        public var records: UInt64 = 0
        public var families: [String: FamilyCounts] = Dictionary(uniqueKeysWithValues: ExportFamily.national.map { ($0.rawValue, FamilyCounts()) })
        public var rejects = 0
        /// Judgments, filings, annual reviews (unless included), and revocations or repairs of those.
        public var notExported = 0
    }

    public var format: String
    public var batchId: String
    public var origin: String
    public var range: Range
    /// The signed checkpoint (C2SP note text) whose tree covers the range.
    public var checkpoint: String
    public var files: [File]
    public var counts: Counts
    /// The optional kinds this batch maps (`MappingOptions.names`), absent when none — so a
    /// default batch's manifest is what it was before the option existed. Their families'
    /// files are then in `files` too.
    public var includedKinds: [String]? = nil
    /// The target profile's name, absent for csv-2.0 (so such a manifest is what it was
    /// before profiles); the profile's bytes are the batch's `profile.json`.
    public var profile: String? = nil

    /// The options the batch was made with; nil if `includedKinds` names a kind that cannot be included.
    public var mappingOptions: MappingOptions? { MappingOptions(names: includedKinds ?? []) }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Batch ids sort in seq order and differ between logs: `<from>-<to>-<origin hash>`.
    public static func batchId(origin: String, from: UInt64, to: UInt64) -> String {
        func pad(_ n: UInt64) -> String { let s = String(n); return String(repeating: "0", count: max(0, 12 - s.count)) + s }
        return "\(pad(from))-\(pad(to))-\(SHA256.hash(origin).hex.prefix(8))"
    }

    /// The data files of a default batch (the national families), in the order they are
    /// pushed (manifest.sig, then manifest.json, follow them).
    public static func dataFileNames() -> [String] { dataFileNames(MappingOptions()) }

    /// The data files of a batch made with `options`, in push order.
    public static func dataFileNames(_ options: MappingOptions) -> [String] {
        options.families.flatMap { ["\($0.rawValue).csv", "\($0.rawValue).jsonl"] } + ["rejects.jsonl"]
    }
}
