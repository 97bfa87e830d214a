import PostgresReplicationWire
import Testing

@Suite struct PostgresTimestampTests {
    @Test func epochs() {
        #expect(PostgresTimestamp.unixEpochOffsetMicroseconds == 946_684_800_000_000)
        #expect(PostgresTimestamp.postgresEpoch.unixMicroseconds == 946_684_800_000_000)
        #expect(PostgresTimestamp(unixMicroseconds: 0).rawValue == -946_684_800_000_000)
        #expect(PostgresTimestamp.postgresEpoch.description == "2000-01-01T00:00:00.000000Z")
        #expect(PostgresTimestamp(unixMicroseconds: 0).description == "1970-01-01T00:00:00.000000Z")
    }

    @Test(arguments: [
        (Int64(1_700_000_000_123_456), "2023-11-14T22:13:20.123456Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000000Z"),
        (946_684_799_999_999, "1999-12-31T23:59:59.999999Z"),
        (4_102_444_800_000_001, "2100-01-01T00:00:00.000001Z"),
        (-62_135_596_800_000_000, "0001-01-01T00:00:00.000000Z"),
    ])
    func unixConversionAndText(_ unixMicroseconds: Int64, _ text: String) {
        let timestamp = PostgresTimestamp(unixMicroseconds: unixMicroseconds)
        #expect(timestamp.rawValue == unixMicroseconds - 946_684_800_000_000)
        #expect(timestamp.unixMicroseconds == unixMicroseconds)
        #expect(timestamp.description == text)
    }

    @Test func infinitiesSaturate() {
        #expect(PostgresTimestamp.infinity.unixMicroseconds == .max)
        #expect(PostgresTimestamp.negativeInfinity.unixMicroseconds == .min)
        #expect(PostgresTimestamp(unixMicroseconds: .max) == .infinity)
        #expect(PostgresTimestamp(unixMicroseconds: .min) == .negativeInfinity)
        #expect(PostgresTimestamp(rawValue: .max - 1).unixMicroseconds == .max)
        #expect(PostgresTimestamp.infinity.description == "infinity")
        #expect(PostgresTimestamp.negativeInfinity.description == "-infinity")
        // Extreme finite values print without trapping.
        #expect(!PostgresTimestamp(rawValue: .max - 1).description.isEmpty)
        #expect(!PostgresTimestamp(rawValue: .min + 1).description.isEmpty)
    }

    @Test func order() {
        #expect(PostgresTimestamp(rawValue: -1) < .postgresEpoch)
        #expect(PostgresTimestamp.negativeInfinity < PostgresTimestamp(rawValue: .min + 1))
    }
}
