/// pgoutput's Message message (`M`): what `pg_logical_emit_message` wrote to the WAL.
///
/// The server sends these only when the client asks for `messages 'true'`. A transactional message comes inside
/// its transaction's Begin/Commit; a non-transactional one comes on its own, as soon as it is decoded.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('M')`, `Int32` transaction ID (only inside a streamed transaction, protocol version 2+), `Int8` flags
/// (1: transactional), `Int64` LSN of the message, `String` prefix, `Int32` content length, the content bytes.
public struct LogicalMessage: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID when the message came inside a streamed block, else `nil`.
    public var streamedTransactionID: UInt32?
    /// The flags byte: bit 0 (1) marks a transactional message.
    public var flags: UInt8
    /// The LSN of the message in the WAL.
    public var lsn: LSN
    /// The prefix given to `pg_logical_emit_message`.
    public var prefix: String
    /// The content, copied out of the receive buffer.
    public var content: [UInt8]

    /// Creates a logical decoding message.
    ///
    /// - Parameters:
    ///   - streamedTransactionID: The streamed transaction's ID, or `nil` outside a streamed block.
    ///   - flags: The flags byte (1 for transactional).
    ///   - lsn: The message's LSN.
    ///   - prefix: The prefix.
    ///   - content: The content bytes.
    public init(streamedTransactionID: UInt32? = nil, flags: UInt8, lsn: LSN, prefix: String, content: [UInt8]) {
        self.streamedTransactionID = streamedTransactionID
        self.flags = flags
        self.lsn = lsn
        self.prefix = prefix
        self.content = content
    }

    /// Whether the message was emitted as part of a transaction (flag bit 1).
    public var isTransactional: Bool { flags & 1 != 0 }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> LogicalMessage {
        let xid = try reader.readStreamedTransactionID(insideStream: insideStream)
        let flags = try reader.readUInt8("the message flags")
        let lsn = try reader.readLSN("the message LSN")
        let prefix = try reader.readString("the message prefix")
        let length = try reader.readLength("the message content length")
        return LogicalMessage(
            streamedTransactionID: xid,
            flags: flags,
            lsn: lsn,
            prefix: prefix,
            content: try reader.readBytes(length, "the message content")
        )
    }
}
