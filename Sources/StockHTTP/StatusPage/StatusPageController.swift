import HTTPTypes
import Hummingbird

/// `GET /`: the operators' status page (``StatusPageHTML``). Never needs a token: the document holds no data,
/// and the figures it shows come from `/v1/status` and `/v1/availability`, which do when tokens are configured.
struct StatusPageController: Sendable {
    /// The document's bytes, encoded once.
    private let body: ByteBuffer = ByteBuffer(string: StatusPageHTML.document)

    /// The `Content-Security-Policy` of the page: its own inline script and style, requests to this origin only,
    /// no external asset of any kind, no framing.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// `Referrer-Policy` (not among swift-http-types' named fields).
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/", use: show)
        return routes
    }

    /// `GET /`.
    @Sendable func show(_ request: Request, context: StockRequestContext) async throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        var headers: HTTPFields = [
            .contentType: MediaTypes.html,
            .cacheControl: "no-cache",
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
        ]
        headers[Self.referrerPolicy] = "no-referrer"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}
