import CivilTime
import Testing

@Suite struct CivilDateTests {
    /// Known days: the Unix epoch, PostgreSQL's, leap days, century rules, and days before year 1.
    static let knownDaySamples: [(days: Int64, date: CivilDate)] = [
        (0, CivilDate(year: 1970, month: 1, day: 1)),
        (-1, CivilDate(year: 1969, month: 12, day: 31)),
        (-365, CivilDate(year: 1969, month: 1, day: 1)),
        (10_957, CivilDate(year: 2000, month: 1, day: 1)),
        (11_016, CivilDate(year: 2000, month: 2, day: 29)),
        (11_017, CivilDate(year: 2000, month: 3, day: 1)),
        (-25_508, CivilDate(year: 1900, month: 3, day: 1)),  // 1900 is not a leap year: 02-28 is the day before
        (-25_509, CivilDate(year: 1900, month: 2, day: 28)),
        (47_541, CivilDate(year: 2100, month: 3, day: 1)),  // 2100 is not a leap year either
        (47_540, CivilDate(year: 2100, month: 2, day: 28)),
        (19_782, CivilDate(year: 2024, month: 2, day: 29)),
        (2_932_896, CivilDate(year: 9999, month: 12, day: 31)),
        (-719_468, CivilDate(year: 0, month: 3, day: 1)),
        (-719_469, CivilDate(year: 0, month: 2, day: 29)),  // year 0 (1 BC) is a leap year
        (-719_528, CivilDate(year: 0, month: 1, day: 1)),
        (-719_529, CivilDate(year: -1, month: 12, day: 31)),
        (-719_162, CivilDate(year: 1, month: 1, day: 1)),
    ]

    @Test(arguments: knownDaySamples)
    func knownDays(days: Int64, date: CivilDate) {
        #expect(CivilDate(daysSinceUnixEpoch: days) == date)
        #expect(date.daysSinceUnixEpoch == days)
    }

    /// Walking day by day, every next day is the calendar's next day (month lengths; leap years every 4 years
    /// except centuries not divisible by 400) and round-trips: over one 400-year era on each side of 1970
    /// (1570-01-01 to 2370-01-01), and across year 0 (1 BC) into negative years.
    static let walks: [(first: Int64, start: CivilDate, end: CivilDate)] = [
        (-146_097, CivilDate(year: 1570, month: 1, day: 1), CivilDate(year: 2370, month: 1, day: 2)),
        (-719_528 - 1_461, CivilDate(year: -4, month: 1, day: 1), CivilDate(year: 4, month: 1, day: 1)),
    ]

    @Test(arguments: walks)
    func everyDayFollowsTheCalendar(first: Int64, start: CivilDate, end: CivilDate) {
        func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }
        func length(_ year: Int64, _ month: Int64) -> Int64 {
            switch month {
            case 2: isLeap(year) ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }
        var expected = start
        #expect(CivilDate(daysSinceUnixEpoch: first) == start)
        var days = first
        var failures = 0
        while expected != end {
            let date = CivilDate(daysSinceUnixEpoch: days)
            if date != expected || date.daysSinceUnixEpoch != days { failures += 1 }
            days += 1
            expected.day += 1
            if expected.day > length(expected.year, expected.month) {
                expected.day = 1
                expected.month += 1
                if expected.month > 12 {
                    expected.month = 1
                    expected.year += 1
                }
            }
        }
        #expect(failures == 0)
    }

    /// Far dates: millions of years away, both ways, still round-trip.
    @Test(arguments: [Int64(1) << 40, -(Int64(1) << 40), 365_242_199, -365_242_199, 123_456_789_012])
    func farDaysRoundTrip(days: Int64) {
        let date = CivilDate(daysSinceUnixEpoch: days)
        #expect(date.daysSinceUnixEpoch == days)
        #expect((1...12).contains(date.month))
        #expect((1...31).contains(date.day))
        #expect(CivilDate(daysSinceUnixEpoch: days + 1) > date)
    }

    @Test func description() {
        #expect(CivilDate(year: 2000, month: 2, day: 29).description == "2000-02-29")
        #expect(CivilDate(year: 12, month: 3, day: 4).description == "0012-03-04")
        #expect(CivilDate(year: -1, month: 12, day: 31).description == "-0001-12-31")
        #expect(CivilDate(year: 12_345, month: 1, day: 1).description == "12345-01-01")
    }
}
