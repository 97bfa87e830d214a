import HTTPTypes
import Hummingbird

/// `GET /healthz` (the process is alive) and `GET /readyz` (the store is loaded and the lag within bounds).
/// Neither needs a token.
struct HealthController<Status: FeedStatusProvider>: Sendable {
    /// The feed's state.
    let status: Status
    /// The largest lag at which the server is ready.
    let maxLag: Duration

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/healthz", use: health)
        routes.get("/readyz", use: readiness)
        return routes
    }

    /// `GET /healthz`: always 200 while the process answers.
    @Sendable func health(_ request: Request, context: StockRequestContext) async throws -> Response {
        .json(HealthResponse(status: "ok", includesFeed: false), capacity: 32)
    }

    /// `GET /readyz`: 200 when loaded and within the lag bound, else 503 with the reasons.
    @Sendable func readiness(_ request: Request, context: StockRequestContext) async throws -> Response {
        let feed = status.httpStatus
        let reasons = feed.notReadyReasons(maxLag: maxLag)
        guard reasons.isEmpty else {
            var problem = APIProblem(kind: .notReady, detail: reasons.joined(separator: "; "))
            problem.extensions = [("reasons", .strings(reasons)), ("phase", .string(feed.phase))]
            throw problem
        }
        return .json(HealthResponse(status: "ready", phase: feed.phase, lagMilliseconds: feed.lagMilliseconds, includesFeed: true), capacity: 96)
    }
}
