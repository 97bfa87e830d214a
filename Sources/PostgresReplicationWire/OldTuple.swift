/// The old values that an ``Update`` or ``Delete`` carries, as the table's replica identity decides.
///
/// See "Logical Replication Message Formats"
/// (<https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `K` is followed by the old key's TupleData, `O` by the whole old row's.
public enum OldTuple: Hashable, Sendable {
    /// `K`: the replica identity key columns of the old row. The other columns are NULL in the tuple.
    case key(TupleData)
    /// `O`: the whole old row (`REPLICA IDENTITY FULL`).
    case fullRow(TupleData)

    /// The tuple, whichever kind it is.
    public var tuple: TupleData {
        switch self {
        case .key(let tuple), .fullRow(let tuple): tuple
        }
    }

    /// The marker byte on the wire: `K` or `O`.
    public var marker: UInt8 {
        switch self {
        case .key: UInt8(ascii: "K")
        case .fullRow: UInt8(ascii: "O")
        }
    }

    /// Builds the value for a marker and a decoded tuple.
    init(marker: UInt8, tuple: TupleData) {
        self = marker == UInt8(ascii: "O") ? .fullRow(tuple) : .key(tuple)
    }
}
