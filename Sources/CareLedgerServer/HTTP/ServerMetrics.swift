import CoreMetrics
import Metrics
import Prometheus

/// The service's metrics, in its own Prometheus registry (so that several servers, as in the
/// tests, never share counters) and served at `/metrics` in the Prometheus text format.
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    let appends: CoreMetrics.Counter
    let appendLatency: CoreMetrics.Timer
    let treeSize: CoreMetrics.Gauge
    /// Checks answered, by status (barred, records_found, clear), and refused by the quota.
    let checks: [String: CoreMetrics.Counter]
    let checkLatency: CoreMetrics.Timer
    let accessLogSize: CoreMetrics.Gauge

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        self.factory = factory
        appends = CoreMetrics.Counter(label: "careledger_record_appends_total", factory: factory)
        appendLatency = CoreMetrics.Timer(label: "careledger_record_append_duration_seconds", factory: factory)
        treeSize = CoreMetrics.Gauge(label: "careledger_log_tree_size", factory: factory)
        var checks = [String: CoreMetrics.Counter]()
        for status in ["barred", "records_found", "clear", "refused_quota"] {
            checks[status] = CoreMetrics.Counter(label: "careledger_checks_total", dimensions: [("status", status)], factory: factory)
        }
        self.checks = checks
        checkLatency = CoreMetrics.Timer(label: "careledger_check_duration_seconds", factory: factory)
        accessLogSize = CoreMetrics.Gauge(label: "careledger_access_log_tree_size", factory: factory)
    }

    /// Counts an error answer. `route` is the route template (never the raw path, which may
    /// carry identifiers), or "unmatched".
    func recordError(route: String, status: Int) {
        CoreMetrics.Counter(label: "careledger_http_errors_total", dimensions: [("route", route), ("status", String(status))], factory: factory)
            .increment()
    }

    func render() -> String { registry.emitToString() }
}
