extension Relation {
    /// A table's `REPLICA IDENTITY` setting (`pg_class.relreplident`), as sent in a ``Relation`` message.
    ///
    /// It decides what an ``Update`` or ``Delete`` carries of the old row: the key columns (default and index), the
    /// whole row (full) or nothing. Unknown values are kept, not rejected. See "Logical Replication Message Formats"
    /// (<https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>).
    public struct ReplicaIdentity: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The setting's byte: `d`, `n`, `f` or `i`.
        public var rawValue: UInt8

        /// Creates a setting from its byte.
        ///
        /// - Parameters:
        ///   - rawValue: The `relreplident` byte.
        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// `d`: the primary key, if any (the default).
        public static let `default` = ReplicaIdentity(rawValue: UInt8(ascii: "d"))
        /// `n`: nothing.
        public static let nothing = ReplicaIdentity(rawValue: UInt8(ascii: "n"))
        /// `f`: all columns.
        public static let full = ReplicaIdentity(rawValue: UInt8(ascii: "f"))
        /// `i`: the columns of a chosen unique index.
        public static let index = ReplicaIdentity(rawValue: UInt8(ascii: "i"))

        /// `default`, `nothing`, `full`, `index`, or the byte for other values.
        public var description: String {
            switch self {
            case .default: "default"
            case .nothing: "nothing"
            case .full: "full"
            case .index: "index"
            default: WireDecodingError.printable(rawValue)
            }
        }
    }
}
