/// The 200 answer of `GET /healthz` and `GET /readyz`.
struct HealthResponse: JSONWritable {
    /// `ok` (alive) or `ready`.
    var status: StaticString
    /// The feed's phase, for `/readyz`.
    var phase: String?
    /// The feed's lag in milliseconds, for `/readyz`.
    var lagMilliseconds: Int64?
    /// Whether to write `phase` and `lag_ms`.
    var includesFeed: Bool

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("status")
        json.string(status.description)
        if includesFeed {
            json.key("phase")
            json.string(phase)
            json.key("lag_ms")
            json.integer(lagMilliseconds)
        }
        json.endObject()
    }
}
