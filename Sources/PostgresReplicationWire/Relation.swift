/// pgoutput's Relation message (`R`): the description of a table whose changes follow.
///
/// The server sends it before the first change of a table in a session, and again after the table's definition
/// changes, so the latest Relation for an OID always describes the tuples that follow it: keep the latest one per
/// OID. Cells in a ``TupleData`` are in ``columns`` order.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('R')`, `Int32` transaction ID (only inside a streamed transaction, protocol version 2+), `Int32` relation
/// OID, `String` namespace (empty for `pg_catalog`), `String` relation name, `Int8` replica identity setting,
/// `Int16` column count, then per column `Int8` flags (1: part of the key), `String` name, `Int32` type OID,
/// `Int32` type modifier.
public struct Relation: Hashable, Sendable, PgOutputDecodable {
    /// The streamed transaction's ID when the message came inside a streamed block, else `nil`.
    public var streamedTransactionID: UInt32?
    /// The relation's OID, which identifies it in ``Insert``, ``Update``, ``Delete`` and ``Truncate``.
    public var id: UInt32
    /// The schema name, as sent: an empty string stands for `pg_catalog`.
    public var namespace: String
    /// The table name.
    public var name: String
    /// The table's `REPLICA IDENTITY` setting, which decides what old values Update and Delete carry.
    public var replicaIdentity: ReplicaIdentity
    /// The published columns, in tuple order (dropped and generated columns are not sent).
    public var columns: [Column]

    /// Creates a Relation message.
    ///
    /// - Parameters:
    ///   - streamedTransactionID: The streamed transaction's ID, or `nil` outside a streamed block.
    ///   - id: The relation OID.
    ///   - namespace: The schema name (empty for `pg_catalog`).
    ///   - name: The table name.
    ///   - replicaIdentity: The replica identity setting.
    ///   - columns: The columns in tuple order.
    public init(
        streamedTransactionID: UInt32? = nil,
        id: UInt32,
        namespace: String,
        name: String,
        replicaIdentity: ReplicaIdentity,
        columns: [Column]
    ) {
        self.streamedTransactionID = streamedTransactionID
        self.id = id
        self.namespace = namespace
        self.name = name
        self.replicaIdentity = replicaIdentity
        self.columns = columns
    }

    /// The position of the column named `name` in this relation's tuples.
    ///
    /// - Parameters:
    ///   - name: A column name, compared exactly (PostgreSQL folds unquoted names to lower case).
    /// - Returns: The column's index in ``columns`` and in each ``TupleData``, or `nil` if there is no such column.
    /// - Complexity: O(*n*) in the number of columns.
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Relation {
        let xid = try reader.readStreamedTransactionID(insideStream: insideStream)
        let id = try reader.readUInt32("the relation OID")
        let namespace = try reader.readString("the namespace")
        let name = try reader.readString("the relation name")
        let replicaIdentity = ReplicaIdentity(rawValue: try reader.readUInt8("the replica identity"))
        let countOffset = reader.offset
        let count = Int(try reader.readUInt16("the column count"))
        // Each column takes at least 10 bytes: flags, an empty name's NUL, type OID and modifier.
        guard count <= reader.remaining / 10 else {
            throw reader.error(
                .invalidLength,
                at: countOffset,
                "\(count) columns need at least \(count * 10) bytes, \(reader.remaining) left"
            )
        }
        var columns: [Column] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            columns.append(
                Column(
                    flags: try reader.readUInt8("the column flags"),
                    name: try reader.readString("the column name"),
                    typeOID: try reader.readUInt32("the column type OID"),
                    typeModifier: try reader.readInt32("the column type modifier")
                )
            )
        }
        return Relation(
            streamedTransactionID: xid,
            id: id,
            namespace: namespace,
            name: name,
            replicaIdentity: replicaIdentity,
            columns: columns
        )
    }
}
