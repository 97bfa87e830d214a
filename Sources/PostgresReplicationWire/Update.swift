/// pgoutput's Update message (`U`): a changed row.
///
/// The old values come only when the table's replica identity asks for them: the old key (`K`) when the key
/// changed, or the whole old row (`O`) under `REPLICA IDENTITY FULL`. Unchanged TOASTed columns come as
/// ``TupleData/Cell/unchangedToast`` in ``newTuple``. Decoding copies both tuples' cells once, into one array that
/// they share.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('U')`, `Int32` transaction ID (only inside a streamed transaction, protocol version 2+), `Int32` relation
/// OID, optionally `Byte1('K')` or `Byte1('O')` and the old TupleData, then `Byte1('N')` and the new TupleData.
public struct Update: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID when the message came inside a streamed block, else `nil`.
    public var streamedTransactionID: UInt32?
    /// The OID of the table, described by the latest ``Relation`` with this ID.
    public var relationID: UInt32
    /// The old key or old row, if the server sent one.
    public var oldTuple: OldTuple?
    /// The row after the update.
    public var newTuple: TupleData

    /// Creates an Update message.
    ///
    /// - Parameters:
    ///   - streamedTransactionID: The streamed transaction's ID, or `nil` outside a streamed block.
    ///   - relationID: The table's OID.
    ///   - oldTuple: The old key or row, if any.
    ///   - newTuple: The new row.
    public init(streamedTransactionID: UInt32? = nil, relationID: UInt32, oldTuple: OldTuple?, newTuple: TupleData) {
        self.streamedTransactionID = streamedTransactionID
        self.relationID = relationID
        self.oldTuple = oldTuple
        self.newTuple = newTuple
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Update {
        let xid = try reader.readStreamedTransactionID(insideStream: insideStream)
        let relationID = try reader.readUInt32("the relation OID")
        var marker = try reader.readMarker("KON", "the tuple marker")
        var oldMarker: UInt8?
        var oldLayout: TupleData.Layout?
        if marker != UInt8(ascii: "N") {
            oldMarker = marker
            oldLayout = try TupleData.scan(&reader)
            marker = try reader.readMarker("N", "the new tuple marker")
        }
        let newLayout = try TupleData.scan(&reader)
        let base = oldLayout?.cells.lowerBound ?? newLayout.cells.lowerBound
        let storage = reader.copy(base..<newLayout.cells.upperBound)
        var oldTuple: OldTuple?
        if let oldMarker, let oldLayout {
            oldTuple = OldTuple(marker: oldMarker, tuple: TupleData(storage: storage, base: base, layout: oldLayout))
        }
        return Update(
            streamedTransactionID: xid,
            relationID: relationID,
            oldTuple: oldTuple,
            newTuple: TupleData(storage: storage, base: base, layout: newLayout)
        )
    }
}
