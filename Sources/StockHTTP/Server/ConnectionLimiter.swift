import CoreMetrics
import HummingbirdCore
import Logging

/// Stops the server accepting connections while `maxConnections` are open, and reports the count.
///
/// This is Hummingbird's `AvailableConnectionsDelegate` (the mechanism behind its `MaximumAvailableConnections`):
/// the server channel asks it before each accept batch and, while it answers no, leaves new connections in the
/// kernel's listen queue; when a connection closes it reads again. Only the server channel's event loop calls
/// it, one call at a time.
struct ConnectionLimiter: AvailableConnectionsDelegate {
    /// The most connections served at once.
    let maxConnections: Int
    /// Where the count and saturations are reported.
    let metrics: ConnectionMetrics
    /// Where reaching the limit is logged.
    let logger: Logger
    /// Connections open now.
    private(set) var open = 0
    /// Whether the limit was reached and the count has not fallen back to 90 % of it since (logs once per episode).
    private var saturated = false

    /// Creates a limiter with no connection open.
    init(maxConnections: Int, metrics: ConnectionMetrics, logger: Logger) {
        self.maxConnections = maxConnections
        self.metrics = metrics
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        metrics.open.record(open)
        guard open == maxConnections else { return }
        metrics.limitReached.increment()
        if !saturated {
            saturated = true
            logger.info(
                "connection limit reached: new connections wait in the listen queue until one closes",
                metadata: ["http.max_connections": "\(maxConnections)"]
            )
        }
    }

    mutating func connectionClosed() {
        open -= 1
        metrics.open.record(open)
        if saturated && open <= maxConnections * 9 / 10 { saturated = false }
    }

    func isAcceptingNewConnections() -> Bool { open < maxConnections }
}
