extension Relation {
    /// One column of a ``Relation``.
    ///
    /// Layout ("Logical Replication Message Formats", Relation,
    /// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>): `Int8` flags, `String`
    /// name, `Int32` type OID, `Int32` type modifier.
    public struct Column: Hashable, Sendable {
        /// The flags byte: bit 0 (1) marks a column that is part of the replica identity key.
        public var flags: UInt8
        /// The column name.
        public var name: String
        /// The OID of the column's data type (`pg_type.oid`; 23 is `int4`, 1700 `numeric`, 25 `text`).
        public var typeOID: UInt32
        /// The type modifier (`atttypmod`), -1 when there is none.
        public var typeModifier: Int32

        /// Creates a column description.
        ///
        /// - Parameters:
        ///   - flags: The flags byte (1 for a key column).
        ///   - name: The column name.
        ///   - typeOID: The data type's OID.
        ///   - typeModifier: The type modifier, -1 for none.
        public init(flags: UInt8, name: String, typeOID: UInt32, typeModifier: Int32) {
            self.flags = flags
            self.name = name
            self.typeOID = typeOID
            self.typeModifier = typeModifier
        }

        /// Whether the column is part of the replica identity key (flag bit 1).
        public var isKey: Bool { flags & 1 != 0 }
    }
}
