/// Why a replication message could not be decoded.
///
/// Every decoder in this module checks each length against the bytes it was given and throws this error rather
/// than trap. The error says which message was being read (``replicationMessageTag`` for the CopyData message,
/// ``pgOutputMessageTag`` for the pgoutput message inside it), where in the buffer the problem starts
/// (``offset``, counted from the buffer's first byte), and shows the bytes around that point (``hexDump``).
/// The layouts are those of "Streaming Replication Protocol"
/// (<https://www.postgresql.org/docs/current/protocol-replication.html>) and "Logical Replication Message Formats"
/// (<https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>).
public struct WireDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem, an open set of values so that new kinds do not break callers' `switch`es.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case truncated, trailingBytes, unknownMessage, unexpectedByte, invalidLength, unterminatedString
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The message ends inside a field: more bytes were needed than remain.
        public static let truncated = Code(.truncated)
        /// The message was decoded completely, but bytes remain after it.
        public static let trailingBytes = Code(.trailingBytes)
        /// The message's tag byte is not one this module knows (see ``WireDecodingError/messageTag``).
        public static let unknownMessage = Code(.unknownMessage)
        /// A byte with a fixed set of values has another: a tuple marker other than `N`, `K` or `O`, or a tuple
        /// cell kind other than `n`, `u`, `t` or `b`.
        public static let unexpectedByte = Code(.unexpectedByte)
        /// A length or count is negative or larger than the rest of the message.
        public static let invalidLength = Code(.invalidLength)
        /// A string has no terminating NUL byte before the end of the message.
        public static let unterminatedString = Code(.unterminatedString)

        /// A short name for the code, such as `truncated`.
        public var description: String {
            switch base {
            case .truncated: "truncated"
            case .trailingBytes: "trailingBytes"
            case .unknownMessage: "unknownMessage"
            case .unexpectedByte: "unexpectedByte"
            case .invalidLength: "invalidLength"
            case .unterminatedString: "unterminatedString"
            }
        }
    }

    /// The kind of problem.
    public var code: Code
    /// The tag of the CopyData message (`w`, `k`, `r`), or `nil` when a bare pgoutput message was decoded or the
    /// buffer was empty.
    public var replicationMessageTag: UInt8?
    /// The tag of the pgoutput message (`B`, `I`, `U` …), or `nil` if the problem came before it.
    public var pgOutputMessageTag: UInt8?
    /// The offset in the decoded buffer at which the offending field starts.
    public var offset: Int
    /// The number of bytes in the decoded buffer.
    public var messageLength: Int
    /// Up to 8 bytes either side of ``offset`` in hexadecimal, the byte at ``offset`` in brackets:
    /// `00 00 40 07 [4e] 00 09`.
    public var hexDump: String
    /// A short explanation, such as `needs 4 bytes for a column length, 2 left`.
    public var detail: String

    /// The innermost message tag known: the pgoutput tag if there is one, else the CopyData tag.
    public var messageTag: UInt8? { pgOutputMessageTag ?? replicationMessageTag }

    /// Creates an error.
    ///
    /// Decoders make these themselves; the initializer is public so that callers can build expected values in tests.
    ///
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - replicationMessageTag: The CopyData tag, if any.
    ///   - pgOutputMessageTag: The pgoutput tag, if any.
    ///   - offset: Where the offending field starts.
    ///   - messageLength: The size of the decoded buffer.
    ///   - hexDump: The bytes around `offset`.
    ///   - detail: A short explanation.
    public init(
        code: Code,
        replicationMessageTag: UInt8?,
        pgOutputMessageTag: UInt8?,
        offset: Int,
        messageLength: Int,
        hexDump: String,
        detail: String
    ) {
        self.code = code
        self.replicationMessageTag = replicationMessageTag
        self.pgOutputMessageTag = pgOutputMessageTag
        self.offset = offset
        self.messageLength = messageLength
        self.hexDump = hexDump
        self.detail = detail
    }

    /// One line for logs, such as
    /// `undecodable pgoutput 'I' in 'w' at byte 30 of 41: truncated (needs 4 bytes …) [… [4e] …]`.
    public var description: String {
        var summary = "undecodable"
        if let tag = pgOutputMessageTag { summary += " pgoutput " + Self.printable(tag) }
        if let tag = replicationMessageTag {
            summary += (pgOutputMessageTag == nil ? " " : " in ") + Self.printable(tag)
        }
        if messageTag == nil { summary += " message" }
        return summary + " at byte \(offset) of \(messageLength): \(code) (\(detail)) [\(hexDump)]"
    }

    /// A tag as `'w'` when printable ASCII, else as `0x07`.
    static func printable(_ byte: UInt8) -> String {
        if (0x21..<0x7F).contains(byte) { return "'" + String(UnicodeScalar(byte)) + "'" }
        return "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }
}
