import Hummingbird
import StockProjection

/// Writes JSON text straight into a `ByteBuffer`, with numbers written from their exact decimal text.
///
/// `JSONEncoder` writes every number through `Double`, which would turn the quantity `0.3` into
/// `0.30000000000000004` and drop digits of large values. stockd's quantities are exact fixed-point
/// values, so responses are written by this writer instead: a ``Quantity`` is written as its
/// ``Quantity/description`` (`12`, `2.5`, `-0.000001`), which is valid JSON number text.
///
/// The writer tracks only whether the next value needs a separating comma; callers are responsible for
/// balancing objects and arrays, which the `JSONWritable` DTOs do by construction.
struct JSONWriter {
    /// The JSON written so far.
    private(set) var buffer: ByteBuffer
    private var needsComma = false

    /// Creates a writer with an empty buffer of the given capacity.
    init(capacity: Int = 512) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Starts an object (`{`).
    mutating func beginObject() {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Ends an object (`}`).
    mutating func endObject() {
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Starts an array (`[`).
    mutating func beginArray() {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
    }

    /// Ends an array (`]`).
    mutating func endArray() {
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object key and its colon. Keys are fixed ASCII names that need no escaping.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
        needsComma = false
    }

    /// Writes a string value, escaped as RFC 8259 requires.
    mutating func string(_ value: String) {
        separate()
        writeEscaped(value)
        needsComma = true
    }

    /// Writes a string value, or `null`.
    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// Writes an integer value.
    mutating func integer(_ value: some BinaryInteger) {
        separate()
        buffer.writeString(String(value))
        needsComma = true
    }

    /// Writes an integer value, or `null`.
    mutating func integer<T: BinaryInteger>(_ value: T?) {
        if let value { integer(value) } else { null() }
    }

    /// Writes a quantity as an exact JSON number: its decimal text, never a binary float.
    mutating func quantity(_ value: Quantity) {
        separate()
        buffer.writeString(value.description)
        needsComma = true
    }

    /// Writes `true` or `false`.
    mutating func bool(_ value: Bool) {
        separate()
        buffer.writeStaticString(value ? "true" : "false")
        needsComma = true
    }

    /// Writes `null`.
    mutating func null() {
        separate()
        buffer.writeStaticString("null")
        needsComma = true
    }

    /// Writes a value that knows how to write itself.
    mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }

    /// Writes a line feed and starts a new top-level value (for NDJSON).
    mutating func newline() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        needsComma = false
    }

    /// Takes the buffer written so far and starts an empty one, for streaming in chunks.
    mutating func takeBuffer(reservingCapacity capacity: Int) -> ByteBuffer {
        let full = buffer
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        needsComma = false
        return full
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    private mutating func writeEscaped(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        let utf8 = value.utf8
        if !utf8.contains(where: Self.needsEscaping) {
            buffer.writeString(value)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                case 0..<0x20:
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(Self.hexDigits[Int(byte >> 4)])
                    buffer.writeInteger(Self.hexDigits[Int(byte & 0x0F)])
                default:
                    buffer.writeInteger(byte)
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
