/// pgoutput's Stream Stop message (`E`, protocol version 2+): the end of a block begun by ``StreamStart``.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('E')` and nothing else.
public struct StreamStop: Hashable, Sendable, PgOutputDecodable {
    /// Creates a Stream Stop message.
    public init() {}

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> StreamStop {
        StreamStop()
    }
}
