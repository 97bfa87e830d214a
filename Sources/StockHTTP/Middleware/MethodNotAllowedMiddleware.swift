import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a known path with an undeclared method into a 405 with an `Allow` header,
/// and the 404 for an unknown path into a problem document.
///
/// It must be added to the router before any route so that it also wraps the router's not-found responder.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The declared paths and methods.
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            guard let route = routes.match(path: path), !route.methods.contains(request.method) else {
                throw APIProblem(kind: .notFound, detail: "no route for \(request.method.rawValue) \(path)")
            }
            context.coreContext.endpointPath.value = route.template
            let allowed = route.methods.map(\.rawValue).joined(separator: ", ")
            throw APIProblem(
                kind: .methodNotAllowed,
                detail: "\(request.method.rawValue) is not allowed on \(route.template); allowed: \(allowed)",
                headers: [.allow: allowed]
            )
        }
    }
}
