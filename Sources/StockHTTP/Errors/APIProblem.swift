import HTTPTypes
import Hummingbird

/// Every error the API answers with, rendered as an RFC 9457 problem document (`application/problem+json`).
///
/// The ``Kind`` fixes the HTTP status, the problem `type` URI and its `title`; the `detail` says what was
/// wrong with this request, naming the parameter when there is one. Handlers throw these; the
/// ``RequestObservationMiddleware`` turns them (and anything else thrown) into responses, so no bad input
/// can produce a 500.
struct APIProblem: Error, HTTPResponseError, CustomStringConvertible {
    /// A problem type: its status, `type` URI suffix and title.
    struct Kind: Hashable, Sendable {
        /// The HTTP status.
        let status: HTTPResponse.Status
        /// The last part of the `type` URI (`urn:stockd:problem:<slug>`).
        let slug: String
        /// The problem type's short, fixed human summary.
        let title: String

        /// 400: a parameter or the body is malformed (wrong syntax, type or value set).
        static let malformedParameter = Kind(status: .badRequest, slug: "malformed-parameter", title: "Malformed parameter")
        /// 400: a required parameter is missing.
        static let missingParameter = Kind(status: .badRequest, slug: "missing-parameter", title: "Missing parameter")
        /// 400: a parameter the endpoint does not know.
        static let unknownParameter = Kind(status: .badRequest, slug: "unknown-parameter", title: "Unknown parameter")
        /// 400: the request body is not the JSON document the endpoint expects.
        static let malformedBody = Kind(status: .badRequest, slug: "malformed-body", title: "Malformed request body")
        /// 401: no valid bearer token.
        static let unauthorized = Kind(status: .unauthorized, slug: "unauthorized", title: "Authentication required")
        /// 403: the token lacks the scope the endpoint needs.
        static let forbidden = Kind(status: .forbidden, slug: "forbidden", title: "Insufficient scope")
        /// 404: no such route.
        static let notFound = Kind(status: .notFound, slug: "not-found", title: "Not found")
        /// 404: a location named in the path or a filter does not exist.
        static let unknownLocation = Kind(status: .notFound, slug: "unknown-location", title: "Unknown location")
        /// 404: a warehouse named in the path or a filter does not exist.
        static let unknownWarehouse = Kind(status: .notFound, slug: "unknown-warehouse", title: "Unknown warehouse")
        /// 404: no variant has the SKU or id named in the path.
        static let unknownProduct = Kind(status: .notFound, slug: "unknown-product", title: "Unknown product")
        /// 405: the path exists, the method does not.
        static let methodNotAllowed = Kind(status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed")
        /// 410: the change-feed cursor is no longer served; do a full pull.
        static let cursorExpired = Kind(status: .gone, slug: "cursor-expired", title: "Cursor expired")
        /// 413: the body is larger than the configured limit.
        static let bodyTooLarge = Kind(status: .contentTooLarge, slug: "body-too-large", title: "Request body too large")
        /// 415: the body is not sent as JSON.
        static let unsupportedMediaType = Kind(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type")
        /// 422: well-formed, but more identifiers or filters than the configured limit.
        static let tooManyIdentifiers = Kind(status: .unprocessableContent, slug: "too-many-identifiers", title: "Too many identifiers")
        /// 422: `to_date` names a date in the past (past on-hand would need done moves, which stockd does not mirror).
        static let dateInPast = Kind(status: .unprocessableContent, slug: "date-in-past", title: "Date in the past")
        /// 422: `to_date` has the right shape but names a day the calendar lacks (2100-02-30).
        static let impossibleDate = Kind(status: .unprocessableContent, slug: "impossible-date", title: "Impossible date")
        /// 422: the variant named is not a kit (no active phantom BoM matches it).
        static let notAKit = Kind(status: .notFound, slug: "not-a-kit", title: "Not a kit")
        /// 422: a cart line's SKU is shared by several variants; name the variant by `variant_id`.
        static let ambiguousSKU = Kind(status: .unprocessableContent, slug: "ambiguous-sku", title: "Ambiguous SKU")
        /// 500: a bug in stockd (never caused by input).
        static let internalError = Kind(status: .internalServerError, slug: "internal-error", title: "Internal error")
        /// 503: the store is still loading.
        static let storeLoading = Kind(status: .serviceUnavailable, slug: "store-loading", title: "Store loading")
        /// 503: the response did not start within the request deadline (the connection is then closed).
        static let requestTimeout = Kind(status: .serviceUnavailable, slug: "request-timeout", title: "Request timed out")
        /// 503: a read's `min_lsn` was not reached within `http.min_lsn_max_wait_ms`.
        static let lsnNotReached = Kind(status: .serviceUnavailable, slug: "lsn-not-reached", title: "Position not reached")
        /// 503: no copy of the store can be made now (`GET /v1/admin/store-snapshot` before the first snapshot).
        static let storeSnapshotUnavailable = Kind(
            status: .serviceUnavailable, slug: "store-snapshot-unavailable", title: "Store copy unavailable")
        /// 503: the readiness probe fails.
        static let notReady = Kind(status: .serviceUnavailable, slug: "not-ready", title: "Not ready")

        /// The problem `type` URI.
        var typeURI: String { "urn:stockd:problem:" + slug }
    }

    /// The problem type.
    var kind: Kind
    /// What was wrong with this request.
    var detail: String
    /// The offending query parameter or body member, if any (the `parameter` extension member).
    var parameter: String?
    /// Extra headers for the response (`WWW-Authenticate`, `Allow`, `Retry-After`).
    var headers: HTTPFields = [:]
    /// Extra members of the problem document, written after the standard ones.
    var extensions: [(key: StaticString, value: ExtensionValue)] = []

    /// A value of an extension member.
    enum ExtensionValue {
        /// A string.
        case string(String)
        /// An integer.
        case integer(Int64)
        /// An array of strings.
        case strings([String])
    }

    /// The HTTP status.
    var status: HTTPResponse.Status { kind.status }

    var description: String { "\(kind.status.code) \(kind.title): \(detail)" }

    /// A malformed parameter (400), naming it.
    static func malformed(_ parameter: String, _ detail: String) -> APIProblem {
        APIProblem(kind: .malformedParameter, detail: "\(parameter): \(detail)", parameter: parameter)
    }

    /// A problem without a parameter.
    init(kind: Kind, detail: String, parameter: String? = nil, headers: HTTPFields = [:]) {
        self.kind = kind
        self.detail = detail
        self.parameter = parameter
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse(includeBody: request.method != .head)
    }

    /// The problem as a response.
    func makeResponse(includeBody: Bool = true) -> Response {
        var headers = self.headers
        headers[.contentType] = MediaTypes.problemJSON
        guard includeBody else { return Response(status: kind.status, headers: headers) }
        return Response(status: kind.status, headers: headers, body: ResponseBody(byteBuffer: document))
    }

    /// The problem document, as JSON.
    var document: ByteBuffer {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("type")
        json.string(kind.typeURI)
        json.key("title")
        json.string(kind.title)
        json.key("status")
        json.integer(Int(kind.status.code))
        json.key("detail")
        json.string(detail)
        if let parameter {
            json.key("parameter")
            json.string(parameter)
        }
        for (key, value) in extensions {
            json.key(key)
            switch value {
            case .string(let text): json.string(text)
            case .integer(let number): json.integer(number)
            case .strings(let texts):
                json.beginArray()
                for text in texts { json.string(text) }
                json.endArray()
            }
        }
        json.endObject()
        return json.buffer
    }
}
