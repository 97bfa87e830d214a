import HTTPTypes
import Hummingbird

/// `GET /metrics`: whatever the composition root's metrics handler renders (Prometheus text format 0.0.4).
struct MetricsController: Sendable {
    /// Renders the metrics.
    let render: @Sendable () -> String

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/metrics", use: metrics)
        return routes
    }

    /// `GET /metrics`.
    @Sendable func metrics(_ request: Request, context: StockRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: MediaTypes.prometheusText],
            body: ResponseBody(byteBuffer: ByteBuffer(string: render()))
        )
    }
}
