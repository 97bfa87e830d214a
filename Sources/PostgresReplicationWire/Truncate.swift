/// pgoutput's Truncate message (`T`): one `TRUNCATE` of one or more tables.
///
/// Layout ("Logical Replication Message Formats",
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>):
/// `Byte1('T')`, `Int32` transaction ID (only inside a streamed transaction, protocol version 2+), `Int32` number
/// of relations, `Int8` options (1: `CASCADE`, 2: `RESTART IDENTITY`), then an `Int32` OID per relation.
public struct Truncate: Hashable, Sendable, PgOutputDecodable {
    /// The `TRUNCATE` options.
    public struct Options: OptionSet, Hashable, Sendable {
        /// The options byte.
        public var rawValue: UInt8

        /// Creates options from their byte.
        ///
        /// - Parameters:
        ///   - rawValue: The options byte; unknown bits are kept.
        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// `CASCADE` (bit 1).
        public static let cascade = Options(rawValue: 1)
        /// `RESTART IDENTITY` (bit 2).
        public static let restartIdentity = Options(rawValue: 2)
    }

    /// The streamed transaction's ID when the message came inside a streamed block, else `nil`.
    public var streamedTransactionID: UInt32?
    /// The options given to `TRUNCATE`.
    public var options: Options
    /// The OIDs of the truncated tables (including those reached through `CASCADE` that are published).
    public var relationIDs: [UInt32]

    /// Creates a Truncate message.
    ///
    /// - Parameters:
    ///   - streamedTransactionID: The streamed transaction's ID, or `nil` outside a streamed block.
    ///   - options: The `TRUNCATE` options.
    ///   - relationIDs: The truncated tables' OIDs.
    public init(streamedTransactionID: UInt32? = nil, options: Options, relationIDs: [UInt32]) {
        self.streamedTransactionID = streamedTransactionID
        self.options = options
        self.relationIDs = relationIDs
    }

    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Truncate {
        let xid = try reader.readStreamedTransactionID(insideStream: insideStream)
        let countOffset = reader.offset
        let count = try reader.readUInt32("the relation count")
        let options = Options(rawValue: try reader.readUInt8("the truncate options"))
        guard count <= reader.remaining / 4 else {
            throw reader.error(
                .invalidLength,
                at: countOffset,
                "\(count) relations need \(UInt64(count) * 4) bytes, \(reader.remaining) left"
            )
        }
        var relationIDs: [UInt32] = []
        relationIDs.reserveCapacity(Int(count))
        for _ in 0..<count { relationIDs.append(try reader.readUInt32("a truncated relation's OID")) }
        return Truncate(streamedTransactionID: xid, options: options, relationIDs: relationIDs)
    }
}
