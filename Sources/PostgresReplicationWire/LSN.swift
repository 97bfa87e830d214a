/// A position in PostgreSQL's write-ahead log (an `XLogRecPtr`, SQL type `pg_lsn`).
///
/// An LSN is a 64-bit byte position in the WAL. PostgreSQL prints it as two upper-case hexadecimal numbers, the
/// high and the low 32 bits, separated by a slash (`0/16B3748`); ``description`` does the same and the failable
/// `init?(_ text: String)` parses that text. Replication messages carry LSNs as big-endian `Int64`s (see
/// "Streaming Replication Protocol" and "Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-replication.html> and
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>).
public struct LSN: RawRepresentable, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The byte position in the WAL.
    public var rawValue: UInt64

    /// The invalid LSN, `0/0` (`InvalidXLogRecPtr`), which PostgreSQL uses for "unknown" or "not set".
    public static let invalid = LSN(rawValue: 0)

    /// Creates an LSN from its 64-bit value.
    ///
    /// - Parameters:
    ///   - rawValue: The byte position in the WAL.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Creates an LSN from its 64-bit value, without a label.
    ///
    /// - Parameters:
    ///   - value: The byte position in the WAL.
    public init(_ value: UInt64) {
        self.rawValue = value
    }

    /// Parses PostgreSQL's text form of an LSN, `X/Y`.
    ///
    /// Both parts are hexadecimal numbers of 1 to 8 digits, in upper or lower case, as `pg_lsn`'s input function
    /// accepts them. Anything else (spaces, signs, a missing slash, more digits) is rejected.
    ///
    /// - Parameters:
    ///   - text: The text, for example `0/16B3748`.
    /// - Returns: `nil` if `text` is not an LSN.
    public init?(_ text: String) {
        let utf8 = text.utf8[...]
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")),
            let high = LSN.parseHexComponent(utf8[..<slash]),
            let low = LSN.parseHexComponent(utf8[utf8.index(after: slash)...])
        else { return nil }
        self.rawValue = UInt64(high) << 32 | UInt64(low)
    }

    /// Whether this is not ``invalid``.
    public var isValid: Bool { rawValue != 0 }

    /// The text PostgreSQL prints for this LSN: the high and low 32 bits in upper-case hexadecimal, `X/Y`.
    public var description: String {
        String(rawValue >> 32, radix: 16, uppercase: true) + "/"
            + String(rawValue & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    /// Orders LSNs by their position in the WAL.
    ///
    /// - Parameters:
    ///   - lhs: An LSN.
    ///   - rhs: Another LSN.
    /// - Returns: Whether `lhs` comes before `rhs` in the WAL.
    public static func < (lhs: LSN, rhs: LSN) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// One to eight hex digits, or `nil`.
    private static func parseHexComponent(_ digits: Substring.UTF8View) -> UInt32? {
        guard (1...8).contains(digits.count) else { return nil }
        var value: UInt32 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

extension LSN: LosslessStringConvertible {}

extension LSN: ExpressibleByIntegerLiteral {
    /// Creates an LSN from an integer literal: its byte position in the WAL.
    ///
    /// - Parameter value: The position.
    public init(integerLiteral value: UInt64) {
        self.init(rawValue: value)
    }
}
