/// Reads PostgreSQL `timestamp` text (`YYYY-MM-DD HH:MM:SS[.ffffff]`, as pgoutput and `COPY` send it in the
/// default ISO date style) into microseconds since 1970-01-01, the instant Odoo means (it writes UTC).
public enum TimestampText {
    /// Parses a timestamp; `nil` for text of another shape.
    ///
    /// - Parameter text: The cell text.
    /// - Returns: Microseconds since 1970-01-01 00:00:00 UTC.
    public static func microseconds(_ text: String) -> Int64? {
        microseconds(utf8: text.utf8)
    }

    /// Parses a timestamp from the cell's UTF-8 bytes, without building a string; `nil` for text of another shape.
    ///
    /// - Parameter bytes: The cell text's bytes.
    /// - Returns: Microseconds since 1970-01-01 00:00:00 UTC.
    @inlinable
    public static func microseconds(utf8 bytes: some Collection<UInt8>) -> Int64? {
        var utf8 = bytes[...]
        func number(_ digits: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<digits {
                guard let byte = utf8.first, byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
                utf8 = utf8.dropFirst()
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard utf8.first == byte else { return false }
            utf8 = utf8.dropFirst()
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2) else { return nil }
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var micros: Int64 = 0
        if expect(0x20) || expect(0x54) {
            guard let h = number(2), expect(0x3A), let m = number(2), expect(0x3A), let s = number(2) else { return nil }
            (hour, minute, second) = (h, m, s)
            if expect(0x2E) {
                var scale: Int64 = 100_000
                while let byte = utf8.first, byte >= 0x30, byte <= 0x39 {
                    micros += Int64(byte - 0x30) * scale
                    scale /= 10
                    utf8 = utf8.dropFirst()
                }
            }
        }
        guard utf8.isEmpty, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    @inlinable
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
