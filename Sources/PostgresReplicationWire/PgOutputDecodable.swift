/// A pgoutput message body that can be read from a ``WireReader``.
///
/// The dispatcher in ``PgOutputMessage`` reads the tag byte, then calls the payload's `decode`; the top-level
/// decoder checks afterwards that nothing is left over.
protocol PgOutputDecodable {
    /// Reads the body that follows the tag byte.
    ///
    /// - Parameters:
    ///   - reader: The message, positioned after the tag.
    ///   - insideStream: Whether a Stream Start has been seen without its Stream Stop, in which case data messages
    ///     begin with the transaction ID (protocol version 2 and later).
    /// - Returns: The payload.
    /// - Throws: ``WireDecodingError`` if the bytes do not hold the payload.
    static func decode(from reader: inout WireReader, insideStream: Bool) throws(WireDecodingError) -> Self
}

extension WireReader {
    /// The transaction ID that starts data messages inside a streamed block, or `nil` outside one.
    mutating func readStreamedTransactionID(insideStream: Bool) throws(WireDecodingError) -> UInt32? {
        insideStream ? try readUInt32("the streamed transaction ID") : nil
    }
}
