/// The `k` message of the streaming replication protocol: the server's keepalive.
///
/// When ``replyRequested`` is set the client should answer at once with a ``StandbyStatusUpdate``, or the server may
/// close the connection after `wal_sender_timeout`.
///
/// Layout ("Streaming Replication Protocol", <https://www.postgresql.org/docs/current/protocol-replication.html>):
/// `Byte1('k')`, `Int64` current end of WAL on the server, `Int64` the server's clock at transmission (µs since
/// 2000-01-01), `Byte1` 1 if the client should reply immediately, else 0. 18 bytes in all.
public struct PrimaryKeepalive: Hashable, Sendable {
    /// The server's current end of WAL.
    public var walEnd: LSN
    /// The server's clock when it sent the message.
    public var sendTime: PostgresTimestamp
    /// Whether the server asks for a status update now.
    public var replyRequested: Bool

    /// Creates a keepalive message.
    ///
    /// - Parameters:
    ///   - walEnd: The server's end of WAL.
    ///   - sendTime: The server's clock at transmission.
    ///   - replyRequested: Whether the server asks for an immediate reply.
    public init(walEnd: LSN, sendTime: PostgresTimestamp, replyRequested: Bool) {
        self.walEnd = walEnd
        self.sendTime = sendTime
        self.replyRequested = replyRequested
    }

    /// Reads the fields after the tag.
    static func decode(from reader: inout WireReader) throws(WireDecodingError) -> PrimaryKeepalive {
        PrimaryKeepalive(
            walEnd: try reader.readLSN("the WAL end"),
            sendTime: try reader.readTimestamp("the send time"),
            replyRequested: try reader.readUInt8("the reply-requested flag") != 0
        )
    }
}
