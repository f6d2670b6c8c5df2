import CoreMetrics

/// The use cases' own measurements, made through whatever metrics factory the host gives
/// (the server's Prometheus registry; none for the command line).
public struct LedgerMetrics: Sendable {
    public let appends: CoreMetrics.Counter
    public let appendLatency: CoreMetrics.Timer
    public let treeSize: CoreMetrics.Gauge
    /// Checks answered, by status (barred, records_found, clear), and refused by the quota.
    public let checks: [String: CoreMetrics.Counter]
    public let checkLatency: CoreMetrics.Timer
    public let accessLogSize: CoreMetrics.Gauge
    /// Reads of personal parts recorded (`read`) and refused by the read quota.
    public let reads: [String: CoreMetrics.Counter]

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        appends = CoreMetrics.Counter(label: "careledger_record_appends_total", factory: factory)
        appendLatency = CoreMetrics.Timer(label: "careledger_record_append_duration_seconds", factory: factory)
        treeSize = CoreMetrics.Gauge(label: "careledger_log_tree_size", factory: factory)
        var checks = [String: CoreMetrics.Counter]()
        for status in ["barred", "records_found", "clear", "identity_mismatch", "refused_quota"] {
            checks[status] = CoreMetrics.Counter(label: "careledger_checks_total", dimensions: [("status", status)], factory: factory)
        }
        self.checks = checks
        checkLatency = CoreMetrics.Timer(label: "careledger_check_duration_seconds", factory: factory)
        accessLogSize = CoreMetrics.Gauge(label: "careledger_access_log_tree_size", factory: factory)
        reads = Dictionary(uniqueKeysWithValues: ["read", "refused_quota"].map {
            ($0, CoreMetrics.Counter(label: "careledger_personal_reads_total", dimensions: [("status", $0)], factory: factory))
        })
    }
}
