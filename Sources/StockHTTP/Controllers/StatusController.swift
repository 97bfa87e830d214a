import Hummingbird
import StockProjection

/// `GET /v1/status`: the snapshot served (checkpoint LSN, commit time, change cursor), the feed behind it
/// (phase, lag, slot state, counters) and record counts. Answers while the store loads, too.
struct StatusController<Status: FeedStatusProvider>: Sendable {
    /// The live projection.
    let projection: StockProjection
    /// The feed's state.
    let status: Status
    /// This instance's name, if it has one.
    let instanceName: String?

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/v1/status", use: show)
        return routes
    }

    /// `GET /v1/status`.
    @Sendable func show(_ request: Request, context: StockRequestContext) async throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        let feed = status.httpStatus
        let snapshot = projection.snapshot()
        var body = StatusResponse(
            lsn: snapshot.checkpoint?.description,
            commitTimeMicros: snapshot.checkpoint?.commitTime,
            changeCursor: snapshot.changeCursor,
            feed: feed,
            details: status.statusDetails,
            counts: snapshot.counts
        )
        body.instance = instanceName
        return .json(body, capacity: 768 + 160 * 120)
    }
}
