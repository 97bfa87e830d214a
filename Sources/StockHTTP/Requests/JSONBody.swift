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
        if let contentType = request.headers[.contentType], !isJSON(contentType) {
            throw APIProblem(
                kind: .unsupportedMediaType,
                detail: "the body must be sent as Content-Type: application/json, not '\(contentType)'"
            )
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBytes {
            throw tooLarge(maxBytes)
        }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= maxBytes else { throw tooLarge(maxBytes) }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        guard !bytes.isEmpty else {
            throw APIProblem(kind: .malformedBody, detail: "the body is empty; send a JSON object")
        }
        do {
            return try JSONParser.parse(bytes)
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
