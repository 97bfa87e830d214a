/// One CopyData message that the server sends on a logical replication connection (CopyBoth mode).
///
/// After `START_REPLICATION SLOT … LOGICAL …`, libpq's `PQgetCopyData` returns one complete CopyData payload at a
/// time; each is one of these ("Streaming Replication Protocol",
/// <https://www.postgresql.org/docs/current/protocol-replication.html>): `w` ``XLogData`` carrying a pgoutput
/// message, or `k` ``PrimaryKeepalive``. Decoding is a pure function of the buffer: it checks every length, requires
/// the message to be consumed exactly, copies what it keeps, and throws ``WireDecodingError`` rather than trap.
public enum ReplicationMessage: Hashable, Sendable {
    /// `w`: WAL data, here one pgoutput message.
    case xLogData(XLogData)
    /// `k`: the server's keepalive.
    case primaryKeepalive(PrimaryKeepalive)

    /// The message's tag.
    public var id: ID {
        switch self {
        case .xLogData: .xLogData
        case .primaryKeepalive: .primaryKeepalive
        }
    }

    /// Decodes one CopyData message straight from libpq's buffer.
    ///
    /// Pass the bytes `PQgetCopyData` returned, as
    /// `UnsafeRawBufferPointer(start: buffer, count: Int(length))`; nothing is copied but the values the message
    /// keeps (a row's cells are copied once), so the buffer can be freed with `PQfreemem` right after.
    ///
    /// - Parameters:
    ///   - bytes: One complete CopyData payload, starting with its tag byte.
    ///   - insideStream: Whether a pgoutput Stream Start has been received without its Stream Stop, so that data
    ///     messages start with a transaction ID. Use ``ReplicationDecoder`` to have this tracked.
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if a tag is unknown, a length does not fit, or bytes are left over.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer,
        insideStream: Bool = false
    ) throws(WireDecodingError) -> ReplicationMessage {
        var reader = WireReader(bytes)
        let tagOffset = reader.offset
        let tag = try reader.readUInt8("the replication message tag")
        reader.replicationMessageTag = tag
        let message: ReplicationMessage
        switch ID(rawValue: tag) {
        case .xLogData:
            message = .xLogData(try XLogData.decode(from: &reader, insideStream: insideStream))
        case .primaryKeepalive:
            message = .primaryKeepalive(try PrimaryKeepalive.decode(from: &reader))
        case nil:
            throw reader.error(
                .unknownMessage,
                at: tagOffset,
                "unknown replication message tag \(WireDecodingError.printable(tag)), expected 'w' or 'k'"
            )
        }
        try reader.expectEnd()
        return message
    }

    /// Decodes one CopyData message from any bytes, such as an `[UInt8]`.
    ///
    /// Contiguous collections are read in place; others are copied first.
    ///
    /// - Parameters:
    ///   - bytes: One complete CopyData payload, starting with its tag byte.
    ///   - insideStream: Whether the message comes inside a pgoutput streamed block.
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if a tag is unknown, a length does not fit, or bytes are left over.
    public static func decode(
        _ bytes: some Collection<UInt8>,
        insideStream: Bool = false
    ) throws(WireDecodingError) -> ReplicationMessage {
        try withUnsafeRawBytes(of: bytes) { (buffer) throws(WireDecodingError) in
            try decode(buffer, insideStream: insideStream)
        }
    }
}

extension ReplicationMessage {
    /// The tag byte of each server-to-client replication message.
    public enum ID: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        /// `w` (0x77): XLogData.
        case xLogData = 0x77
        /// `k` (0x6B): primary keepalive.
        case primaryKeepalive = 0x6B

        /// The tag as a one-character string, such as `w`.
        public var description: String { String(UnicodeScalar(rawValue)) }
    }
}
