import CivilTime
import Testing

@Suite struct UTCDateTimeTests {
    @Test func unixEpochAndFractions() {
        #expect(UTCDateTime(microseconds: 0).iso8601(fractionDigits: 3) == "1970-01-01T00:00:00.000Z")
        #expect(UTCDateTime(microseconds: 0).iso8601(fractionDigits: 6) == "1970-01-01T00:00:00.000000Z")
        #expect(UTCDateTime(microseconds: 0).iso8601(fractionDigits: 0) == "1970-01-01T00:00:00Z")
        // 2026-11-23T09:00:00.123456Z: 20,780 days and 9 hours after the epoch.
        let micros: Int64 = (20_780 * 86_400 + 9 * 3_600) * 1_000_000 + 123_456
        #expect(UTCDateTime(microseconds: micros).iso8601(fractionDigits: 3) == "2026-11-23T09:00:00.123Z")  // truncated
        #expect(UTCDateTime(microseconds: micros).iso8601(fractionDigits: 6) == "2026-11-23T09:00:00.123456Z")
    }

    @Test func beforeTheEpochFloors() {
        let time = UTCDateTime(microseconds: -1)
        #expect(time.date == CivilDate(year: 1969, month: 12, day: 31))
        #expect(time.secondOfDay == 86_399)
        #expect(time.microsecond == 999_999)
        #expect(time.iso8601(fractionDigits: 3) == "1969-12-31T23:59:59.999Z")
    }

    @Test func anotherEpoch() {
        let postgresEpoch = CivilDate(year: 2000, month: 1, day: 1)
        #expect(UTCDateTime(microseconds: 0, since: postgresEpoch).iso8601(fractionDigits: 6) == "2000-01-01T00:00:00.000000Z")
        #expect(
            UTCDateTime(microseconds: 946_684_800_000_000).date == UTCDateTime(microseconds: 0, since: postgresEpoch).date
        )
        let leapDay = Int64(59) * 86_400_000_000 + 1  // 2000-02-29, the 60th day of 2000
        #expect(UTCDateTime(microseconds: leapDay, since: postgresEpoch).iso8601(fractionDigits: 6) == "2000-02-29T00:00:00.000001Z")
    }

    @Test func extremesDoNotOverflow() {
        #expect(UTCDateTime(microseconds: .max).iso8601(fractionDigits: 6) == "294247-01-10T04:00:54.775807Z")
        #expect(UTCDateTime(microseconds: .min + 1).iso8601(fractionDigits: 6) == "-290308-12-21T19:59:05.224193Z")
    }
}
