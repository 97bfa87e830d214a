public import Hummingbird
public import StockProjection

/// The request context of every stockd route.
public typealias StockRequestContext = BasicRequestContext

/// The HTTP API's router: every endpoint, with request logs, metrics, 405 handling and bearer tokens.
///
/// The composition root wraps it in an `Application` and runs it; tests call `app.test(.router)`:
///
/// ```swift
/// let router = buildRouter(projection: projection, status: feedStatus, configuration: configuration)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// try await app.runService()
/// ```
///
/// Reads of availability, location stock and changes take `min_lsn` (read your writes across instances: see
/// ``ReadYourWrites``).
///
/// Routes: `GET /v1/availability`, `POST /v1/availability/query`, `POST /v1/availability/check`,
/// `GET /v1/availability/{sku}/schedule`, `GET /v1/kits/{sku}`, `GET /v1/locations/{location}/stock`,
/// `GET /v1/changes`, `GET /v1/events` (Server-Sent Events), `GET /v1/status`, `GET /metrics` (when a metrics
/// handler is configured; these need the `read` scope when tokens are configured), `GET /v1/admin/store-snapshot`
/// (when a snapshot provider is configured; it always needs a token with the `admin` scope), and `GET /healthz`,
/// `GET /readyz` and the status page `GET /`
/// (never authenticated).
/// `HEAD` is answered wherever `GET` is; any other undeclared method on a known path gets 405.
///
/// - Parameters:
///   - projection: The live projection; each request answers from one snapshot of it.
///   - status: The replication feed's state, adapted by the composition root.
///   - configuration: Limits, tokens, readiness bound and observability hooks.
/// - Returns: A router ready for `Application(router:)`.
public func buildRouter(
    projection: StockProjection,
    status: some FeedStatusProvider,
    configuration: StockHTTPConfiguration
) -> Router<StockRequestContext> {
    let router = Router(context: StockRequestContext.self, options: .autoGenerateHeadEndpoints)
    if let instanceName = configuration.instanceName {
        // Outermost, so that errors turned into responses by the observation middleware carry it too.
        router.add(middleware: InstanceHeaderMiddleware(name: instanceName))
    }
    router.add(
        middleware: RequestObservationMiddleware(
            metrics: RequestMetrics(factory: configuration.metricsFactory),
            logLevel: configuration.requestLogLevel
        )
    )
    router.add(middleware: MethodNotAllowedMiddleware(routes: routeTable(configuration)))

    router.addRoutes(HealthController(status: status, maxLag: configuration.readinessMaxLag).endpoints)
    router.addRoutes(StatusPageController().endpoints)

    let protected = router.group()
    if configuration.requiresAuthentication {
        protected.add(middleware: BearerAuthMiddleware(tokens: TokenTable(configuration.tokens), required: .read))
    }
    let limits = configuration.limits
    let retryAfter = configuration.loadingRetryAfterSeconds
    let stamps = SnapshotStamps()
    let gate = ReadYourWrites(maxWait: configuration.minLSNMaxWait, factory: configuration.metricsFactory)
    protected.addRoutes(
        AvailabilityController(
            projection: projection, status: status, limits: limits, retryAfterSeconds: retryAfter, stamps: stamps, readYourWrites: gate
        ).endpoints
    )
    protected.addRoutes(
        CartCheckController(projection: projection, status: status, limits: limits, retryAfterSeconds: retryAfter, stamps: stamps).endpoints
    )
    protected.addRoutes(
        KitController(projection: projection, status: status, retryAfterSeconds: retryAfter, stamps: stamps).endpoints
    )
    protected.addRoutes(
        LocationStockController(
            projection: projection, status: status, limits: limits, retryAfterSeconds: retryAfter, stamps: stamps, readYourWrites: gate
        ).endpoints
    )
    protected.addRoutes(
        ChangeFeedController(
            projection: projection, status: status, limits: limits, retryAfterSeconds: retryAfter, stamps: stamps, readYourWrites: gate
        ).endpoints
    )
    protected.addRoutes(EventStreamController(hub: configuration.eventStream, limits: limits).endpoints)
    protected.addRoutes(StatusController(projection: projection, status: status, instanceName: configuration.instanceName).endpoints)
    if let render = configuration.metricsHandler {
        protected.addRoutes(MetricsController(render: render).endpoints)
    }
    if let administration = configuration.administration {
        // Always behind a token with the admin scope: without any token configured, every admin request gets 401.
        let tokens = TokenTable(configuration.tokens, names: configuration.tokenNames)
        let admin = router.group()
        admin.add(middleware: BearerAuthMiddleware(tokens: tokens, required: .admin))
        admin.addRoutes(AdminController(administration: administration, tokens: tokens, maxBodyBytes: limits.maxBodyBytes).endpoints)
    }
    if let provider = configuration.storeSnapshots {
        // Always behind a token with the admin scope, even when no token is configured (then nobody may copy).
        let admin = router.group()
        admin.add(middleware: BearerAuthMiddleware(tokens: TokenTable(configuration.tokens, names: configuration.tokenNames), required: .admin))
        admin.addRoutes(
            StoreSnapshotController(provider: AnyStoreSnapshotProvider(provider), projection: projection, status: status, readYourWrites: gate)
                .endpoints)
    }
    return router
}

/// Every declared path and its methods, for 405 answers.
func routeTable(_ configuration: StockHTTPConfiguration) -> RouteTable {
    var routes: [RouteTable.Route] = [
        .init("/", [.get]),
        .init("/healthz", [.get]),
        .init("/readyz", [.get]),
        .init("/v1/availability", [.get]),
        .init("/v1/availability/query", [.post]),
        .init("/v1/availability/check", [.post]),
        .init("/v1/availability/{sku}/schedule", [.get]),
        .init("/v1/kits/{sku}", [.get]),
        .init("/v1/locations/{location}/stock", [.get]),
        .init("/v1/changes", [.get]),
        .init("/v1/events", [.get]),
        .init("/v1/status", [.get]),
    ]
    if configuration.metricsHandler != nil { routes.append(.init("/metrics", [.get])) }
    if configuration.administration != nil {
        routes += [
            .init("/v1/admin/rules", [.get, .post]),
            .init("/v1/admin/rules/{id}", [.get, .put, .delete]),
            .init("/v1/admin/subscriptions", [.get, .post]),
            .init("/v1/admin/subscriptions/{id}", [.get, .put, .delete]),
            .init("/v1/admin/subscriptions/{id}/pause", [.post]),
            .init("/v1/admin/subscriptions/{id}/resume", [.post]),
            .init("/v1/admin/subscriptions/{id}/dead-letters", [.get]),
            .init("/v1/admin/subscriptions/{id}/dead-letters/redeliver", [.post]),
            .init("/v1/admin/subscriptions/{id}/replay", [.post]),
            .init("/v1/admin/audit", [.get]),
        ]
    }
    if configuration.storeSnapshots != nil { routes.append(.init("/v1/admin/store-snapshot", [.get])) }
    return RouteTable(routes: routes)
}
