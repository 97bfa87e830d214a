/// pgoutput's Stream Commit message (`c`, protocol version 2+): a streamed transaction committed; apply its blocks.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('c')`, `Int32` transaction ID, `Int8` flags (unused, 0), `Int64` LSN of the commit, `Int64` end LSN of
/// the transaction, `Int64` commit timestamp.
public struct StreamCommit: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID.
    public var transactionID: UInt32
    /// Flags; PostgreSQL sends 0.
    public var flags: UInt8
    /// The LSN of the commit record.
    public var commitLSN: LSN
    /// The LSN just past the commit record.
    public var endLSN: LSN
    /// When the transaction committed.
    public var commitTime: PostgresTimestamp

    /// Creates a Stream Commit message.
    ///
    /// - Parameters:
    ///   - transactionID: The transaction ID.
    ///   - flags: The flags byte, 0 by default.
    ///   - commitLSN: The LSN of the commit record.
    ///   - endLSN: The end LSN of the transaction.
    ///   - commitTime: The commit timestamp.
    public init(transactionID: UInt32, flags: UInt8 = 0, commitLSN: LSN, endLSN: LSN, commitTime: PostgresTimestamp) {
        self.transactionID = transactionID
        self.flags = flags
        self.commitLSN = commitLSN
        self.endLSN = endLSN
        self.commitTime = commitTime
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> StreamCommit {
        StreamCommit(
            transactionID: try reader.readUInt32("the transaction ID"),
            flags: try reader.readUInt8("the commit flags"),
            commitLSN: try reader.readLSN("the commit LSN"),
            endLSN: try reader.readLSN("the end LSN"),
            commitTime: try reader.readTimestamp("the commit timestamp")
        )
    }
}
