/// pgoutput's Origin message (`O`): the current transaction was replicated into this server from elsewhere.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('O')`, `Int64` LSN of the commit on the origin server, `String` name of the origin.
public struct Origin: Hashable, Sendable, PgOutputDecodable {
    /// The LSN of the commit on the origin server.
    public var commitLSN: LSN
    /// The replication origin's name.
    public var name: String

    /// Creates an Origin message.
    ///
    /// - Parameters:
    ///   - commitLSN: The LSN of the commit on the origin server.
    ///   - name: The origin's name.
    public init(commitLSN: LSN, name: String) {
        self.commitLSN = commitLSN
        self.name = name
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Origin {
        Origin(commitLSN: try reader.readLSN("the origin's commit LSN"), name: try reader.readString("the origin name"))
    }
}
