/// Decodes the messages of one replication connection in order, tracking pgoutput's streamed blocks.
///
/// Inside a streamed block (between Stream Start and Stream Stop, protocol version 2+ with `streaming 'on'`), data
/// messages carry the transaction ID before their usual fields, so their layout depends on the messages before
/// them ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>). This value remembers whether
/// a block is open and passes that to the pure decoders. With protocol version 1 no block is ever open, and it
/// behaves exactly like `ReplicationMessage.decode(_:insideStream:)`.
public struct ReplicationDecoder: Hashable, Sendable {
    /// Whether a Stream Start has been decoded without its Stream Stop.
    public private(set) var insideStream = false

    /// Creates a decoder for a new connection, outside any streamed block.
    public init() {}

    /// Decodes one CopyData message from libpq's buffer, without copying it.
    ///
    /// - Parameters:
    ///   - bytes: One complete CopyData payload, starting with its tag byte.
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if the message does not decode; the stream state is then unchanged.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer) throws(WireDecodingError) -> ReplicationMessage {
        let message = try ReplicationMessage.decode(bytes, insideStream: insideStream)
        if case .xLogData(let data) = message { track(data.message) }
        return message
    }

    /// Decodes one CopyData message from any bytes, such as an `[UInt8]`.
    ///
    /// - Parameters:
    ///   - bytes: One complete CopyData payload, starting with its tag byte.
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if the message does not decode; the stream state is then unchanged.
    public mutating func decode(_ bytes: some Collection<UInt8>) throws(WireDecodingError) -> ReplicationMessage {
        let message = try ReplicationMessage.decode(bytes, insideStream: insideStream)
        if case .xLogData(let data) = message { track(data.message) }
        return message
    }

    /// Decodes one bare pgoutput message (the output of `pg_recvlogical` or `pg_logical_slot_get_binary_changes`).
    ///
    /// - Parameters:
    ///   - bytes: One pgoutput message, starting with its tag byte.
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if the message does not decode; the stream state is then unchanged.
    public mutating func decodePgOutput(_ bytes: UnsafeRawBufferPointer) throws(WireDecodingError) -> PgOutputMessage {
        let message = try PgOutputMessage.decode(bytes, insideStream: insideStream)
        track(message)
        return message
    }

    /// Decodes one bare pgoutput message from any bytes, such as an `[UInt8]`.
    ///
    /// - Parameters:
    ///   - bytes: One pgoutput message, starting with its tag byte.
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if the message does not decode; the stream state is then unchanged.
    public mutating func decodePgOutput(_ bytes: some Collection<UInt8>) throws(WireDecodingError) -> PgOutputMessage {
        let message = try PgOutputMessage.decode(bytes, insideStream: insideStream)
        track(message)
        return message
    }

    /// Opens or closes the streamed block.
    private mutating func track(_ message: PgOutputMessage) {
        switch message {
        case .streamStart: insideStream = true
        case .streamStop: insideStream = false
        default: break
        }
    }
}
