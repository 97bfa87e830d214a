/// Formats microseconds since 1970-01-01 UTC as ISO 8601 text with millisecond precision:
/// `2026-11-23T09:00:00.123Z`.
///
/// Written without Foundation so the hot path stays allocation-light; uses Howard Hinnant's
/// days-to-civil algorithm, valid for every date the proleptic Gregorian calendar covers.
enum ISO8601Timestamp {
    /// The ISO 8601 text of a timestamp, truncated (not rounded) to milliseconds.
    ///
    /// - Parameter micros: Microseconds since 1970-01-01T00:00:00Z (negative before 1970).
    /// - Returns: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func string(fromMicroseconds micros: Int64) -> String {
        let (seconds, remainder) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        var wholeSeconds = seconds
        var subsecond = remainder
        if subsecond < 0 {
            subsecond += 1_000_000
            wholeSeconds -= 1
        }
        var days = wholeSeconds / 86_400
        var secondOfDay = wholeSeconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let hour = secondOfDay / 3_600
        let minute = secondOfDay % 3_600 / 60
        let second = secondOfDay % 60
        let millis = subsecond / 1_000
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":"
            + pad(second, 2) + "." + pad(millis, 3) + "Z"
    }

    /// Year, month (1-12) and day (1-31) of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return text.count >= width ? sign + text : sign + String(repeating: "0", count: width - text.count) + text
    }
}
