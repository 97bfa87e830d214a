/// One page of `GET /v1/changes`.
struct ChangeFeedPage: JSONWritable {
    /// The snapshot the figures were read from.
    var asOf: AsOf
    /// Changed (variant, location) entries, oldest change first, each once.
    var items: [ChangeEntry]
    /// The `since` for the next request (equal to `since` when nothing changed).
    var nextCursor: UInt64
    /// Whether more changes follow `next_cursor` already (ask again at once).
    var hasMore: Bool

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("as_of")
        json.value(asOf)
        json.key("items")
        json.beginArray()
        for item in items { json.value(item) }
        json.endArray()
        json.key("next_cursor")
        json.string(String(nextCursor))
        json.key("has_more")
        json.bool(hasMore)
        json.endObject()
    }
}
