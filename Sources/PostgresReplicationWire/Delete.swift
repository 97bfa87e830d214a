/// pgoutput's Delete message (`D`): a removed row, identified by its old key or its whole old row.
///
/// Decoding copies the old tuple's cells once, into one array (see ``TupleData``).
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('D')`, `Int32` transaction ID (only inside a streamed transaction, protocol version 2+), `Int32` relation
/// OID, `Byte1('K')` (old key) or `Byte1('O')` (old row), TupleData.
public struct Delete: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID when the message came inside a streamed block, else `nil`.
    public var streamedTransactionID: UInt32?
    /// The OID of the table, described by the latest ``Relation`` with this ID.
    public var relationID: UInt32
    /// The deleted row's key (the other columns NULL) or, under `REPLICA IDENTITY FULL`, the whole row.
    public var oldTuple: OldTuple

    /// Creates a Delete message.
    ///
    /// - Parameters:
    ///   - streamedTransactionID: The streamed transaction's ID, or `nil` outside a streamed block.
    ///   - relationID: The table's OID.
    ///   - oldTuple: The old key or row.
    public init(streamedTransactionID: UInt32? = nil, relationID: UInt32, oldTuple: OldTuple) {
        self.streamedTransactionID = streamedTransactionID
        self.relationID = relationID
        self.oldTuple = oldTuple
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Delete {
        let xid = try reader.readStreamedTransactionID(insideStream: insideStream)
        let relationID = try reader.readUInt32("the relation OID")
        let marker = try reader.readMarker("KO", "the old tuple marker")
        let layout = try TupleData.scan(&reader)
        let storage = reader.copy(layout.cells)
        return Delete(
            streamedTransactionID: xid,
            relationID: relationID,
            oldTuple: OldTuple(
                marker: marker, tuple: TupleData(storage: storage, base: layout.cells.lowerBound, layout: layout))
        )
    }
}
