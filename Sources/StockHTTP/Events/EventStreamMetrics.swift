import CoreMetrics

/// The event stream's metrics, created once per hub.
///
/// - `stockd_event_stream_clients`: streams open now.
/// - `stockd_event_stream_buffered_events`: live events waiting in the clients' buffers, all clients together.
/// - `stockd_event_stream_events_total`: events written to clients (catch-up and live).
/// - `stockd_event_stream_dropped_total`: streams the server ended early: `reason="buffer_full"` (the client's
///   buffer overflowed), `reason="expired"` (retention dropped events a catching-up client had not been sent yet).
/// - `stockd_event_stream_rejected_total`: streams refused with 503 at `http.events_stream_max_clients`.
final class EventStreamMetrics: Sendable {
    static let clientsLabel = "stockd_event_stream_clients"
    static let bufferedLabel = "stockd_event_stream_buffered_events"
    static let eventsLabel = "stockd_event_stream_events_total"
    static let droppedLabel = "stockd_event_stream_dropped_total"
    static let rejectedLabel = "stockd_event_stream_rejected_total"

    let clients: Gauge
    let buffered: Gauge
    let events: Counter
    let dropped: Counter
    let expired: Counter
    let rejected: Counter

    /// Creates the metrics.
    ///
    /// - Parameter factory: Where they go; `nil` for the bootstrapped `MetricsSystem` factory.
    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        clients = Gauge(label: Self.clientsLabel, factory: factory)
        buffered = Gauge(label: Self.bufferedLabel, factory: factory)
        events = Counter(label: Self.eventsLabel, factory: factory)
        dropped = Counter(label: Self.droppedLabel, dimensions: [("reason", "buffer_full")], factory: factory)
        expired = Counter(label: Self.droppedLabel, dimensions: [("reason", "expired")], factory: factory)
        rejected = Counter(label: Self.rejectedLabel, factory: factory)
        clients.record(0)
        buffered.record(0)
    }
}
