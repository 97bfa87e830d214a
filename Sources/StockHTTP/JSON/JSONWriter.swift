import Hummingbird
import StockProjection

/// Writes JSON text as UTF-8 bytes, with numbers written from their exact decimal text.
///
/// `JSONEncoder` writes every number through `Double`, which would turn the quantity `0.3` into
/// `0.30000000000000004` and drop digits of large values. stockd's quantities are exact fixed-point
/// values, so responses are written by this writer instead: a ``Quantity`` is written as the text of its
/// ``Quantity/description`` (`12`, `2.5`, `-0.000001`), which is valid JSON number text. Tests check the
/// two agree for every kind of value.
///
/// The writer tracks only whether the next value needs a separating comma; callers are responsible for
/// balancing objects and arrays, which the `JSONWritable` DTOs do by construction.
struct JSONWriter {
    /// The JSON written so far, as UTF-8 bytes.
    ///
    /// Bytes are gathered in an array (appending a byte to a reserved array is a store and a count check)
    /// and copied into a `ByteBuffer` once, in ``buffer``. Writing byte by byte straight into a `ByteBuffer`
    /// saves that copy and one allocation but made a 100-SKU answer 1.9 times slower (`HTTPBenchmarks`,
    /// `router-post-query-100-skus-warehouse-5k`: 271 µs against 145 µs at p50, measured back to back).
    private(set) var bytes: [UInt8]
    private var needsComma = false

    /// Creates a writer with room for `capacity` bytes before it grows.
    init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The JSON written so far, in a new buffer.
    var buffer: ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return buffer
    }

    /// Starts an object (`{`).
    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Ends an object (`}`).
    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Starts an array (`[`).
    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Ends an array (`]`).
    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object key and its colon. Keys are fixed ASCII names that need no escaping.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
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
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDigits(UInt64(value.magnitude))
        } else {
            appendDigits(UInt64(value))
        }
        needsComma = true
    }

    /// Writes an integer value, or `null`.
    mutating func integer<T: BinaryInteger>(_ value: T?) {
        if let value { integer(value) } else { null() }
    }

    /// Writes a quantity as an exact JSON number: the same text as ``Quantity/description`` (`12`, `2.5`,
    /// `-0.000001`), written digit by digit without building a `String`, never through a binary float.
    mutating func quantity(_ value: Quantity) {
        separate()
        let scale = UInt64(Quantity.scale)
        if value.rawValue < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.rawValue.magnitude
        appendDigits(magnitude / scale)
        var fraction = magnitude % scale
        if fraction != 0 {
            var digits = Quantity.decimalPlaces
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            bytes.append(UInt8(ascii: "."))
            // Leading zeros of the fraction, then its significant digits.
            var width = 1
            var probe = fraction
            while probe >= 10 {
                probe /= 10
                width += 1
            }
            for _ in 0..<(digits - width) { bytes.append(UInt8(ascii: "0")) }
            appendDigits(fraction)
        }
        needsComma = true
    }

    /// Writes `true` or `false`.
    mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
        needsComma = true
    }

    /// Writes `null`.
    mutating func null() {
        separate()
        append("null")
        needsComma = true
    }

    /// Writes a value that knows how to write itself.
    mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }

    /// Writes a line feed and starts a new top-level value (for NDJSON).
    mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
        needsComma = false
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends the decimal digits of a non-negative integer.
    private mutating func appendDigits(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var remaining = value
            var index = raw.count
            while remaining > 0 {
                index -= 1
                raw[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[index...]))
        }
    }

    private mutating func writeEscaped(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = value.utf8
        if !utf8.contains(where: Self.needsEscaping) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                case 0..<0x20:
                    append("\\u00")
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                default:
                    bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
