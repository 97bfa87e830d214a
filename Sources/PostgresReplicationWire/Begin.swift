/// pgoutput's Begin message (`B`): a transaction's changes follow, up to its ``Commit``.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('B')`, `Int64` final LSN of the transaction, `Int64` commit timestamp, `Int32` transaction ID.
public struct Begin: Hashable, Sendable, PgOutputDecodable {
    /// The LSN of the transaction's commit record.
    public var finalLSN: LSN
    /// When the transaction committed.
    public var commitTime: PostgresTimestamp
    /// The transaction ID (xid).
    public var transactionID: UInt32

    /// Creates a Begin message.
    ///
    /// - Parameters:
    ///   - finalLSN: The LSN of the commit record.
    ///   - commitTime: The commit timestamp.
    ///   - transactionID: The transaction ID.
    public init(finalLSN: LSN, commitTime: PostgresTimestamp, transactionID: UInt32) {
        self.finalLSN = finalLSN
        self.commitTime = commitTime
        self.transactionID = transactionID
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Begin {
        Begin(
            finalLSN: try reader.readLSN("the final LSN"),
            commitTime: try reader.readTimestamp("the commit timestamp"),
            transactionID: try reader.readUInt32("the transaction ID")
        )
    }
}
