import CivilTime

/// A PostgreSQL `timestamptz` as it travels in the replication protocol: microseconds since 2000-01-01 00:00:00 UTC.
///
/// XLogData and keepalive send times, the standby status update's client time and the commit timestamps of pgoutput's
/// Begin and Commit are all this 64-bit count (see "Streaming Replication Protocol",
/// <https://www.postgresql.org/docs/current/protocol-replication.html>). ``unixMicroseconds`` converts to the Unix
/// epoch, which is 946,684,800,000,000 µs earlier. PostgreSQL's `infinity` and `-infinity` are `Int64.max` and
/// `Int64.min`; they stay put under conversion.
public struct PostgresTimestamp: RawRepresentable, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Microseconds since 2000-01-01 00:00:00 UTC.
    public var rawValue: Int64

    /// Microseconds from the Unix epoch (1970-01-01) to PostgreSQL's (2000-01-01): 946,684,800,000,000.
    public static let unixEpochOffsetMicroseconds: Int64 = 946_684_800_000_000

    /// PostgreSQL's epoch, 2000-01-01 00:00:00 UTC.
    public static let postgresEpoch = PostgresTimestamp(rawValue: 0)

    /// PostgreSQL's `infinity` (`DT_NOEND`).
    public static let infinity = PostgresTimestamp(rawValue: .max)

    /// PostgreSQL's `-infinity` (`DT_NOBEGIN`).
    public static let negativeInfinity = PostgresTimestamp(rawValue: .min)

    /// Creates a timestamp from microseconds since 2000-01-01 00:00:00 UTC.
    ///
    /// - Parameters:
    ///   - rawValue: Microseconds since PostgreSQL's epoch, as on the wire.
    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// Creates a timestamp from microseconds since the Unix epoch.
    ///
    /// The result saturates at ``negativeInfinity`` rather than overflow; `Int64.max` (infinity) stays infinity.
    ///
    /// - Parameters:
    ///   - unixMicroseconds: Microseconds since 1970-01-01 00:00:00 UTC.
    public init(unixMicroseconds: Int64) {
        if unixMicroseconds == .max {
            self.rawValue = .max
            return
        }
        let (value, overflow) = unixMicroseconds.subtractingReportingOverflow(Self.unixEpochOffsetMicroseconds)
        self.rawValue = overflow ? .min : value
    }

    /// Microseconds since the Unix epoch, 1970-01-01 00:00:00 UTC.
    ///
    /// The result saturates at `Int64.max` rather than overflow; `Int64.min` (-infinity) stays `Int64.min`.
    public var unixMicroseconds: Int64 {
        if rawValue == .min { return .min }
        let (value, overflow) = rawValue.addingReportingOverflow(Self.unixEpochOffsetMicroseconds)
        return overflow ? .max : value
    }

    /// The timestamp in ISO 8601 form with microseconds, in UTC (`2026-11-23T11:38:00.123456Z`), or `infinity` /
    /// `-infinity`.
    public var description: String {
        if rawValue == .max { return "infinity" }
        if rawValue == .min { return "-infinity" }
        return UTCDateTime(microseconds: rawValue, since: Self.postgresEpochDate).iso8601(fractionDigits: 6)
    }

    /// Orders timestamps chronologically.
    ///
    /// - Parameters:
    ///   - lhs: A timestamp.
    ///   - rhs: Another timestamp.
    /// - Returns: Whether `lhs` is earlier than `rhs`.
    public static func < (lhs: PostgresTimestamp, rhs: PostgresTimestamp) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// The day PostgreSQL counts from, 2000-01-01.
    private static let postgresEpochDate = CivilDate(year: 2000, month: 1, day: 1)
}
