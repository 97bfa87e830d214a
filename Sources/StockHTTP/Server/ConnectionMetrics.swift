import CoreMetrics

/// The server's connection metrics, created once per server with fixed dimensions.
///
/// - `stockd_http_connections_closed_total{reason}`: connections the server closed because a limit passed:
///   `idle_timeout` (no request part completed in time, e.g. a half-sent head), `request_timeout` (answered
///   503 when the response did not start in time), `write_timeout` (the client stopped reading).
/// - `stockd_http_open_connections`: connections open now.
/// - `stockd_http_connection_limit_reached_total`: how often the open connections reached `maxConnections`
///   (new connections then wait in the listen queue).
final class ConnectionMetrics: Sendable {
    /// The label of the counter of connections closed by a timeout.
    static let closedLabel = "stockd_http_connections_closed_total"
    /// The label of the gauge of open connections.
    static let openLabel = "stockd_http_open_connections"
    /// The label of the counter of times the connection limit was reached.
    static let limitReachedLabel = "stockd_http_connection_limit_reached_total"

    /// Connections closed after the idle timeout.
    let idleTimeouts: Counter
    /// Connections answered 503 and closed after the request deadline.
    let requestTimeouts: Counter
    /// Connections closed after the write deadline.
    let writeTimeouts: Counter
    /// Connections open now.
    let open: Gauge
    /// Times the open connections reached the limit.
    let limitReached: Counter

    /// Creates the metrics.
    ///
    /// - Parameter factory: Where the metrics go; `nil` for the bootstrapped `MetricsSystem` factory.
    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        idleTimeouts = Counter(label: Self.closedLabel, dimensions: [("reason", "idle_timeout")], factory: factory)
        requestTimeouts = Counter(label: Self.closedLabel, dimensions: [("reason", "request_timeout")], factory: factory)
        writeTimeouts = Counter(label: Self.closedLabel, dimensions: [("reason", "write_timeout")], factory: factory)
        open = Gauge(label: Self.openLabel, factory: factory)
        limitReached = Counter(label: Self.limitReachedLabel, factory: factory)
    }
}
