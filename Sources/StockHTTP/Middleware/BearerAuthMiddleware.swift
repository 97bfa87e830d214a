import HTTPTypes
import Hummingbird

/// Requires an `Authorization: Bearer <token>` header whose token grants a scope.
///
/// Missing or unknown tokens get 401 with `WWW-Authenticate: Bearer` (RFC 6750); a known token without
/// the scope gets 403. Tokens are compared in constant time and never logged or echoed.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The configured tokens.
    let tokens: TokenTable
    /// The scope the routes behind this middleware need.
    let required: AccessScope

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("this endpoint needs a bearer token (Authorization: Bearer <token>)", error: nil)
        }
        let utf8 = header.utf8
        guard utf8.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw Self.unauthorized("the Authorization header must use the Bearer scheme", error: "invalid_request")
        }
        let token = header.dropFirst(7).trimmingWhitespace()
        guard let scopes = tokens.scopes(for: token) else {
            throw Self.unauthorized("the bearer token is not valid", error: "invalid_token")
        }
        guard required.isGranted(by: scopes) else {
            throw APIProblem(
                kind: .forbidden,
                detail: "the token lacks the '\(required)' scope this endpoint needs",
                headers: [.wwwAuthenticate: "Bearer realm=\"stockd\", error=\"insufficient_scope\", scope=\"\(required)\""]
            )
        }
        return try await next(request, context)
    }

    private static func unauthorized(_ detail: String, error: String?) -> APIProblem {
        let challenge = error.map { "Bearer realm=\"stockd\", error=\"\($0)\"" } ?? "Bearer realm=\"stockd\""
        return APIProblem(kind: .unauthorized, detail: detail, headers: [.wwwAuthenticate: challenge])
    }
}
