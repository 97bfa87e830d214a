import HTTPTypes
import Hummingbird
import StockProjection

/// `GET /v1/changes?since=CURSOR`: the (variant, location) entries whose figures changed after a cursor,
/// each with its full current figures.
struct ChangeFeedController<Status: FeedStatusProvider>: Sendable {
    /// The live projection; one snapshot is taken per request.
    let projection: StockProjection
    /// The feed's state.
    let status: Status
    /// Request limits.
    let limits: StockHTTPConfiguration.Limits
    /// `Retry-After` while loading.
    let retryAfterSeconds: Int
    /// The shared cache of snapshot stamps (entity tag, checkpoint text).
    let stamps: SnapshotStamps

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/v1/changes", use: changes)
        return routes
    }

    /// `GET /v1/changes`.
    @Sendable func changes(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        try feed.requireLoaded(retryAfterSeconds: retryAfterSeconds)
        let parameters = try QueryParameters(request.uri.query, allowed: ChangeFeedQuery.parameterNames)
        let query = try ChangeFeedQuery(query: parameters, limits: limits)

        let reader = SnapshotReader(projection: projection, stamps: stamps)
        let scope = query.scope.isEmpty ? nil : try reader.resolve(query.scope)
        let etag = reader.etag
        if etag.isMatched(byIfNoneMatch: request.headers[.ifNoneMatch]) { return .notModified(etag) }
        let page = try reader.changes(after: query.since, in: scope, limit: query.limit, asOf: reader.asOf(lagMilliseconds: feed.lagMilliseconds))
        return .json(page, etag: etag, capacity: 256 + 320 * page.items.count)
    }
}
