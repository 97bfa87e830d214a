/// The `r` message a replication client sends: how far it has written, flushed and applied the stream.
///
/// The server may recycle WAL and advance the slot's `confirmed_flush_lsn` up to ``flushed``, so a consumer
/// reports as flushed only what it has stored durably. Send it with `PQputCopyData` and `PQflush`, periodically and
/// whenever a ``PrimaryKeepalive`` asks for a reply.
///
/// Layout ("Streaming Replication Protocol", <https://www.postgresql.org/docs/current/protocol-replication.html>):
/// `Byte1('r')`, `Int64` last WAL byte + 1 written to disk, `Int64` last WAL byte + 1 flushed to disk, `Int64` last
/// WAL byte + 1 applied, `Int64` the client's clock (µs since 2000-01-01), `Byte1` 1 to ask the server for an
/// immediate reply, else 0. 34 bytes in all, big-endian.
public struct StandbyStatusUpdate: Hashable, Sendable {
    /// The size of the encoded message: 34 bytes.
    public static let byteCount = 34

    /// The tag byte, `r` (0x72).
    public static let tag = UInt8(ascii: "r")

    /// The position up to which the client has received and written the stream.
    public var written: LSN
    /// The position up to which the client has stored the stream durably.
    public var flushed: LSN
    /// The position up to which the client has applied the stream.
    public var applied: LSN
    /// The client's clock when it sends the message.
    public var clientTime: PostgresTimestamp
    /// Whether the client asks the server to reply at once (with a keepalive).
    public var replyRequested: Bool

    /// Creates a status update.
    ///
    /// - Parameters:
    ///   - written: The written position.
    ///   - flushed: The durably stored position.
    ///   - applied: The applied position.
    ///   - clientTime: The client's current time.
    ///   - replyRequested: Whether to ask for an immediate reply; `false` by default.
    public init(written: LSN, flushed: LSN, applied: LSN, clientTime: PostgresTimestamp, replyRequested: Bool = false) {
        self.written = written
        self.flushed = flushed
        self.applied = applied
        self.clientTime = clientTime
        self.replyRequested = replyRequested
    }

    /// Appends the 34-byte message to `buffer`.
    ///
    /// Reusing one buffer (`removeAll(keepingCapacity: true)` between messages) makes sending allocation-free.
    ///
    /// - Parameters:
    ///   - buffer: The bytes to append to.
    public func encode(into buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + Self.byteCount)
        buffer.append(Self.tag)
        withUnsafeBytes(of: written.rawValue.bigEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: flushed.rawValue.bigEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: applied.rawValue.bigEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: clientTime.rawValue.bigEndian) { buffer.append(contentsOf: $0) }
        buffer.append(replyRequested ? 1 : 0)
    }

    /// The 34-byte message.
    public var bytes: [UInt8] {
        var buffer: [UInt8] = []
        encode(into: &buffer)
        return buffer
    }

    /// Decodes a status update, as a server (or a test standing in for one) receives it.
    ///
    /// - Parameters:
    ///   - bytes: Exactly one 34-byte `r` message.
    /// - Returns: The status update.
    /// - Throws: ``WireDecodingError`` if the tag is not `r` or the message is not 34 bytes.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(WireDecodingError) -> StandbyStatusUpdate {
        var reader = WireReader(bytes)
        let tag = try reader.readUInt8("the replication message tag")
        reader.replicationMessageTag = tag
        guard tag == Self.tag else {
            throw reader.error(.unknownMessage, at: 0, "tag \(WireDecodingError.printable(tag)) is not 'r'")
        }
        let update = StandbyStatusUpdate(
            written: try reader.readLSN("the written LSN"),
            flushed: try reader.readLSN("the flushed LSN"),
            applied: try reader.readLSN("the applied LSN"),
            clientTime: try reader.readTimestamp("the client time"),
            replyRequested: try reader.readUInt8("the reply-requested flag") != 0
        )
        try reader.expectEnd()
        return update
    }

    /// Decodes a status update from any bytes, such as an `[UInt8]`.
    ///
    /// - Parameters:
    ///   - bytes: Exactly one 34-byte `r` message.
    /// - Returns: The status update.
    /// - Throws: ``WireDecodingError`` if the tag is not `r` or the message is not 34 bytes.
    public static func decode(_ bytes: some Collection<UInt8>) throws(WireDecodingError) -> StandbyStatusUpdate {
        try withUnsafeRawBytes(of: bytes) { (buffer) throws(WireDecodingError) in try decode(buffer) }
    }
}
