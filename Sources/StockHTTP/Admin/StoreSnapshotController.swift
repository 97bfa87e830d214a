import HTTPTypes
import Hummingbird
import StockProjection

/// `GET /v1/admin/store-snapshot` (`admin` scope): a consistent copy of this instance's LMDB store, for
/// `stockd clone` to start a new instance from.
///
/// The copy is written to a temporary file first (LMDB's copy of one read transaction; the feed keeps writing
/// meanwhile), checksummed, then streamed from disk in chunks and removed; the store is never held in memory.
/// The headers carry what the client verifies: `Content-Length`, `Stockd-Store-SHA256`, and the copy's
/// `Stockd-Store-Checkpoint` and `Stockd-Store-Covered` LSNs, plus `Stockd-Store-Format`.
///
/// With `min_lsn` (the client's new slot's consistent point) it first waits, as reads do, until this instance has
/// reached that position, so the copy covers it; `503 lsn-not-reached` when it does not within the bound.
struct StoreSnapshotController<Provider: StoreSnapshotProvider, Status: FeedStatusProvider>: Sendable {
    /// Makes the copies.
    let provider: Provider
    /// The live projection (for the position reached).
    let projection: StockProjection
    /// The feed's state (for the position reached).
    let status: Status
    /// The `min_lsn` wait.
    let readYourWrites: ReadYourWrites

    /// The header naming the SHA-256 of the body.
    static var sha256Header: HTTPField.Name { HTTPField.Name("Stockd-Store-SHA256")! }
    /// The header naming the copy's checkpoint LSN.
    static var checkpointHeader: HTTPField.Name { HTTPField.Name("Stockd-Store-Checkpoint")! }
    /// The header naming the highest LSN the copy covers.
    static var coveredHeader: HTTPField.Name { HTTPField.Name("Stockd-Store-Covered")! }
    /// The header naming the store format version.
    static var formatHeader: HTTPField.Name { HTTPField.Name("Stockd-Store-Format")! }

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/v1/admin/store-snapshot", use: snapshot)
        return routes
    }

    /// `GET /v1/admin/store-snapshot`.
    @Sendable func snapshot(_ request: Request, context: StockRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query, allowed: [ReadYourWrites.parameter])
        try await readYourWrites.wait(for: parameters, projection: projection, status: status)
        let file: StoreSnapshotFile
        do {
            file = try await provider.makeStoreSnapshot()
        } catch {
            throw APIProblem(
                kind: .storeSnapshotUnavailable, detail: "no copy of the store can be made now: \(error)", headers: [.retryAfter: "5"])
        }
        let headers: HTTPFields = [
            .contentType: MediaTypes.octetStream,
            .contentLength: String(file.byteCount),
            .cacheControl: "no-store",
            Self.sha256Header: file.sha256,
            Self.checkpointHeader: file.checkpoint.description,
            Self.coveredHeader: file.covered.description,
            Self.formatHeader: String(file.formatVersion),
        ]
        if request.method == .head {
            provider.discard(file)
            return Response(status: .ok, headers: headers)
        }
        let body: ResponseBody
        do {
            body = try await FileIO().loadFile(path: file.path, context: context)
        } catch {
            provider.discard(file)
            throw error
        }
        let provider = self.provider
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: file.byteCount) { writer in
                defer { provider.discard(file) }
                try await body.write(writer)
            })
    }
}
