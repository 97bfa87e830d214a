/// pgoutput's Insert message (`I`): a new row.
///
/// Decoding copies the row's cells once, into one array owned by ``newTuple`` (see ``TupleData``).
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('I')`, `Int32` transaction ID (only inside a streamed transaction, protocol version 2+), `Int32` relation
/// OID, `Byte1('N')`, TupleData.
public struct Insert: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID when the message came inside a streamed block, else `nil`.
    public var streamedTransactionID: UInt32?
    /// The OID of the table, described by the latest ``Relation`` with this ID.
    public var relationID: UInt32
    /// The inserted row.
    public var newTuple: TupleData

    /// Creates an Insert message.
    ///
    /// - Parameters:
    ///   - streamedTransactionID: The streamed transaction's ID, or `nil` outside a streamed block.
    ///   - relationID: The table's OID.
    ///   - newTuple: The new row.
    public init(streamedTransactionID: UInt32? = nil, relationID: UInt32, newTuple: TupleData) {
        self.streamedTransactionID = streamedTransactionID
        self.relationID = relationID
        self.newTuple = newTuple
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Insert {
        let xid = try reader.readStreamedTransactionID(insideStream: insideStream)
        let relationID = try reader.readUInt32("the relation OID")
        _ = try reader.readMarker("N", "the new tuple marker")
        let layout = try TupleData.scan(&reader)
        let storage = reader.copy(layout.cells)
        return Insert(
            streamedTransactionID: xid,
            relationID: relationID,
            newTuple: TupleData(storage: storage, base: layout.cells.lowerBound, layout: layout)
        )
    }
}
