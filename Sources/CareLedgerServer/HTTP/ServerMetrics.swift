import CoreMetrics
import LedgerCore
import Metrics
import Prometheus

/// The service's metrics, in its own Prometheus registry (so that several servers, as in the
/// tests, never share counters) and served at `/metrics` in the Prometheus text format.
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The use cases' measurements, made in this registry.
    let ledger: LedgerMetrics

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        self.factory = factory
        ledger = LedgerMetrics(factory: factory)
    }

    /// Counts an error answer. `route` is the route template (never the raw path, which may
    /// carry identifiers), or "unmatched".
    func recordError(route: String, status: Int) {
        CoreMetrics.Counter(label: "careledger_http_errors_total", dimensions: [("route", route), ("status", String(status))], factory: factory)
            .increment()
    }

    func render() -> String { registry.emitToString() }
}
