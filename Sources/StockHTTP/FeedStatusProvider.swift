/// Where the HTTP API reads the replication feed's state from, for `/readyz`, `/v1/status`, `as_of.lag_ms`
/// and the 503 answered while the store loads.
///
/// The composition root adapts the replication feed's own status to ``FeedHTTPStatus``, so this module does
/// not depend on the replication modules. Reading ``httpStatus`` happens on every data request: keep it to
/// a lock and a copy.
public protocol FeedStatusProvider: Sendable {
    /// The feed's state now.
    var httpStatus: FeedHTTPStatus { get }
}
