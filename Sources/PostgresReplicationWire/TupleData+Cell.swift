extension TupleData {
    /// One column value of a ``TupleData``.
    ///
    /// The kinds are those of "Logical Replication Message Formats", TupleData
    /// (<https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>). Text and binary values are
    /// slices of the tuple's storage: no bytes are copied, and the slice's indices are those of the storage, so they
    /// do not start at 0 (use `startIndex`, or `Array(bytes)` for a zero-based copy).
    public enum Cell: Hashable, Sendable, CustomStringConvertible {
        /// `n`: the value is NULL.
        case null
        /// `u`: an unchanged TOASTed value, whose bytes the server did not send. The consumer keeps its old value.
        case unchangedToast
        /// `t`: the value in the type's text format (`numeric` as `12.500`, `bool` as `t`), UTF-8 encoded.
        case text(ArraySlice<UInt8>)
        /// `b`: the value in the type's binary (send/receive) format, sent only when the client asks for
        /// `binary 'true'`.
        case binary(ArraySlice<UInt8>)

        /// The kind bytes.
        @usableFromInline enum Kind {
            @usableFromInline static let null = UInt8(ascii: "n")
            @usableFromInline static let unchangedToast = UInt8(ascii: "u")
            @usableFromInline static let text = UInt8(ascii: "t")
            @usableFromInline static let binary = UInt8(ascii: "b")
        }

        /// A text cell holding `string`'s UTF-8 bytes.
        ///
        /// - Parameters:
        ///   - string: The value in its text format.
        /// - Returns: `.text` with a copy of the bytes.
        public static func string(_ string: String) -> Cell {
            .text(ArraySlice(string.utf8))
        }

        /// The kind byte on the wire: `n`, `u`, `t` or `b`.
        public var kind: UInt8 {
            switch self {
            case .null: Kind.null
            case .unchangedToast: Kind.unchangedToast
            case .text: Kind.text
            case .binary: Kind.binary
            }
        }

        /// The value's bytes for a text or binary cell, or `nil` for NULL and unchanged values.
        public var bytes: ArraySlice<UInt8>? {
            switch self {
            case .text(let bytes), .binary(let bytes): bytes
            case .null, .unchangedToast: nil
            }
        }

        /// A text cell's value as a `String` (a new string each time; invalid UTF-8 becomes U+FFFD), or `nil` for
        /// other kinds.
        public var stringValue: String? {
            guard case .text(let bytes) = self else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// Whether the value is NULL.
        public var isNull: Bool {
            if case .null = self { return true }
            return false
        }

        /// Whether the value is an unchanged TOASTed value that was not sent.
        public var isUnchangedToast: Bool {
            if case .unchangedToast = self { return true }
            return false
        }

        /// `NULL`, `unchanged`, a text value in single quotes, or a binary value as `\x` hex.
        public var description: String {
            switch self {
            case .null: return "NULL"
            case .unchangedToast: return "unchanged"
            case .text(let bytes): return "'" + String(decoding: bytes, as: UTF8.self) + "'"
            case .binary(let bytes):
                return "\\x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            }
        }
    }
}
