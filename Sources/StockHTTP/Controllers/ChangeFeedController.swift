import HTTPTypes
import Hummingbird
import StockProjection

/// `GET /v1/changes?since=CURSOR`: the (variant, location) entries whose figures changed after a cursor,
/// each with its full current figures; without `since`, the head cursor and no entries.
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
    /// The `min_lsn` wait.
    let readYourWrites: ReadYourWrites

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
        let parameters = try QueryParameters(request.uri.query, allowed: ReadYourWrites.changeFeedParameters)
        let query = try ChangeFeedQuery(query: parameters, limits: limits)
        if parameters.contains(ReadYourWrites.parameter) {
            try await readYourWrites.wait(for: parameters, projection: projection, status: status)
        }

        let reader = SnapshotReader(projection: projection, stamps: stamps)
        // Without filters the scope is every active warehouse, exactly what totals count: quants Odoo keeps
        // in partner, scrap, inventory-adjustment or loose locations never reach the feed unless named.
        let scope = try reader.resolve(query.scope)
        let etag = reader.etag
        if etag.isMatched(byIfNoneMatch: request.headers[.ifNoneMatch]) { return .notModified(etag) }
        let asOf = reader.asOf(lagMilliseconds: feed.lagMilliseconds)
        guard let since = query.since else {
            // A new channel: nothing to replay, follow from the head.
            let head = ChangeFeedPage(asOf: asOf, items: [], nextCursor: reader.snapshot.changeCursor, hasMore: false)
            return .json(head, etag: etag, capacity: 256)
        }
        let page = try reader.changes(after: since, in: scope, limit: query.limit, asOf: asOf)
        return .json(page, etag: etag, capacity: 256 + 320 * page.items.count)
    }
}
