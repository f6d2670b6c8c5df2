import CreditRecords
import PersonalVault

/// What the application core needs to open a data directory; the HTTP settings live in the
/// server's configuration. Defaults: ./careledger-data.
public struct LedgerConfiguration: Sendable {
    public var dataDirectory = "./careledger-data"
    /// The records log's origin (checkpoint and key name); used when the log is created.
    public var origin = "careledger.local/records"
    /// Background checks per principal and day (China Standard Time); an institution's
    /// principals share their institution's. Over it, refused.
    public var checkQuota = 500
    /// Records whose personal part a principal may read per China Standard Time day
    /// (`serve --read-quota`): inspectors and admins. Over it, 429.
    public var readQuota = 1000
    /// The same for the bulk readers, exporter and auditor (`serve --bulk-read-quota`): an
    /// export reads the whole log.
    public var bulkReadQuota = 2_000_000
    /// A file outside the data directory holding the records log's latest signed checkpoint
    /// (`--checkpoint-witness`, compare-and-swap; docs/operations.md "Forks"). Nil: none.
    public var checkpointWitness: String?
    /// How long a bearer token works after it is issued or rotated (issue 17: 90 days).
    public var tokenLifetimeSeconds: Int64 = 90 * 86400
    /// The background index is snapshotted after this many appended entries (and on a clean
    /// shutdown), so a restart replays at most this much of the log's tail.
    public var indexSnapshotInterval: UInt64 = 4096
    /// The file vault's open index is rewritten while the service runs once this many durable
    /// records, or a tenth of the vault if more, are newer than it (docs/log-format.md
    /// "Vault files"): a start after a crash scans at most about that many.
    public var vaultIndexMinimumTail = 65_536
    /// How long an Idempotency-Key is remembered: at least 24 hours (docs/http.md).
    public var idempotencyRetentionSeconds: Int64 = 24 * 3600
    /// Also bar by 学前教育法 art. 44's wider list (性骚扰、吸毒、赌博), for checks made for
    /// kindergarten 托班; off by default (docs/background-index.md "Statutory bars").
    public var preschoolBars = false
    /// Opens the personal-data vault for a data directory (docs/log-format.md "Sealed
    /// entries"). `serve` and the commands set the file vault with the key file the operator
    /// named; the in-memory default serves tests only.
    public var openVault: @Sendable (_ dataDirectory: String) throws -> any PersonalVault = { _ in MemoryVault() }

    /// Years after its decision date that a record's personal part is kept before it may be
    /// erased on any ground but a data error (docs/operations.md "Erasure"). A record's own
    /// end (a ban's `until`, a court's practiceBanUntil, a penalty's validUntil or
    /// publicUntil) extends it; a lifetime ban never ends.
    public var retentionYears: [RecordKind: Int] = LedgerConfiguration.defaultRetentionYears

    /// The service's own export (`serve --export-every`), which a data-error record's erasure
    /// waits for (PlatformExport.swift). nil: the service does not export, so it cannot tell
    /// (docs/operations.md "Erasure").
    public var platformExport: PlatformExport?

    /// Three years: the longest publication period of a 严重 record under 信用修复管理办法
    /// (NDRC Order 2025 No. 36) and of a penalty under SAMR Order 45 art. 13; after it the
    /// record serves no purpose of the register, and PIPL art. 47 requires deletion.
    public static let defaultRetentionYears: [RecordKind: Int] = Dictionary(uniqueKeysWithValues: RecordKind.allCases.map { ($0, 3) })

    public init() {}
}
