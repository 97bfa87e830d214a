/// pgoutput's Stream Start message (`S`, protocol version 2+): a block of a large in-progress transaction's changes
/// follows, up to ``StreamStop``.
///
/// Inside the block, Relation, Type, Insert, Update, Delete, Truncate and Message carry the transaction ID first;
/// ``ReplicationDecoder`` tracks the block for you. The server streams only when the client asks for
/// `streaming 'on'` (and `proto_version` 2 or later).
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('S')`, `Int32` transaction ID, `Int8` 1 if this is the transaction's first segment, else 0.
public struct StreamStart: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID.
    public var transactionID: UInt32
    /// Whether this is the first block of the transaction.
    public var isFirstSegment: Bool

    /// Creates a Stream Start message.
    ///
    /// - Parameters:
    ///   - transactionID: The transaction ID.
    ///   - isFirstSegment: Whether this is the first block.
    public init(transactionID: UInt32, isFirstSegment: Bool) {
        self.transactionID = transactionID
        self.isFirstSegment = isFirstSegment
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> StreamStart {
        StreamStart(
            transactionID: try reader.readUInt32("the transaction ID"),
            isFirstSegment: try reader.readUInt8("the first-segment flag") == 1
        )
    }
}
