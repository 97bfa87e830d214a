/// pgoutput's Stream Abort message (`A`, protocol version 2+): a streamed transaction, or one of its
/// subtransactions, rolled back; discard its blocks.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('A')`, `Int32` transaction ID, `Int32` subtransaction ID (the same for the top-level transaction), and
/// with protocol version 4 and `streaming 'parallel'` (PostgreSQL 16+) `Int64` abort LSN and `Int64` abort
/// timestamp. The decoder tells the two forms apart by the message's length.
public struct StreamAbort: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID.
    public var transactionID: UInt32
    /// The aborted subtransaction's ID, equal to ``transactionID`` when the whole transaction aborted.
    public var subtransactionID: UInt32
    /// The LSN of the abort record, sent only for parallel streaming (protocol version 4).
    public var abortLSN: LSN?
    /// When the transaction aborted, sent only for parallel streaming (protocol version 4).
    public var abortTime: PostgresTimestamp?

    /// Creates a Stream Abort message.
    ///
    /// - Parameters:
    ///   - transactionID: The transaction ID.
    ///   - subtransactionID: The subtransaction ID (the transaction ID for a top-level abort).
    ///   - abortLSN: The abort LSN (protocol version 4 only), or `nil`.
    ///   - abortTime: The abort timestamp (protocol version 4 only), or `nil`; set both or neither.
    public init(
        transactionID: UInt32, subtransactionID: UInt32, abortLSN: LSN? = nil, abortTime: PostgresTimestamp? = nil
    ) {
        self.transactionID = transactionID
        self.subtransactionID = subtransactionID
        self.abortLSN = abortLSN
        self.abortTime = abortTime
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> StreamAbort {
        var abort = StreamAbort(
            transactionID: try reader.readUInt32("the transaction ID"),
            subtransactionID: try reader.readUInt32("the subtransaction ID")
        )
        if reader.remaining > 0 {
            abort.abortLSN = try reader.readLSN("the abort LSN")
            abort.abortTime = try reader.readTimestamp("the abort timestamp")
        }
        return abort
    }
}
