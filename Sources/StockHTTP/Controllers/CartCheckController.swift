import HTTPTypes
import Hummingbird
import StockProjection

/// `POST /v1/availability/check`: whether a cart can be sold from a scope, kits and plain variants taking
/// from one pool of stock line by line.
struct CartCheckController<Status: FeedStatusProvider>: Sendable {
    /// The live projection; one snapshot is taken per request.
    let projection: StockProjection
    /// The feed's state (503 while loading, `as_of.lag_ms`).
    let status: Status
    /// Request limits (body size; lines per cart = identifiers per request).
    let limits: StockHTTPConfiguration.Limits
    /// `Retry-After` while loading.
    let retryAfterSeconds: Int
    /// The shared cache of snapshot stamps (entity tag, checkpoint text).
    let stamps: SnapshotStamps

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.post("/v1/availability/check", use: check)
        return routes
    }

    /// `POST /v1/availability/check`.
    ///
    /// Conditional requests are not evaluated for POST; the answer still carries its `ETag`.
    @Sendable func check(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        try feed.requireLoaded(retryAfterSeconds: retryAfterSeconds)
        _ = try QueryParameters(request.uri.query, allowed: [])
        let body = try await JSONBody.read(request, maxBytes: limits.maxBodyBytes)
        let cart = try CartRequest(json: body, limits: limits)
        let reader = SnapshotReader(projection: projection, stamps: stamps)
        let scope = try reader.resolve(cart.scope)
        let answer = try reader.checkCart(cart, in: scope, asOf: reader.asOf(lagMilliseconds: feed.lagMilliseconds))
        return .json(answer, etag: reader.etag, capacity: 256 + 192 * answer.lines.count + 32 * answer.missing.count)
    }
}
