/// One message of the pgoutput logical decoding plugin, as carried in an ``XLogData``'s payload.
///
/// The cases follow "Logical Replication Message Formats"
/// (<https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>). Protocol version 1 messages
/// (Begin, Commit, Origin, Relation, Type, Insert, Update, Delete, Truncate, Message) decode completely; the
/// streaming messages of version 2 (Stream Start, Stop, Commit, Abort) decode too. The two-phase commit messages of
/// version 3 (`b`, `P`, `K`, `r`, `p`) are not supported and throw ``WireDecodingError/Code/unknownMessage``, as
/// does any unknown tag.
///
/// Each case's payload is a value that owns its bytes; nothing refers to the decoded buffer afterwards.
public enum PgOutputMessage: Hashable, Sendable {
    /// `B`: a transaction begins.
    case begin(Begin)
    /// `C`: the transaction commits.
    case commit(Commit)
    /// `O`: the transaction came from another server.
    case origin(Origin)
    /// `R`: a table's description.
    case relation(Relation)
    /// `Y`: a data type's name.
    case type(TypeMessage)
    /// `I`: a new row.
    case insert(Insert)
    /// `U`: a changed row.
    case update(Update)
    /// `D`: a removed row.
    case delete(Delete)
    /// `T`: tables truncated.
    case truncate(Truncate)
    /// `M`: a `pg_logical_emit_message` message.
    case message(LogicalMessage)
    /// `S`: a streamed block begins (protocol version 2+).
    case streamStart(StreamStart)
    /// `E`: the streamed block ends (protocol version 2+).
    case streamStop(StreamStop)
    /// `c`: a streamed transaction commits (protocol version 2+).
    case streamCommit(StreamCommit)
    /// `A`: a streamed transaction or subtransaction aborts (protocol version 2+).
    case streamAbort(StreamAbort)

    /// The message's tag.
    public var id: ID {
        switch self {
        case .begin: .begin
        case .commit: .commit
        case .origin: .origin
        case .relation: .relation
        case .type: .type
        case .insert: .insert
        case .update: .update
        case .delete: .delete
        case .truncate: .truncate
        case .message: .message
        case .streamStart: .streamStart
        case .streamStop: .streamStop
        case .streamCommit: .streamCommit
        case .streamAbort: .streamAbort
        }
    }

    /// Decodes one bare pgoutput message, such as a row of `pg_logical_slot_peek_binary_changes` or the payload of
    /// an ``XLogData``.
    ///
    /// The buffer must hold exactly one message. The caller may free it as soon as this returns.
    ///
    /// - Parameters:
    ///   - bytes: The message, starting with its tag byte.
    ///   - insideStream: Whether the message comes between a Stream Start and its Stream Stop, so that data
    ///     messages start with a transaction ID. ``ReplicationDecoder`` tracks this for a stream of messages.
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if the tag is unknown, a length does not fit, or bytes are left over.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer,
        insideStream: Bool = false
    ) throws(WireDecodingError) -> PgOutputMessage {
        var reader = WireReader(bytes)
        let message = try decode(from: &reader, insideStream: insideStream)
        try reader.expectEnd()
        return message
    }

    /// Decodes one bare pgoutput message from any contiguous or non-contiguous bytes, such as an `[UInt8]`.
    ///
    /// - Parameters:
    ///   - bytes: The message, starting with its tag byte.
    ///   - insideStream: Whether the message comes inside a streamed block (see the `UnsafeRawBufferPointer`
    ///     overload).
    /// - Returns: The decoded message.
    /// - Throws: ``WireDecodingError`` if the tag is unknown, a length does not fit, or bytes are left over.
    public static func decode(
        _ bytes: some Collection<UInt8>,
        insideStream: Bool = false
    ) throws(WireDecodingError) -> PgOutputMessage {
        try withUnsafeRawBytes(of: bytes) { (buffer) throws(WireDecodingError) in
            try decode(buffer, insideStream: insideStream)
        }
    }

    /// Reads the tag and the payload, leaving the end check to the caller.
    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> PgOutputMessage {
        let tagOffset = reader.offset
        let tag = try reader.readUInt8("the pgoutput message tag")
        reader.pgOutputMessageTag = tag
        guard let id = ID(rawValue: tag) else {
            throw reader.error(
                .unknownMessage, at: tagOffset, "unknown pgoutput message tag \(WireDecodingError.printable(tag))")
        }
        switch id {
        case .begin: return .begin(try .decode(from: &reader, insideStream: insideStream))
        case .commit: return .commit(try .decode(from: &reader, insideStream: insideStream))
        case .origin: return .origin(try .decode(from: &reader, insideStream: insideStream))
        case .relation: return .relation(try .decode(from: &reader, insideStream: insideStream))
        case .type: return .type(try .decode(from: &reader, insideStream: insideStream))
        case .insert: return .insert(try .decode(from: &reader, insideStream: insideStream))
        case .update: return .update(try .decode(from: &reader, insideStream: insideStream))
        case .delete: return .delete(try .decode(from: &reader, insideStream: insideStream))
        case .truncate: return .truncate(try .decode(from: &reader, insideStream: insideStream))
        case .message: return .message(try .decode(from: &reader, insideStream: insideStream))
        case .streamStart: return .streamStart(try .decode(from: &reader, insideStream: insideStream))
        case .streamStop: return .streamStop(try .decode(from: &reader, insideStream: insideStream))
        case .streamCommit: return .streamCommit(try .decode(from: &reader, insideStream: insideStream))
        case .streamAbort: return .streamAbort(try .decode(from: &reader, insideStream: insideStream))
        }
    }
}

extension PgOutputMessage {
    /// The tag byte of each pgoutput message this module decodes.
    public enum ID: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        /// `B` (0x42)
        case begin = 0x42
        /// `C` (0x43)
        case commit = 0x43
        /// `O` (0x4F)
        case origin = 0x4F
        /// `R` (0x52)
        case relation = 0x52
        /// `Y` (0x59)
        case type = 0x59
        /// `I` (0x49)
        case insert = 0x49
        /// `U` (0x55)
        case update = 0x55
        /// `D` (0x44)
        case delete = 0x44
        /// `T` (0x54)
        case truncate = 0x54
        /// `M` (0x4D)
        case message = 0x4D
        /// `S` (0x53)
        case streamStart = 0x53
        /// `E` (0x45)
        case streamStop = 0x45
        /// `c` (0x63)
        case streamCommit = 0x63
        /// `A` (0x41)
        case streamAbort = 0x41

        /// The tag as a one-character string, such as `I`.
        public var description: String { String(UnicodeScalar(rawValue)) }
    }
}

/// Calls `body` with the bytes of `bytes`, without copying when they are contiguous.
func withUnsafeRawBytes<Bytes: Collection<UInt8>, Result>(
    of bytes: Bytes,
    _ body: (UnsafeRawBufferPointer) throws(WireDecodingError) -> Result
) throws(WireDecodingError) -> Result {
    let contiguous: Swift.Result<Result, WireDecodingError>? = bytes.withContiguousStorageIfAvailable { buffer in
        Swift.Result { () throws(WireDecodingError) -> Result in try body(UnsafeRawBufferPointer(buffer)) }
    }
    if let contiguous { return try contiguous.get() }
    let copy = Array(bytes)
    return try copy.withUnsafeBytes { buffer in
        Swift.Result { () throws(WireDecodingError) -> Result in try body(buffer) }
    }.get()
}
