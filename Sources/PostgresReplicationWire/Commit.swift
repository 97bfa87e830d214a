/// pgoutput's Commit message (`C`): the end of a transaction begun by ``Begin``.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('C')`, `Int8` flags (currently unused, 0), `Int64` LSN of the commit, `Int64` end LSN of the transaction,
/// `Int64` commit timestamp.
public struct Commit: Hashable, Sendable, PgOutputDecodable {
    /// Flags; PostgreSQL sends 0.
    public var flags: UInt8
    /// The LSN of the commit record.
    public var commitLSN: LSN
    /// The LSN just past the commit record: the position to confirm as flushed once the transaction is stored.
    public var endLSN: LSN
    /// When the transaction committed.
    public var commitTime: PostgresTimestamp

    /// Creates a Commit message.
    ///
    /// - Parameters:
    ///   - flags: The flags byte, 0 by default.
    ///   - commitLSN: The LSN of the commit record.
    ///   - endLSN: The end LSN of the transaction.
    ///   - commitTime: The commit timestamp.
    public init(flags: UInt8 = 0, commitLSN: LSN, endLSN: LSN, commitTime: PostgresTimestamp) {
        self.flags = flags
        self.commitLSN = commitLSN
        self.endLSN = endLSN
        self.commitTime = commitTime
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Commit {
        Commit(
            flags: try reader.readUInt8("the commit flags"),
            commitLSN: try reader.readLSN("the commit LSN"),
            endLSN: try reader.readLSN("the end LSN"),
            commitTime: try reader.readTimestamp("the commit timestamp")
        )
    }
}
