import CivilTime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The forecast part of an availability question: which forecast members the items carry (`fields=`), and the date
/// limit of the moves that count (`to_date=`).
struct ForecastRequest: Equatable {
    /// The optional item members, by name.
    enum Field: String, CaseIterable, Equatable {
        /// Odoo `incoming_qty`.
        case incoming
        /// Odoo `outgoing_qty`.
        case outgoing
        /// Odoo `virtual_available`.
        case forecast
        /// The earliest dated incoming quantity.
        case nextReceipt = "next_receipt"
    }

    /// The members asked for; empty: the default answer (the five figures only).
    var fields: Set<Field> = []
    /// Only moves with `date <= toDate` count (microseconds since 1970 UTC).
    var toDate: Int64?

    /// Whether the items carry forecast members.
    var isRequested: Bool { !fields.isEmpty }

    /// The names `fields` accepts: the five figures every item has (accepted, changing nothing) and the forecast ones.
    static let defaultFields: Set<String> = ["on_hand", "reserved", "free", "quarantined", "available"]

    /// Adds the fields of one `fields` value (comma-separated names).
    ///
    /// - Throws: 400 for an unknown name.
    mutating func addFields(_ text: String, parameter: String) throws(APIProblem) {
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            if let field = Field(rawValue: String(piece)) {
                fields.insert(field)
            } else if !Self.defaultFields.contains(String(piece)) {
                let known = (Self.defaultFields.sorted() + Field.allCases.map(\.rawValue)).joined(separator: ", ")
                throw APIProblem.malformed(parameter, "'\(piece)' is not one of \(known)")
            }
        }
    }

    /// Reads `to_date`: `YYYY-MM-DD` (midnight UTC, as Odoo reads a date into its datetime context) or
    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
    ///
    /// - Parameters:
    ///   - text: The value.
    ///   - now: The current time, microseconds since 1970 UTC.
    /// - Throws: 400 for malformed text; 422 for a date in the past (Odoo would rebuild past on-hand from done moves,
    ///   which stockd does not mirror).
    mutating func setToDate(_ text: String, parameter: String, now: Int64 = Self.now()) throws(APIProblem) {
        guard let value = Self.parseDate(text) else {
            if Self.parseDate(text, checkingCalendar: false) != nil {
                throw APIProblem(kind: .impossibleDate, detail: "\(parameter) \(text) names a day the calendar lacks", parameter: parameter)
            }
            throw APIProblem.malformed(parameter, "'\(text)' is not a date (YYYY-MM-DD) or a UTC date-time (YYYY-MM-DDTHH:MM:SSZ)")
        }
        // A date-only value names the whole day: today is not in the past.
        let endOfDay = text.count == 10 ? value + 86_400_000_000 - 1 : value
        guard endOfDay >= now else {
            throw APIProblem(
                kind: .dateInPast,
                detail: "\(parameter) \(text) is in the past: figures as of a past date would need done moves, which stockd does not mirror",
                parameter: parameter)
        }
        toDate = value
    }

    /// Parses a date or a UTC date-time; `nil` when malformed.
    static func parseDate(_ text: String, checkingCalendar: Bool = true) -> Int64? {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D, let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        if checkingCalendar, CivilDate(daysSinceUnixEpoch: date.daysSinceUnixEpoch) != date { return nil }  // 2026-02-30 and the like
        var micros = date.daysSinceUnixEpoch * 86_400_000_000
        if bytes.count == 10 { return micros }
        guard bytes.count >= 20, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A, bytes.last == 0x5A, let hour = digits(11, 2),
            let minute = digits(14, 2), let second = digits(17, 2), hour < 24, minute < 60, second < 60
        else { return nil }
        micros += ((hour * 60 + minute) * 60 + second) * 1_000_000
        if bytes.count == 20 { return micros }
        guard bytes[19] == 0x2E, bytes.count > 21, bytes.count <= 27 else { return nil }
        var fraction: Int64 = 0
        var scale: Int64 = 100_000
        for byte in bytes[20..<bytes.count - 1] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            fraction += Int64(byte - 0x30) * scale
            scale /= 10
        }
        return micros + fraction
    }

    /// The wall-clock time, microseconds since 1970 UTC.
    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
