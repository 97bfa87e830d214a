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
///
/// Bytes go straight into the `ByteBuffer` the response sends, one token at a time: each token (a key with its
/// quotes, colon and separating comma; a number; a string) reserves its largest size once and is stored through a
/// pointer, so the buffer's capacity and uniqueness are checked once per token rather than once per byte. (Writing
/// byte by byte into a `ByteBuffer` made a 100-SKU answer 1.9 times slower than appending to a `[UInt8]`; token by
/// token it is faster than either, and the copy of the array into a buffer is gone.)
struct JSONWriter {
    /// The JSON written so far.
    private(set) var buffer: ByteBuffer
    private var needsComma = false

    /// Creates a writer with room for `capacity` bytes before it grows.
    init(capacity: Int = 512) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Whether nothing was written yet.
    var isEmpty: Bool { buffer.readableBytes == 0 }

    /// Starts an object (`{`).
    mutating func beginObject() { open(UInt8(ascii: "{")) }

    /// Ends an object (`}`).
    mutating func endObject() { close(UInt8(ascii: "}")) }

    /// Starts an array (`[`).
    mutating func beginArray() { open(UInt8(ascii: "[")) }

    /// Ends an array (`]`).
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes an object key and its colon. Keys are fixed ASCII names that need no escaping.
    mutating func key(_ name: StaticString) {
        let comma = needsComma
        write(atMost: name.utf8CodeUnitCount + 4) { out in
            if comma { out.put(UInt8(ascii: ",")) }
            out.put(UInt8(ascii: "\""))
            out.put(name)
            out.put(UInt8(ascii: "\""))
            out.put(UInt8(ascii: ":"))
        }
        needsComma = false
    }

    /// Writes a string value, escaped as RFC 8259 requires.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: $0) }
    }

    /// Writes a string value, or `null`.
    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// Writes a string value given as UTF-8 bytes, escaped as RFC 8259 requires.
    mutating func string(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let comma = needsComma
        if !bytes.contains(where: Self.needsEscaping) {
            write(atMost: bytes.count + 3) { out in
                if comma { out.put(UInt8(ascii: ",")) }
                out.put(UInt8(ascii: "\""))
                out.put(bytes)
                out.put(UInt8(ascii: "\""))
            }
        } else {
            // At most six bytes (`\u001f`) per byte.
            write(atMost: bytes.count * 6 + 3) { out in
                if comma { out.put(UInt8(ascii: ",")) }
                out.put(UInt8(ascii: "\""))
                for byte in bytes { out.putEscaped(byte) }
                out.put(UInt8(ascii: "\""))
            }
        }
        needsComma = true
    }

    /// Writes an integer value.
    mutating func integer(_ value: some BinaryInteger) {
        let comma = needsComma
        let negative = value < 0
        let magnitude = UInt64(value.magnitude)
        write(atMost: 22) { out in
            if comma { out.put(UInt8(ascii: ",")) }
            if negative { out.put(UInt8(ascii: "-")) }
            out.put(digits: magnitude)
        }
        needsComma = true
    }

    /// Writes an integer value, or `null`.
    mutating func integer<T: BinaryInteger>(_ value: T?) {
        if let value { integer(value) } else { null() }
    }

    /// Writes a non-negative integer as a JSON string of its decimal digits (`"1234"`), without building a `String`:
    /// for numbers a client must not read through a binary float (a change cursor's 64 bits).
    mutating func integerString(_ value: UInt64) {
        let comma = needsComma
        write(atMost: 23) { out in
            if comma { out.put(UInt8(ascii: ",")) }
            out.put(UInt8(ascii: "\""))
            out.put(digits: value)
            out.put(UInt8(ascii: "\""))
        }
        needsComma = true
    }

    /// Writes a quantity as an exact JSON number: the same text as ``Quantity/description`` (`12`, `2.5`,
    /// `-0.000001`), written digit by digit without building a `String`, never through a binary float.
    mutating func quantity(_ value: Quantity) {
        let comma = needsComma
        let scale = UInt64(Quantity.scale)
        let magnitude = value.rawValue.magnitude
        var fraction = magnitude % scale
        var places = Quantity.decimalPlaces
        if fraction != 0 {
            while fraction % 10 == 0 {
                fraction /= 10
                places -= 1
            }
        }
        // Sign, 20 integer digits, the point and the fraction's digits.
        write(atMost: 23 + Quantity.decimalPlaces) { out in
            if comma { out.put(UInt8(ascii: ",")) }
            if value.rawValue < 0 { out.put(UInt8(ascii: "-")) }
            out.put(digits: magnitude / scale)
            if fraction != 0 {
                out.put(UInt8(ascii: "."))
                out.put(digits: fraction, width: places)
            }
        }
        needsComma = true
    }

    /// Writes `true` or `false`.
    mutating func bool(_ value: Bool) { literal(value ? "true" : "false") }

    /// Writes `null`.
    mutating func null() { literal("null") }

    /// Writes a value that knows how to write itself.
    mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }

    /// Writes a line feed and starts a new top-level value (for NDJSON).
    mutating func newline() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        needsComma = false
    }

    // MARK: Tokens

    private mutating func open(_ bracket: UInt8) {
        let comma = needsComma
        write(atMost: 2) { out in
            if comma { out.put(UInt8(ascii: ",")) }
            out.put(bracket)
        }
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        buffer.writeInteger(bracket)
        needsComma = true
    }

    private mutating func literal(_ text: StaticString) {
        let comma = needsComma
        write(atMost: text.utf8CodeUnitCount + 1) { out in
            if comma { out.put(UInt8(ascii: ",")) }
            out.put(text)
        }
        needsComma = true
    }

    /// Writes one token of at most `count` bytes: the buffer makes room once, then `body` stores the bytes.
    @inline(__always)
    private mutating func write(atMost count: Int, _ body: (inout TokenOutput) -> Void) {
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            var out = TokenOutput(base: raw.baseAddress!)
            body(&out)
            assert(out.count <= count, "a JSON token overran the room it reserved")
            return out.count
        }
    }

    @inline(__always)
    fileprivate static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}

/// Where one token's bytes go: the writable bytes of the writer's buffer, room for the token reserved beforehand.
private struct TokenOutput {
    let base: UnsafeMutableRawPointer
    var count = 0

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func put(_ text: StaticString) {
        (base + count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let source = bytes.baseAddress { (base + count).copyMemory(from: source, byteCount: bytes.count) }
        count += bytes.count
    }

    /// The decimal digits of a non-negative integer, at least `width` of them (leading zeros: a fraction's).
    @inline(__always)
    mutating func put(digits value: UInt64, width: Int = 1) {
        var length = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            length += 1
        }
        length = max(length, width)
        var remaining = value
        var index = count + length
        while index > count {
            index -= 1
            base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10), toByteOffset: index, as: UInt8.self)
            remaining /= 10
        }
        count += length
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    mutating func putEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): put("\\\"")
        case UInt8(ascii: "\\"): put("\\\\")
        case 0x0A: put("\\n")
        case 0x0D: put("\\r")
        case 0x09: put("\\t")
        case 0x08: put("\\b")
        case 0x0C: put("\\f")
        case 0..<0x20:
            put("\\u00")
            put(Self.hexDigits.utf8Start[Int(byte >> 4)])
            put(Self.hexDigits.utf8Start[Int(byte & 0x0F)])
        default:
            put(byte)
        }
    }
}
