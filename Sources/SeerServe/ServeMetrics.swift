// What `GET /metrics` shows, in Prometheus' text format: each series' latest anomaly score and
// 0/1 label, the latest forecast per series and horizon step (with interval bounds when the
// model has them), and the server's own request counts and latencies. Metrics live in one
// swift-prometheus registry owned by the server (not the process-wide swift-metrics system, which
// can be bootstrapped only once per process and renames metrics with dots).
import Prometheus
import SeerBase

/// One series' two gauges, kept on its table entry.
struct SeriesGauges: Sendable {
    let score: Gauge
    let anomaly: Gauge
}

/// The server's Prometheus registry and the metrics it updates.
final class ServeMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let series: Gauge
    private let points: [String: Counter]
    /// Forecast gauges set per series, so a shorter new forecast removes the old steps.
    private let forecastGauges = Locked<[String: [Gauge]]>([:])

    /// Bucket bounds of the request-duration histogram: 0.25 ms to 5 s.
    static let latencyBuckets: [Duration] = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }

    /// The outcomes a point can have, as `seer_detect_points_total{outcome}` labels.
    static let outcomes = ["scored", "already_scored", "skipped"]

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        series = registry.makeGauge(descriptor: .init(namespace: "seer", metricName: "series", unitName: "",
                                                      helpText: "Series the detector table keeps."), labels: [])
        points = Dictionary(uniqueKeysWithValues: Self.outcomes.map { outcome in
            (outcome, registry.makeCounter(descriptor: .init(namespace: "seer", metricName: "detect_points", unitName: "total",
                                                             helpText: "Points received by /v1/detect, by what became of them."),
                                           labels: [("outcome", outcome)]))
        })
    }

    func seriesGauges(_ id: String) -> SeriesGauges {
        SeriesGauges(
            score: registry.makeGauge(descriptor: .init(namespace: "seer", metricName: "anomaly", unitName: "score",
                                                        helpText: "The latest anomaly score of each series (0 to 1)."), labels: [("series", id)]),
            anomaly: registry.makeGauge(descriptor: .init(namespace: "seer", metricName: "anomaly", unitName: "",
                                                          helpText: "1 when the latest point of each series scored at or above the threshold after the warm-up, else 0."),
                                        labels: [("series", id)]))
    }

    func countPoint(_ outcome: String) { points[outcome]?.increment() }

    /// Request counters and latency histograms by label set, so a request looks its metrics up
    /// in one small table instead of building their names and labels in the registry each time.
    private let requestMetrics = Locked<[String: (counter: Counter, histogram: DurationHistogram)]>([:])

    /// One finished request.
    func recordRequest(route: String, method: String, status: Int, seconds duration: Duration) {
        let key = "\(route) \(method) \(status)"
        let metrics = requestMetrics.withLock { table in
            if let found = table[key] { return found }
            let made = (
                counter: registry.makeCounter(descriptor: .init(namespace: "seer", metricName: "http_requests", unitName: "total",
                                                                helpText: "HTTP requests answered, by route, method and status."),
                                              labels: [("route", route), ("method", method), ("status", String(status))]),
                histogram: registry.makeDurationHistogram(descriptor: .init(namespace: "seer", metricName: "http_request_duration", unitName: "seconds",
                                                                            helpText: "Time from a request's head to its response, by route."),
                                                          labels: [("route", route)], buckets: Self.latencyBuckets))
            table[key] = made
            return made
        }
        metrics.counter.increment()
        metrics.histogram.record(duration)
    }

    /// Sets `seer_forecast{series,step}` (and the interval bounds per level) to a new forecast,
    /// dropping the gauges of steps the new forecast no longer has.
    func setForecast(series id: String, values: [Float], bounds: [[Float]], levels: [Int]) {
        var gauges: [Gauge] = []
        for (step, value) in values.enumerated() {
            let labels = [("series", id), ("step", String(step + 1))]
            let gauge = registry.makeGauge(descriptor: .init(namespace: "seer", metricName: "forecast", unitName: "",
                                                             helpText: "The latest forecast of each series, per horizon step."), labels: labels)
            gauge.set(Double(value))
            gauges.append(gauge)
            for (i, level) in levels.enumerated() where step < bounds.count && 2 * i + 1 < bounds[step].count {
                let withLevel = labels + [("level", String(level))]
                let lower = registry.makeGauge(descriptor: .init(namespace: "seer", metricName: "forecast_lower", unitName: "",
                                                                 helpText: "The lower bound of each forecast step's interval, per level (%)."), labels: withLevel)
                let upper = registry.makeGauge(descriptor: .init(namespace: "seer", metricName: "forecast_upper", unitName: "",
                                                                 helpText: "The upper bound of each forecast step's interval, per level (%)."), labels: withLevel)
                lower.set(Double(bounds[step][2 * i]))
                upper.set(Double(bounds[step][2 * i + 1]))
                gauges += [lower, upper]
            }
        }
        let old = forecastGauges.withLock { table in
            defer { table[id] = gauges }
            return table[id] ?? []
        }
        let kept = Set(gauges.map(ObjectIdentifier.init))
        for gauge in old where !kept.contains(ObjectIdentifier(gauge)) { registry.unregisterGauge(gauge) }
    }

    /// The exposition text.
    func exposition() -> [UInt8] { registry.emitToBuffer() }
}
