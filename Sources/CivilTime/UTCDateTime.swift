/// An instant in UTC split into its calendar date, time of day and microseconds, and written as ISO 8601 text.
///
/// The one place stockd turns a microsecond count into a date: PostgreSQL timestamps (microseconds since
/// 2000-01-01), commit times and the HTTP API's timestamps (microseconds since 1970-01-01) all go through it.
public struct UTCDateTime: Hashable, Sendable {
    /// The calendar day.
    public var date: CivilDate
    /// Seconds since midnight, 0 to 86,399 (no leap seconds, as in Unix and PostgreSQL time).
    public var secondOfDay: Int64
    /// Microseconds into the second, 0 to 999,999.
    public var microsecond: Int64

    private static let microsecondsPerDay: Int64 = 86_400_000_000

    /// Splits a count of microseconds since the midnight that starts `epoch`.
    ///
    /// Negative counts are instants before the epoch; the split floors, so the time of day is never negative.
    ///
    /// - Parameters:
    ///   - microseconds: Microseconds since `epoch`, 00:00:00 UTC.
    ///   - epoch: The day the count starts from: ``CivilDate/unixEpoch`` for Unix time, 2000-01-01 for
    ///     PostgreSQL's.
    /// - Complexity: O(1), integer arithmetic only.
    public init(microseconds: Int64, since epoch: CivilDate = .unixEpoch) {
        var days = microseconds / Self.microsecondsPerDay
        var remainder = microseconds % Self.microsecondsPerDay
        if remainder < 0 {
            days -= 1
            remainder += Self.microsecondsPerDay
        }
        date = CivilDate(daysSinceUnixEpoch: days + epoch.daysSinceUnixEpoch)
        secondOfDay = remainder / 1_000_000
        microsecond = remainder % 1_000_000
    }

    /// ISO 8601 text in UTC, `YYYY-MM-DDTHH:MM:SS.fffZ`, with the fraction truncated (not rounded) to
    /// `fractionDigits` digits.
    ///
    /// - Parameters:
    ///   - fractionDigits: Digits after the decimal point, 0 (no point) to 6: 3 for milliseconds, 6 for
    ///     microseconds.
    /// - Returns: For example `2026-11-23T09:00:00.123Z`.
    public func iso8601(fractionDigits: Int) -> String {
        precondition((0...6).contains(fractionDigits), "fractionDigits must be 0 to 6")
        var text = date.description
        text.reserveCapacity(text.utf8.count + 10 + fractionDigits)
        text += "T"
        ISO8601Digits.append(secondOfDay / 3_600, width: 2, to: &text)
        text += ":"
        ISO8601Digits.append(secondOfDay / 60 % 60, width: 2, to: &text)
        text += ":"
        ISO8601Digits.append(secondOfDay % 60, width: 2, to: &text)
        if fractionDigits > 0 {
            var divisor: Int64 = 1
            for _ in fractionDigits..<6 { divisor *= 10 }
            text += "."
            ISO8601Digits.append(microsecond / divisor, width: fractionDigits, to: &text)
        }
        return text + "Z"
    }
}
