import HTTPTypes
import Hummingbird
import StockProjection

/// `GET /v1/kits/{sku}`: why a kit has the figures it has: its BoM, the exploded lines, each component's
/// figures and how many kits it allows, and the components that limit it, over a scope.
struct KitController<Status: FeedStatusProvider>: Sendable {
    /// The live projection; one snapshot is taken per request.
    let projection: StockProjection
    /// The feed's state (503 while loading, `as_of.lag_ms`).
    let status: Status
    /// `Retry-After` while loading.
    let retryAfterSeconds: Int
    /// The shared cache of snapshot stamps (entity tag, checkpoint text).
    let stamps: SnapshotStamps

    /// The query parameters the endpoint takes.
    static var parameterNames: Set<String> { ["warehouse", "location"] }

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/v1/kits/{sku}", use: kit)
        return routes
    }

    /// `GET /v1/kits/{sku}`.
    ///
    /// `{sku}` is a SKU (percent-encoded) or, when no variant has it as SKU, a numeric variant id. Every kit
    /// variant it names is answered, in id order.
    @Sendable func kit(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        try feed.requireLoaded(retryAfterSeconds: retryAfterSeconds)
        let parameters = try QueryParameters(request.uri.query, allowed: Self.parameterNames)
        let filter = try ScopeFilter(query: parameters)
        let raw = context.parameters.get("sku") ?? ""
        guard let name = QueryParameters.decodeBytes(raw.utf8, plusIsSpace: false), !name.isEmpty else {
            throw APIProblem.malformed("sku", "the path segment is not valid percent-encoded UTF-8")
        }

        let reader = SnapshotReader(projection: projection, stamps: stamps)
        let kits = try reader.kitVariants(named: name)
        let scope = try reader.resolve(filter)
        let etag = reader.etag
        if etag.isMatched(byIfNoneMatch: request.headers[.ifNoneMatch]) { return .notModified(etag) }
        let answer = KitResponse(
            asOf: reader.asOf(lagMilliseconds: feed.lagMilliseconds),
            items: kits.compactMap { reader.kitExplanation(for: $0, in: scope) }
        )
        return .json(answer, etag: etag, capacity: 1_024 + 2_048 * answer.items.count)
    }
}
