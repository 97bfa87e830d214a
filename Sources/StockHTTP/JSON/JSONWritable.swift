import Hummingbird

/// A response DTO that writes itself as JSON through a ``JSONWriter``.
///
/// DTOs use this instead of `Encodable` so that quantities reach the wire as their exact decimal text.
protocol JSONWritable {
    /// Writes the value as one JSON value (usually an object).
    func write(to json: inout JSONWriter)
}

extension JSONWritable {
    /// The value as a complete JSON document.
    ///
    /// - Parameter capacity: The initial buffer size; the buffer grows as needed.
    func jsonBuffer(capacity: Int = 512) -> ByteBuffer {
        var writer = JSONWriter(capacity: capacity)
        write(to: &writer)
        return writer.buffer
    }
}
