import CivilTime

/// Formats microseconds since 1970-01-01 UTC as ISO 8601 text with millisecond precision:
/// `2026-11-23T09:00:00.123Z`.
///
/// Written without Foundation so the hot path stays allocation-light; the calendar arithmetic is
/// `CivilTime`'s (Howard Hinnant's days-to-civil algorithm), valid for every date the proleptic
/// Gregorian calendar covers.
enum ISO8601Timestamp {
    /// The ISO 8601 text of a timestamp, truncated (not rounded) to milliseconds.
    ///
    /// - Parameter micros: Microseconds since 1970-01-01T00:00:00Z (negative before 1970).
    /// - Returns: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func string(fromMicroseconds micros: Int64) -> String {
        UTCDateTime(microseconds: micros).iso8601(fractionDigits: 3)
    }
}
