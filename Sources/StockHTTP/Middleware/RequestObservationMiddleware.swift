import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: turns every error into a response, writes one structured log line per
/// request and records its count and latency.
///
/// Errors become RFC 9457 problem documents: ``APIProblem`` as it is, Hummingbird's `HTTPError` by its
/// status, anything else (a bug) as a 500 logged at error level. The log line carries the method, the
/// route template, the path (never the query string or headers, so never a token), the status and the
/// duration.
struct RequestObservationMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where counts and latencies go.
    let metrics: RequestMetrics
    /// The level of the per-request log line.
    let logLevel: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as APIProblem {
            response = problem.makeResponse(includeBody: request.method != .head)
        } catch let error as HTTPError {
            response = Self.problem(for: error).makeResponse(includeBody: request.method != .head)
        } catch {
            context.logger.error(
                "unhandled error",
                metadata: ["error.type": .string(String(reflecting: type(of: error))), "error.message": .string("\(error)")]
            )
            response = APIProblem(kind: .internalError, detail: "an internal error occurred; it has been logged")
                .makeResponse(includeBody: request.method != .head)
        }
        let duration = ContinuousClock.now - start
        let route = Self.routeLabel(context.endpointPath)
        metrics.record(route: route, method: request.method.rawValue, status: Int(response.status.code), duration: duration)
        if context.logger.logLevel <= logLevel {
            let (seconds, attoseconds) = duration.components
            let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
            context.logger.log(
                level: logLevel,
                "request",
                metadata: [
                    "http.request.method": .string(request.method.rawValue),
                    "http.route": .string(route),
                    "url.path": .string(request.uri.path),
                    "http.response.status_code": .stringConvertible(response.status.code),
                    "http.server.request.duration_us": .stringConvertible(micros),
                ]
            )
        }
        return response
    }

    /// The metrics and log label of a route: its template, or `unmatched` for paths with no route.
    static func routeLabel(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath != "NotFound" else { return "unmatched" }
        return endpointPath
    }

    /// A problem document for an error Hummingbird itself threw.
    static func problem(for error: HTTPError) -> APIProblem {
        let detail = error.body ?? error.status.reasonPhrase
        switch error.status {
        case .notFound: return APIProblem(kind: .notFound, detail: detail)
        case .contentTooLarge: return APIProblem(kind: .bodyTooLarge, detail: detail)
        case .methodNotAllowed: return APIProblem(kind: .methodNotAllowed, detail: detail)
        case .unauthorized: return APIProblem(kind: .unauthorized, detail: detail, headers: [.wwwAuthenticate: "Bearer realm=\"stockd\""])
        case .forbidden: return APIProblem(kind: .forbidden, detail: detail)
        default:
            let kind = APIProblem.Kind(status: error.status, slug: "http-\(error.status.code)", title: error.status.reasonPhrase)
            return APIProblem(kind: kind, detail: detail)
        }
    }
}
