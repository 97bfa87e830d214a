/// An Insert or Update carried by an XLogData frame, looked at in place: nothing is copied and nothing allocated.
///
/// ``peek(_:insideStream:)`` validates the whole frame exactly as ``ReplicationDecoder/decode(_:)-(UnsafeRawBufferPointer)``
/// would (every cell kind and length, no trailing bytes), but keeps only offsets, so a consumer can read a few
/// cells of the new row (``newCell(_:in:)``) and decide to drop the message before paying for a decoded
/// ``TupleData`` (one copy of the row's bytes). Anything else (another message, a malformed frame, a streamed
/// transaction's message) gives `nil`: decode it the ordinary way, which reports errors.
///
/// The offsets refer to the frame the peek was taken from; read cells only while that buffer is valid.
public struct RowPeek: Sendable {
    /// Which row message the frame carries.
    public enum Kind: Sendable, Equatable {
        /// `I`: a row was inserted.
        case insert
        /// `U`: a row was updated.
        case update
    }

    /// One cell read in place: its value bytes are a slice of the frame.
    public enum RawCell {
        /// `n`: the value is NULL.
        case null
        /// `u`: an unchanged TOASTed value that the server did not send.
        case unchangedToast
        /// `t`: the value's text, UTF-8 encoded.
        case text(UnsafeRawBufferPointer)
        /// `b`: the value in binary format.
        case binary(UnsafeRawBufferPointer)
    }

    /// Insert or Update.
    public let kind: Kind
    /// The XLogData frame's WAL start.
    public let walStart: LSN
    /// The XLogData frame's WAL end.
    public let walEnd: LSN
    /// The OID of the row's relation.
    public let relationID: UInt32
    /// Whether an Update carries the old key or old row (`K` or `O`); always `false` for an Insert.
    public let hasOldTuple: Bool
    /// The number of columns of the new row.
    public let newColumnCount: Int
    /// The frame offset of the new row's first cell.
    let newCellsStart: Int

    /// Looks at a CopyData payload without decoding it.
    ///
    /// - Parameters:
    ///   - frame: One CopyData payload of a replication connection.
    ///   - insideStream: Whether the connection is inside a streamed block (``ReplicationDecoder/insideStream``);
    ///     messages there carry a transaction id and are never peeked.
    /// - Returns: The row message's header and where its new row lies, or `nil` for anything that is not a valid,
    ///   non-streamed Insert or Update inside an XLogData frame.
    public static func peek(_ frame: UnsafeRawBufferPointer, insideStream: Bool = false) -> RowPeek? {
        guard !insideStream, frame.count > 25, frame[0] == ReplicationMessage.ID.xLogData.rawValue else { return nil }
        let tag = frame[25]
        guard tag == PgOutputMessage.ID.insert.rawValue || tag == PgOutputMessage.ID.update.rawValue else { return nil }
        return try? scan(frame, update: tag == PgOutputMessage.ID.update.rawValue)
    }

    /// The relation OID of an Insert or Update frame, read from its header alone (cheaper than ``peek(_:insideStream:)``,
    /// which validates the rows too).
    ///
    /// - Parameters:
    ///   - frame: One CopyData payload of a replication connection.
    ///   - insideStream: Whether the connection is inside a streamed block; then `nil`.
    /// - Returns: The OID, or `nil` for any other message.
    public static func relationID(of frame: UnsafeRawBufferPointer, insideStream: Bool = false) -> UInt32? {
        guard !insideStream, frame.count >= 30, frame[0] == ReplicationMessage.ID.xLogData.rawValue,
            frame[25] == PgOutputMessage.ID.insert.rawValue || frame[25] == PgOutputMessage.ID.update.rawValue
        else { return nil }
        return UInt32(frame[26]) << 24 | UInt32(frame[27]) << 16 | UInt32(frame[28]) << 8 | UInt32(frame[29])
    }

    private static func scan(_ frame: UnsafeRawBufferPointer, update: Bool) throws(WireDecodingError) -> RowPeek {
        var reader = WireReader(frame)
        try reader.skip(1, "the replication message tag")
        let walStart = try reader.readLSN("the WAL start")
        let walEnd = try reader.readLSN("the WAL end")
        try reader.skip(9, "the send time and the message tag")
        let relationID = try reader.readUInt32("the relation OID")
        var marker = try reader.readMarker(update ? "KON" : "N", "the tuple marker")
        var hasOld = false
        if marker != UInt8(ascii: "N") {
            hasOld = true
            _ = try TupleData.scan(&reader)
            marker = try reader.readMarker("N", "the new tuple marker")
        }
        let layout = try TupleData.scan(&reader)
        try reader.expectEnd()
        return RowPeek(
            kind: update ? .update : .insert,
            walStart: walStart,
            walEnd: walEnd,
            relationID: relationID,
            hasOldTuple: hasOld,
            newColumnCount: layout.count,
            newCellsStart: layout.cells.lowerBound
        )
    }

    /// A cell of the new row, read in place.
    ///
    /// - Parameters:
    ///   - column: A column number, from 0.
    ///   - frame: The frame this peek was taken from.
    /// - Returns: The cell, or `nil` if the row has no such column.
    /// - Complexity: O(`column`): cells are found by walking their lengths (validated by the peek).
    public func newCell(_ column: Int, in frame: UnsafeRawBufferPointer) -> RawCell? {
        guard column >= 0, column < newColumnCount else { return nil }
        var offset = newCellsStart
        for _ in 0..<column {
            switch frame[offset] {
            case TupleData.Cell.Kind.null, TupleData.Cell.Kind.unchangedToast: offset += 1
            default: offset += 5 + Self.length(frame, at: offset + 1)
            }
        }
        switch frame[offset] {
        case TupleData.Cell.Kind.null: return .null
        case TupleData.Cell.Kind.unchangedToast: return .unchangedToast
        case let kind:
            let value = UnsafeRawBufferPointer(rebasing: frame[offset + 5..<offset + 5 + Self.length(frame, at: offset + 1)])
            return kind == TupleData.Cell.Kind.text ? .text(value) : .binary(value)
        }
    }

    private static func length(_ frame: UnsafeRawBufferPointer, at offset: Int) -> Int {
        Int(frame[offset]) << 24 | Int(frame[offset + 1]) << 16 | Int(frame[offset + 2]) << 8 | Int(frame[offset + 3])
    }
}
