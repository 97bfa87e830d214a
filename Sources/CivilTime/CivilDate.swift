/// A day of the proleptic Gregorian calendar, in UTC: year, month and day.
///
/// Converts to and from a count of days since 1970-01-01 with Howard Hinnant's `civil_from_days` and
/// `days_from_civil` (<https://howardhinnant.github.io/date_algorithms.html>), which count in 400-year eras from
/// 0000-03-01 so that the leap day ends each era's years. Both are exact for every day an `Int64` day count can
/// reach without overflow, before 1970 (negative counts) and before year 1 (year 0 is 1 BC, as in ISO 8601).
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year; 0 is 1 BC and negative years go further back (astronomical numbering, as ISO 8601).
    public var year: Int64
    /// The month, 1 (January) to 12.
    public var month: Int64
    /// The day of the month, 1 to 31.
    public var day: Int64

    /// 1970-01-01, day 0 of the Unix epoch.
    public static let unixEpoch = CivilDate(year: 1970, month: 1, day: 1)

    /// Creates a date from its parts; they are not checked.
    ///
    /// - Parameters:
    ///   - year: The year (0 is 1 BC).
    ///   - month: The month, 1 to 12.
    ///   - day: The day of the month, 1 to 31.
    public init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (before it when negative): Hinnant's `civil_from_days`.
    ///
    /// - Parameters:
    ///   - days: Days since 1970-01-01.
    /// - Complexity: O(1), integer arithmetic only.
    public init(daysSinceUnixEpoch days: Int64) {
        let z = days + 719_468  // days since 0000-03-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097  // 0...146_096
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from March 1
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 is March, 11 is February
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days from 1970-01-01 to this date (negative before it): Hinnant's `days_from_civil`.
    ///
    /// - Complexity: O(1), integer arithmetic only.
    public var daysSinceUnixEpoch: Int64 {
        let marchYear = month <= 2 ? year - 1 : year  // years counted from March
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date as ISO 8601 text, `YYYY-MM-DD` (the year has at least four digits and a `-` before year 0).
    public var description: String {
        var text = ""
        ISO8601Digits.append(year, width: 4, to: &text)
        text += "-"
        ISO8601Digits.append(month, width: 2, to: &text)
        text += "-"
        ISO8601Digits.append(day, width: 2, to: &text)
        return text
    }

    /// Orders dates chronologically.
    ///
    /// - Parameters:
    ///   - lhs: A date.
    ///   - rhs: Another date.
    /// - Returns: Whether `lhs` is earlier than `rhs`.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
