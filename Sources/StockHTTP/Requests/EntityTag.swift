import StockProjection

/// The `ETag` of an answer: the identity of the snapshot it was read from.
///
/// It is the snapshot's checkpoint (the source LSN), its change cursor, and a fingerprint of the
/// settings that shape the figures (quarantine rules, safety stock), so it changes whenever any of
/// them does and a `304` never hides a change. The settings fingerprint uses the process's hash seed:
/// after a restart a client may get one `200` it could have been spared, never a wrong `304`.
struct EntityTag: Equatable {
    /// The header value, quoted: `"16B3748-42-9f3c…"`.
    let value: String

    /// The tag of a snapshot, for one representation (`suffix` tells NDJSON from JSON apart).
    init(snapshot: ProjectionSnapshot, suffix: String = "") {
        let position = snapshot.checkpoint?.position ?? 0
        let settings = UInt64(bitPattern: Int64(snapshot.settings.hashValue))
        value =
            "\"" + String(position, radix: 16, uppercase: true) + "-" + String(snapshot.changeCursor) + "-"
            + String(settings, radix: 16) + suffix + "\""
    }

    /// Whether an `If-None-Match` header value matches this tag (weak comparison, RFC 9110 §13.1.2).
    ///
    /// - Parameter header: The header value: `*` or a comma-separated list of entity tags, or `nil`.
    /// - Returns: `true` when the client's copy is current and a `304` is due.
    func isMatched(byIfNoneMatch header: String?) -> Bool {
        guard let header else { return false }
        let opaque = value
        for candidate in header.split(separator: ",") {
            var tag = candidate.trimmingWhitespace()
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == opaque { return true }
        }
        return false
    }
}
