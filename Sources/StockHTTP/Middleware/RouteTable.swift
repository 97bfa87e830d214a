import HTTPTypes

/// The API's paths and the methods each declares, for answering 405 with an `Allow` header.
///
/// Hummingbird answers 404 for a known path with an undeclared method; ``MethodNotAllowedMiddleware``
/// consults this table to answer 405 instead. `HEAD` is allowed wherever `GET` is (the router generates it).
struct RouteTable: Sendable {
    /// One path template (`/v1/locations/{location}/stock`) and its methods.
    struct Route: Sendable {
        /// The template, as the router writes it: `{name}` matches one non-empty path segment.
        var template: String
        /// The methods declared on it, in `Allow` order.
        var methods: [HTTPRequest.Method]
        fileprivate var segments: [Substring]

        init(_ template: String, _ methods: [HTTPRequest.Method]) {
            self.template = template
            self.methods = methods.contains(.get) && !methods.contains(.head) ? methods + [.head] : methods
            self.segments = template.split(separator: "/")
        }

        fileprivate func matches(_ path: [Substring]) -> Bool {
            guard path.count == segments.count else { return false }
            for (segment, component) in zip(segments, path) where !(segment.hasPrefix("{") && segment.hasSuffix("}")) {
                if segment != component { return false }
            }
            return true
        }
    }

    /// The routes.
    var routes: [Route]

    /// The route whose template matches a request path, if any.
    func match(path: String) -> Route? {
        let components = path.split(separator: "/")
        return routes.first { $0.matches(components) }
    }
}
