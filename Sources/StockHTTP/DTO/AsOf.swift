/// `as_of`: which commit of the source an answer reflects.
///
/// Every figure in one answer comes from the same snapshot, so from the same source commit.
struct AsOf: JSONWritable {
    /// The snapshot's checkpoint as a PostgreSQL LSN (`0/16B3748`), `nil` for an empty store.
    var lsn: String?
    /// The source commit time of that checkpoint as ISO 8601 text, when known.
    var commitTime: String?
    /// The feed's lag in milliseconds, when known.
    var lagMilliseconds: Int64?
    /// The change-feed cursor that follows this snapshot: `GET /v1/changes?since=` it to follow on.
    var changeCursor: UInt64

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("lsn")
        json.string(lsn)
        json.key("commit_time")
        json.string(commitTime)
        json.key("lag_ms")
        json.integer(lagMilliseconds)
        json.key("change_cursor")
        json.integerString(changeCursor)
        json.endObject()
    }
}
