/// The media types the API writes, as `Content-Type` header values.
enum MediaTypes {
    /// JSON responses.
    static let json = "application/json"
    /// RFC 9457 problem documents.
    static let problemJSON = "application/problem+json"
    /// Newline-delimited JSON (one item per line) for streamed location pulls.
    static let ndjson = "application/x-ndjson"
    /// The status page.
    static let html = "text/html; charset=utf-8"
    /// Server-Sent Events (`GET /v1/events`).
    static let eventStream = "text/event-stream"
    /// Opaque bytes: a copy of the store (`GET /v1/admin/store-snapshot`).
    static let octetStream = "application/octet-stream"
    /// Prometheus text exposition format 0.0.4.
    static let prometheusText = "text/plain; version=0.0.4; charset=utf-8"
}
