import HTTPTypes
import Hummingbird

/// Reads a request body as one JSON document, within the configured size limit.
enum JSONBody {
    /// Collects and parses the body.
    ///
    /// A `Content-Length` above the limit is refused before reading; a body without one is read until it
    /// passes the limit.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - maxBytes: The largest body accepted.
    /// - Returns: The parsed JSON value.
    /// - Throws: 415 unless the `Content-Type` is JSON (or absent), 413 over the limit, 400 for an empty or
    ///   malformed body.
    static func read(_ request: Request, maxBytes: Int) async throws -> JSONValue {
        try parse(try await collect(request, maxBytes: maxBytes))
    }

    /// Collects the body into one buffer (the request's own buffer, not a copy, when it comes in one piece).
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - maxBytes: The largest body accepted.
    /// - Returns: The body, at least one byte.
    /// - Throws: 415 unless the `Content-Type` is JSON (or absent), 413 over the limit, 400 for an empty body.
    static func collect(_ request: Request, maxBytes: Int) async throws -> ByteBuffer {
        if let contentType = request.headers[.contentType], !isJSON(contentType) {
            throw APIProblem(
                kind: .unsupportedMediaType,
                detail: "the body must be sent as Content-Type: application/json, not '\(contentType)'"
            )
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBytes {
            throw tooLarge(maxBytes)
        }
        var body: ByteBuffer?
        for try await chunk in request.body {
            guard (body?.readableBytes ?? 0) + chunk.readableBytes <= maxBytes else { throw tooLarge(maxBytes) }
            if body == nil {
                body = chunk
            } else {
                body!.writeImmutableBuffer(chunk)
            }
        }
        guard let body, body.readableBytes > 0 else {
            throw APIProblem(kind: .malformedBody, detail: "the body is empty; send a JSON object")
        }
        return body
    }

    /// Parses a collected body.
    ///
    /// - Throws: 400 naming the problem and its byte offset.
    static func parse(_ body: ByteBuffer) throws(APIProblem) -> JSONValue {
        do {
            return try JSONParser.parse(Array(body.readableBytesView))
        } catch {
            throw APIProblem(kind: .malformedBody, detail: "the body is not valid JSON: \(error.message) at byte \(error.offset)")
        }
    }

    /// Whether a `Content-Type` value is `application/json` or a `+json` type, whatever its parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    private static func tooLarge(_ maxBytes: Int) -> APIProblem {
        APIProblem(kind: .bodyTooLarge, detail: "the body is larger than \(maxBytes) bytes; split the request")
    }
}
