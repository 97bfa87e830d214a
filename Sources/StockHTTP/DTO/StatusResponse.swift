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
    /// Throughput, history, recent errors and store size.
    var details: FeedStatusDetails
    /// Record counts of the snapshot.
    var counts: ProjectionCounts
    /// The instance's name (`instance.name`), `null` for an unnamed instance.
    var instance: String? = nil

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("instance")
        json.string(instance)
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
        json.key("row_changes")
        json.integer(details.rowChanges)
        json.key("transactions_per_second")
        Self.rate(details.transactionsPerSecond, to: &json)
        json.key("row_changes_per_second")
        Self.rate(details.rowChangesPerSecond, to: &json)
        json.key("store_bytes")
        json.integer(details.storeBytes)
        json.key("history")
        json.beginArray()
        for point in details.history {
            json.beginObject()
            json.key("time")
            json.string(ISO8601Timestamp.string(fromMicroseconds: point.timeMicros))
            json.key("lag_ms")
            json.integer(point.lagMilliseconds)
            json.key("lag_bytes")
            json.integer(point.lagBytes)
            json.key("transactions_per_second")
            Self.rate(point.transactionsPerSecond, to: &json)
            json.key("row_changes_per_second")
            Self.rate(point.rowChangesPerSecond, to: &json)
            json.endObject()
        }
        json.endArray()
        json.key("recent_errors")
        json.beginArray()
        for error in details.recentErrors {
            json.beginObject()
            json.key("time")
            json.string(ISO8601Timestamp.string(fromMicroseconds: error.timeMicros))
            json.key("kind")
            json.string(error.kind)
            json.key("message")
            json.string(error.message)
            json.key("count")
            json.integer(error.count)
            json.endObject()
        }
        json.endArray()
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
        json.key("kits")
        json.integer(counts.kits)
        json.key("boms")
        json.integer(counts.boms)
        json.endObject()
        json.endObject()
    }

    /// Writes a rate with one decimal place (`null` when unknown, never negative or non-finite).
    static func rate(_ value: Double?, to json: inout JSONWriter) {
        guard let value else { return json.null() }
        let tenths = value.isFinite ? max(0, (value * 10).rounded()) : 0
        json.quantity(Quantity(rawValue: Int64(min(tenths, 1e12)) * (Quantity.scale / 10)))
    }
}
