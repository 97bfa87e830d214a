/// Content negotiation between JSON and NDJSON, from an `Accept` header.
enum AcceptHeader {
    /// Whether the client prefers `application/x-ndjson` to `application/json`.
    ///
    /// NDJSON is chosen when it is listed with a non-zero quality at least as high as JSON's (JSON's quality
    /// comes from `application/json`, else `application/*`, else `*/*`).
    static func prefersNDJSON(_ header: String?) -> Bool {
        guard let header, header.contains("ndjson") else { return false }
        var ndjson = 0.0
        var json: Double?
        var wildcard: Double?
        for range in header.split(separator: ",") {
            let parts = range.split(separator: ";")
            guard let type = parts.first?.trimmingWhitespace().lowercased() else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingWhitespace()
                if pair.hasPrefix("q=") || pair.hasPrefix("Q="), let value = Double(pair.dropFirst(2)) { quality = value }
            }
            switch type {
            case MediaTypes.ndjson: ndjson = max(ndjson, quality)
            case MediaTypes.json: json = max(json ?? 0, quality)
            case "application/*", "*/*": wildcard = max(wildcard ?? 0, quality)
            default: break
            }
        }
        return ndjson > 0 && ndjson >= (json ?? wildcard ?? 0)
    }
}
