/// pgoutput's Type message (`Y`): the name of a non-built-in data type that a following ``Relation`` uses.
///
/// Named `TypeMessage` because `Type` is reserved in Swift.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('Y')`, `Int32` transaction ID (only inside a streamed transaction, protocol version 2+), `Int32` type
/// OID, `String` namespace (empty for `pg_catalog`), `String` type name.
public struct TypeMessage: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID when the message came inside a streamed block, else `nil`.
    public var streamedTransactionID: UInt32?
    /// The type's OID.
    public var id: UInt32
    /// The schema name, as sent: an empty string stands for `pg_catalog`.
    public var namespace: String
    /// The type name.
    public var name: String

    /// Creates a Type message.
    ///
    /// - Parameters:
    ///   - streamedTransactionID: The streamed transaction's ID, or `nil` outside a streamed block.
    ///   - id: The type OID.
    ///   - namespace: The schema name (empty for `pg_catalog`).
    ///   - name: The type name.
    public init(streamedTransactionID: UInt32? = nil, id: UInt32, namespace: String, name: String) {
        self.streamedTransactionID = streamedTransactionID
        self.id = id
        self.namespace = namespace
        self.name = name
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> TypeMessage {
        TypeMessage(
            streamedTransactionID: try reader.readStreamedTransactionID(insideStream: insideStream),
            id: try reader.readUInt32("the type OID"),
            namespace: try reader.readString("the namespace"),
            name: try reader.readString("the type name")
        )
    }
}
