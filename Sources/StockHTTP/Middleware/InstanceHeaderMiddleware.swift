import HTTPTypes
import Hummingbird

/// Adds `Stockd-Instance: <name>` to every response, so a client behind a balancer can tell which instance
/// answered (change-feed cursors are per instance).
struct InstanceHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The header's name.
    static var headerName: HTTPField.Name { HTTPField.Name("Stockd-Instance")! }

    /// The instance's name.
    let name: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.headerName] = name
        return response
    }
}
