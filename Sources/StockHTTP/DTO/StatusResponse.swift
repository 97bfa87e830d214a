import StockProjection

/// The answer of `GET /v1/status`: the snapshot served, the feed behind it, and what the store holds.
struct StatusResponse: JSONWritable {
    /// The snapshot's checkpoint LSN, `nil` for an empty store.
    var lsn: String?
    /// The snapshot's source commit time.
    var commitTimeMicros: Int64?
    /// The change-feed cursor following the snapshot.
    var changeCursor: UInt64
    /// The feed's state.
    var feed: FeedHTTPStatus
    /// Record counts of the snapshot.
    var counts: ProjectionCounts

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("snapshot")
        json.beginObject()
        json.key("lsn")
        json.string(lsn)
        json.key("commit_time")
        json.string(commitTimeMicros.map(ISO8601Timestamp.string(fromMicroseconds:)))
        json.key("change_cursor")
        json.string(String(changeCursor))
        json.endObject()

        json.key("feed")
        json.beginObject()
        json.key("phase")
        json.string(feed.phase)
        json.key("loaded")
        json.bool(feed.isLoaded)
        json.key("applied_lsn")
        json.string(feed.appliedLSN)
        json.key("last_commit_time")
        json.string(feed.lastCommitTimeMicros.map(ISO8601Timestamp.string(fromMicroseconds:)))
        json.key("lag_ms")
        json.integer(feed.lagMilliseconds)
        json.key("lag_bytes")
        json.integer(feed.lagBytes)
        json.key("slot_state")
        json.string(feed.slotState)
        json.key("transactions")
        json.integer(feed.transactions)
        json.key("unexpected_rows")
        json.integer(feed.unexpectedRows)
        json.key("last_error")
        json.string(feed.lastError)
        json.endObject()

        json.key("counts")
        json.beginObject()
        json.key("variants")
        json.integer(counts.variants)
        json.key("templates")
        json.integer(counts.templates)
        json.key("locations")
        json.integer(counts.locations)
        json.key("warehouses")
        json.integer(counts.warehouses)
        json.key("units")
        json.integer(counts.units)
        json.key("quants")
        json.integer(counts.quants)
        json.endObject()
        json.endObject()
    }
}
