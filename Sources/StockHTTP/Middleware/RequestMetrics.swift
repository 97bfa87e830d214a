import CoreMetrics
import Synchronization

/// The per-request metrics: a counter and a latency timer per route template, method and status.
///
/// Dimensions are bounded: the route is the template (`/v1/locations/{location}/stock`), never the raw
/// path, and unknown paths share the route `unmatched`. Metric objects are created once per dimension
/// set and cached.
final class RequestMetrics: Sendable {
    /// The counter's label.
    static let requestsLabel = "stockd_http_requests_total"
    /// The timer's label (a histogram in Prometheus).
    static let durationLabel = "stockd_http_request_duration_seconds"

    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct Instruments {
        var requests: Counter
        var duration: Timer
    }

    private let factory: (any MetricsFactory)?
    private let cache = Mutex<[Key: Instruments]>([:])

    /// Creates the metrics.
    ///
    /// - Parameter factory: Where the metrics go; `nil` for the bootstrapped `MetricsSystem` factory.
    init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    /// Records one finished request.
    func record(route: String, method: String, status: Int, duration: Duration) {
        let key = Key(route: route, method: method, status: status)
        let instruments = cache.withLock { cache in
            if let existing = cache[key] { return existing }
            let dimensions = [("route", route), ("method", method), ("status", String(status))]
            let factory = self.factory ?? MetricsSystem.factory
            let created = Instruments(
                requests: Counter(label: Self.requestsLabel, dimensions: dimensions, factory: factory),
                duration: Timer(label: Self.durationLabel, dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
            )
            cache[key] = created
            return created
        }
        instruments.requests.increment()
        let (seconds, attoseconds) = duration.components
        instruments.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
