import HTTPTypes
import Hummingbird
import StockProjection

/// `GET /v1/locations/{location}/stock`: every variant with a non-zero figure in a location's subtree or a
/// warehouse, in variant-id order, paginated, or streamed whole as NDJSON.
struct LocationStockController<Status: FeedStatusProvider>: Sendable {
    /// The live projection; one snapshot is taken per request (a stream reads the same snapshot throughout).
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

    /// How many items a streamed response writes per chunk.
    static var streamChunkSize: Int { 1_000 }

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/v1/locations/{location}/stock", use: stock)
        return routes
    }

    /// `GET /v1/locations/{location}/stock`.
    ///
    /// `{location}` is a location id, a complete name (percent-encoded: `WH%2FStock`) or a warehouse code.
    /// With `Accept: application/x-ndjson` the whole scope is streamed from `cursor` on, one item per line.
    @Sendable func stock(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        try feed.requireLoaded(retryAfterSeconds: retryAfterSeconds)
        let parameters = try QueryParameters(request.uri.query, allowed: ReadYourWrites.locationStockParameters)
        let page = try PageRequest(query: parameters, limits: limits)
        let name = try Self.pathLocation(context)
        if parameters.contains(ReadYourWrites.parameter) {
            try await readYourWrites.wait(for: parameters, projection: projection, status: status)
        }
        let streaming = AcceptHeader.prefersNDJSON(request.headers[.accept])

        let reader = SnapshotReader(projection: projection, stamps: stamps)
        let (scope, description) = try reader.resolvePath(location: name)
        let etag = streaming ? EntityTag(snapshot: reader.snapshot, suffix: "-ndjson") : reader.etag
        if etag.isMatched(byIfNoneMatch: request.headers[.ifNoneMatch]) {
            var response = Response.notModified(etag)
            response.headers[.vary] = "Accept"
            return response
        }
        let asOf = reader.asOf(lagMilliseconds: feed.lagMilliseconds)

        if streaming {
            return Self.stream(reader: reader, scope: scope, start: page.start, asOf: asOf, etag: etag)
        }
        let (items, next) = reader.stockPage(in: scope, start: page.start, limit: page.limit)
        let body = LocationStockPage(asOf: asOf, scope: description, items: items, nextCursor: next.map { String($0.rawValue) })
        var response = Response.json(body, etag: etag, capacity: 512 + 256 * items.count)
        response.headers[.vary] = "Accept"
        return response
    }

    /// The decoded `{location}` path segment.
    ///
    /// - Throws: 400 when it is not valid percent-encoded UTF-8.
    static func pathLocation(_ context: StockRequestContext) throws(APIProblem) -> String {
        let raw = context.parameters.get("location") ?? ""
        guard let name = QueryParameters.decodeBytes(raw.utf8, plusIsSpace: false), !name.isEmpty else {
            throw APIProblem.malformed("location", "the path segment is not valid percent-encoded UTF-8")
        }
        return name
    }

    /// Streams every item of the scope as NDJSON, in chunks, all from one snapshot.
    ///
    /// The snapshot's `as_of` goes in headers (`Stockd-Lsn`, `Stockd-Change-Cursor`), since every line is an item.
    static func stream(reader: SnapshotReader, scope: ResolvedScope, start: PageRequest.Start, asOf: AsOf, etag: EntityTag) -> Response {
        var headers: HTTPFields = [.contentType: MediaTypes.ndjson, .eTag: etag.value, .cacheControl: "no-cache", .vary: "Accept"]
        headers[HTTPField.Name("Stockd-Change-Cursor")!] = String(asOf.changeCursor)
        if let lsn = asOf.lsn { headers[HTTPField.Name("Stockd-Lsn")!] = lsn }
        let body = ResponseBody { writer in
            var start = start
            while true {
                let (items, next) = reader.stockPage(in: scope, start: start, limit: streamChunkSize)
                var json = JSONWriter(capacity: 256 * max(1, items.count))
                for item in items {
                    json.value(item)
                    json.newline()
                }
                if !json.isEmpty { try await writer.write(json.buffer) }
                guard let next else { break }
                start = .after(next)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
