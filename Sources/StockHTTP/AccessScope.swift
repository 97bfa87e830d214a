/// What a bearer token may do.
///
/// `read` opens every `/v1` read endpoint and `/metrics`; `admin` opens the administrative routes (`GET /v1/admin/store-snapshot`)
/// and includes `read`. `/healthz` and `/readyz` never need a token.
public enum AccessScope: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Read availability, location pulls, the change feed, status and metrics.
    case read
    /// Administrative operations (a copy of the store for `stockd clone`); implies ``read``.
    case admin

    public var description: String { rawValue }

    /// Whether a token holding `scopes` may use an endpoint that needs this scope.
    ///
    /// - Parameter scopes: The token's scopes.
    /// - Returns: `true` when the token has this scope, or `admin` when this is `read`.
    public func isGranted(by scopes: Set<AccessScope>) -> Bool {
        scopes.contains(self) || (self == .read && scopes.contains(.admin))
    }
}
