public import CoreMetrics
public import Logging

/// How the HTTP API behaves: request and connection limits, bearer tokens, readiness and observability hooks.
///
/// The composition root fills it from stockd's configuration; the defaults are what stockd ships with.
public struct StockHTTPConfiguration: Sendable {
    /// Request limits.
    public var limits: Limits
    /// Connection limits and timeouts (used by ``buildApplication(router:address:configuration:serverName:logger:)``).
    public var connections: Connections
    /// Bearer tokens and the scopes each grants. Empty means no authentication at all.
    ///
    /// Tokens are compared in constant time and never logged.
    public var tokens: [String: Set<AccessScope>]
    /// Tokens' names (token → name), recorded as who made a change through the admin API; a token without a
    /// name is recorded as `unnamed`.
    public var tokenNames: [String: String] = [:]
    /// The admin API's operations (`/v1/admin/...`, `admin` scope); `nil` leaves those routes unanswered (404).
    public var administration: (any EventAdministration)?
    /// `/readyz` fails while the feed's lag is above this.
    public var readinessMaxLag: Duration
    /// The body of `GET /metrics` (Prometheus text format 0.0.4), or `nil` to answer 404 there.
    public var metricsHandler: (@Sendable () -> String)?
    /// Where request metrics go; `nil` uses the factory bootstrapped in `MetricsSystem`.
    public var metricsFactory: (any MetricsFactory)?
    /// The level of the one structured log line written per request.
    public var requestLogLevel: Logger.Level
    /// The `Retry-After` seconds sent with 503 answers while the store loads.
    public var loadingRetryAfterSeconds: Int
    /// This instance's name, when several serve behind a balancer: sent as the `Stockd-Instance` header of every
    /// response and as `instance` in `/v1/status`. `nil` sends no header.
    public var instanceName: String?
    /// How long a read carrying `min_lsn` may wait for this instance to reach it before it gets 503.
    public var minLSNMaxWait: Duration = .seconds(2)
    /// The live event stream behind `GET /v1/events`; `nil` answers that route 503 (no outbox).
    public var eventStream: EventStreamHub?
    /// Makes copies of the store for `GET /v1/admin/store-snapshot` (`admin` scope, so only with an admin token
    /// configured); `nil` leaves the route unanswered (404).
    public var storeSnapshots: (any StoreSnapshotProvider)?

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - limits: Request limits.
    ///   - tokens: Bearer tokens and their scopes; empty disables authentication.
    ///   - readinessMaxLag: The largest lag at which `/readyz` still passes.
    ///   - metricsHandler: Renders `GET /metrics`; `nil` leaves the route unanswered (404).
    ///   - metricsFactory: Where request metrics go; `nil` for the global `MetricsSystem` factory.
    ///   - requestLogLevel: The level of per-request log lines.
    ///   - loadingRetryAfterSeconds: `Retry-After` for 503 answers while loading.
    ///   - connections: Connection limits and timeouts.
    public init(
        limits: Limits = Limits(),
        tokens: [String: Set<AccessScope>] = [:],
        readinessMaxLag: Duration = .seconds(30),
        metricsHandler: (@Sendable () -> String)? = nil,
        metricsFactory: (any MetricsFactory)? = nil,
        requestLogLevel: Logger.Level = .info,
        loadingRetryAfterSeconds: Int = 5,
        connections: Connections = Connections()
    ) {
        self.limits = limits
        self.tokens = tokens
        self.readinessMaxLag = readinessMaxLag
        self.metricsHandler = metricsHandler
        self.metricsFactory = metricsFactory
        self.requestLogLevel = requestLogLevel
        self.loadingRetryAfterSeconds = loadingRetryAfterSeconds
        self.connections = connections
    }

    /// Whether requests must carry a bearer token.
    public var requiresAuthentication: Bool { !tokens.isEmpty }
}
