import HTTPTypes
import Hummingbird
import StockProjection

/// `GET /v1/availability` and `POST /v1/availability/query`: figures of variants named by SKU, barcode,
/// variant id or template id, over a scope, with an optional breakdown.
struct AvailabilityController<Status: FeedStatusProvider>: Sendable {
    /// The live projection; one snapshot is taken per request.
    let projection: StockProjection
    /// The feed's state (503 while loading, `as_of.lag_ms`).
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
        routes.get("/v1/availability", use: availability)
        routes.post("/v1/availability/query", use: availabilityQuery)
        routes.get("/v1/availability/{sku}/schedule", use: schedule)
        return routes
    }

    /// `GET /v1/availability`: the question in the query string.
    @Sendable func availability(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        try feed.requireLoaded(retryAfterSeconds: retryAfterSeconds)
        let parameters = try QueryParameters(request.uri.query, allowed: ReadYourWrites.availabilityParameters)
        let question = try AvailabilityQuery(query: parameters, limits: limits)
        if parameters.contains(ReadYourWrites.parameter) {
            try await readYourWrites.wait(for: parameters, projection: projection, status: status)
        }
        return try answer(question, lagMilliseconds: feed.lagMilliseconds, ifNoneMatch: request.headers[.ifNoneMatch])
    }

    /// `POST /v1/availability/query`: the same question as a JSON body, for long lists.
    ///
    /// Conditional requests are not evaluated for POST; the answer still carries its `ETag`.
    @Sendable func availabilityQuery(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        try feed.requireLoaded(retryAfterSeconds: retryAfterSeconds)
        let parameters = try QueryParameters(request.uri.query, allowed: ReadYourWrites.queryStringOnly)
        let body = try await JSONBody.collect(request, maxBytes: limits.maxBodyBytes)
        // The usual body is read straight from its bytes; anything else takes the general parser (same answers).
        let question = try AvailabilityQuery.readSimpleBody(body, limits: limits) ?? AvailabilityQuery(json: JSONBody.parse(body), limits: limits)
        if parameters.contains(ReadYourWrites.parameter) {
            try await readYourWrites.wait(for: parameters, projection: projection, status: status)
        }
        return try answer(question, lagMilliseconds: feed.lagMilliseconds, ifNoneMatch: nil)
    }

    /// The query parameters of the schedule.
    static var scheduleParameterNames: Set<String> { ["warehouse", "location", "to_date"] }

    /// `GET /v1/availability/{sku}/schedule`: the available-to-promise schedule of each variant the path names (a SKU,
    /// or a numeric variant id when no variant has it as SKU) over a scope: on hand, then one step per date with
    /// incoming or outgoing open moves.
    @Sendable func schedule(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        try feed.requireLoaded(retryAfterSeconds: retryAfterSeconds)
        let parameters = try QueryParameters(request.uri.query, allowed: Self.scheduleParameterNames)
        let filter = try ScopeFilter(query: parameters)
        var forecast = ForecastRequest()
        if let text = try parameters.single("to_date") { try forecast.setToDate(text, parameter: "to_date") }
        let raw = context.parameters.get("sku") ?? ""
        guard let name = QueryParameters.decodeBytes(raw.utf8, plusIsSpace: false), !name.isEmpty else {
            throw APIProblem.malformed("sku", "the path segment is not valid percent-encoded UTF-8")
        }
        let reader = SnapshotReader(projection: projection, stamps: stamps)
        let variants = try reader.variants(named: name)
        let scope = try reader.resolve(filter)
        let etag = reader.etag
        if etag.isMatched(byIfNoneMatch: request.headers[.ifNoneMatch]) { return .notModified(etag) }
        let items = variants.compactMap { reader.schedule(for: $0, in: scope, toDate: forecast.toDate) }
        let answer = ScheduleResponse(asOf: reader.asOf(lagMilliseconds: feed.lagMilliseconds), items: items)
        return .json(answer, etag: etag, capacity: 512 + items.reduce(0) { $0 + 256 + 160 * $1.steps.count })
    }

    private func answer(_ question: AvailabilityQuery, lagMilliseconds: Int64?, ifNoneMatch: String?) throws(APIProblem) -> Response {
        let reader = SnapshotReader(projection: projection, stamps: stamps)
        let scope = try reader.resolve(question.scope)
        let etag = reader.etag
        if etag.isMatched(byIfNoneMatch: ifNoneMatch) { return .notModified(etag) }
        let answer = AvailabilityAnswer(reader: reader, query: question, scope: scope, asOf: reader.asOf(lagMilliseconds: lagMilliseconds))
        return .json(answer, etag: etag, capacity: answer.capacityHint)
    }
}
