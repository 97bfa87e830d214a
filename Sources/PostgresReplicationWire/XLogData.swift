/// The `w` message of the streaming replication protocol: WAL data, which on a logical replication connection with
/// the pgoutput plugin is exactly one pgoutput message.
///
/// Layout ("Streaming Replication Protocol", <https://www.postgresql.org/docs/current/protocol-replication.html>):
/// `Byte1('w')`, `Int64` start of the WAL data in this message, `Int64` current end of WAL on the server, `Int64`
/// the server's clock at transmission (µs since 2000-01-01), then the data: here the pgoutput message.
public struct XLogData: Hashable, Sendable {
    /// Where this message's WAL data starts. For pgoutput this is the LSN of the change, and 0 (``LSN/invalid``) for
    /// messages without a WAL position of their own, such as Relation and Type.
    public var walStart: LSN
    /// The server's current end of WAL.
    public var walEnd: LSN
    /// The server's clock when it sent the message.
    public var sendTime: PostgresTimestamp
    /// The pgoutput message.
    public var message: PgOutputMessage

    /// Creates an XLogData message.
    ///
    /// - Parameters:
    ///   - walStart: The start of the WAL data.
    ///   - walEnd: The server's end of WAL.
    ///   - sendTime: The server's clock at transmission.
    ///   - message: The pgoutput message.
    public init(walStart: LSN, walEnd: LSN, sendTime: PostgresTimestamp, message: PgOutputMessage) {
        self.walStart = walStart
        self.walEnd = walEnd
        self.sendTime = sendTime
        self.message = message
    }

    /// Reads the fields after the tag and the pgoutput message, which takes the rest of the buffer.
    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> XLogData {
        XLogData(
            walStart: try reader.readLSN("the WAL start"),
            walEnd: try reader.readLSN("the WAL end"),
            sendTime: try reader.readTimestamp("the send time"),
            message: try PgOutputMessage.decode(from: &reader, insideStream: insideStream)
        )
    }
}
