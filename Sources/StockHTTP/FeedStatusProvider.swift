/// Where the HTTP API reads the replication feed's state from, for `/readyz`, `/v1/status`, `as_of.lag_ms`
/// and the 503 answered while the store loads.
///
/// The composition root adapts the replication feed's own status to ``FeedHTTPStatus``, so this module does
/// not depend on the replication modules. Reading ``httpStatus`` happens on every data request: keep it to
/// a lock and a copy.
public protocol FeedStatusProvider: Sendable {
    /// The feed's state now.
    var httpStatus: FeedHTTPStatus { get }

    /// Throughput, history, recent errors and store size, for `/v1/status` and the status page only.
    ///
    /// A default implementation reports nothing known (no history, no errors, unknown rates and size).
    var statusDetails: FeedStatusDetails { get }
}

extension FeedStatusProvider {
    /// Nothing known: no history, no errors, unknown rates and store size.
    public var statusDetails: FeedStatusDetails { FeedStatusDetails() }
}
