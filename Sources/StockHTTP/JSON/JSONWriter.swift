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
/// token it is faster than either, and the copy of the array into a buffer is gone.) A DTO whose size is bounded
/// writes its members through one reservation (``tokens(atMost:_:)``): `AvailabilityItem` checks the buffer once
/// per item.
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
    mutating func beginObject() { tokens(atMost: 2) { $0.beginObject() } }

    /// Ends an object (`}`).
    mutating func endObject() { tokens(atMost: 1) { $0.endObject() } }

    /// Starts an array (`[`).
    mutating func beginArray() { tokens(atMost: 2) { $0.beginArray() } }

    /// Ends an array (`]`).
    mutating func endArray() { tokens(atMost: 1) { $0.endArray() } }

    /// Writes an object key and its colon. Keys are fixed ASCII names that need no escaping.
    mutating func key(_ name: StaticString) { tokens(atMost: name.utf8CodeUnitCount + 4) { $0.key(name) } }

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
        tokens(atMost: JSONTokens.room(forString: bytes.count)) { $0.string(utf8: bytes) }
    }

    /// Writes an integer value.
    mutating func integer(_ value: some BinaryInteger) { tokens(atMost: 22) { $0.integer(value) } }

    /// Writes an integer value, or `null`.
    mutating func integer<T: BinaryInteger>(_ value: T?) {
        if let value { integer(value) } else { null() }
    }

    /// Writes a non-negative integer as a JSON string of its decimal digits (`"1234"`), without building a `String`:
    /// for numbers a client must not read through a binary float (a change cursor's 64 bits).
    mutating func integerString(_ value: UInt64) { tokens(atMost: 23) { $0.integerString(value) } }

    /// Writes a quantity as an exact JSON number: the same text as ``Quantity/description`` (`12`, `2.5`,
    /// `-0.000001`), written digit by digit without building a `String`, never through a binary float.
    mutating func quantity(_ value: Quantity) { tokens(atMost: JSONTokens.quantityRoom) { $0.quantity(value) } }

    /// Writes `true` or `false`.
    mutating func bool(_ value: Bool) { tokens(atMost: 6) { $0.bool(value) } }

    /// Writes `null`.
    mutating func null() { tokens(atMost: 5) { $0.null() } }

    /// Writes a value that knows how to write itself.
    mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }

    /// Writes a line feed and starts a new top-level value (for NDJSON).
    mutating func newline() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        needsComma = false
    }

    /// Writes several tokens through one reservation of `count` bytes: the buffer makes room once, then `body`
    /// stores the tokens with no further check. `count` must bound what `body` writes (``JSONTokens`` gives the
    /// room of each kind of token); a DTO with a bounded size writes its fixed members this way.
    @inline(__always)
    mutating func tokens(atMost count: Int, _ body: (inout JSONTokens) -> Void) {
        let comma = needsComma
        var after = comma
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            var tokens = JSONTokens(base: raw.baseAddress!, needsComma: comma)
            body(&tokens)
            precondition(tokens.count <= count, "JSON tokens overran the room reserved for them")
            after = tokens.needsComma
            return tokens.count
        }
        needsComma = after
    }
}

/// Tokens written into room reserved beforehand (``JSONWriter/tokens(atMost:_:)``): stores through a pointer, no
/// capacity check. Each method's largest size is given by the `room` constants.
struct JSONTokens {
    private let base: UnsafeMutableRawPointer
    /// Bytes written.
    private(set) var count = 0
    /// Whether the next value needs a separating comma.
    fileprivate(set) var needsComma: Bool

    fileprivate init(base: UnsafeMutableRawPointer, needsComma: Bool) {
        self.base = base
        self.needsComma = needsComma
    }

    /// The largest quantity: a comma, a sign, 20 integer digits, the point and the fraction's digits.
    static var quantityRoom: Int { 23 + Quantity.decimalPlaces }

    /// The largest string of `length` UTF-8 bytes: a comma, the quotes and six bytes (`\u001f`) per byte.
    static func room(forString length: Int) -> Int { length * 6 + 3 }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A key and its colon (at most the name's length plus 4).
    mutating func key(_ name: StaticString) {
        separate()
        put(UInt8(ascii: "\""))
        put(name)
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A string, escaped (at most ``room(forString:)``).
    mutating func string(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        put(UInt8(ascii: "\""))
        if !bytes.contains(where: Self.needsEscaping) {
            put(bytes)
        } else {
            for byte in bytes { putEscaped(byte) }
        }
        put(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A string, escaped (at most ``room(forString:)`` of its UTF-8 length), or `null`.
    mutating func string(_ value: String?) {
        guard var value else { return null() }
        value.withUTF8 { string(utf8: $0) }
    }

    /// An integer (at most 22 bytes).
    mutating func integer(_ value: some BinaryInteger) {
        separate()
        if value < 0 { put(UInt8(ascii: "-")) }
        put(digits: UInt64(value.magnitude))
        needsComma = true
    }

    /// A non-negative integer as a string of its digits (at most 23 bytes).
    mutating func integerString(_ value: UInt64) {
        separate()
        put(UInt8(ascii: "\""))
        put(digits: value)
        put(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A quantity as an exact JSON number (at most ``quantityRoom``).
    mutating func quantity(_ value: Quantity) {
        separate()
        let scale = UInt64(Quantity.scale)
        let magnitude = value.rawValue.magnitude
        if value.rawValue < 0 { put(UInt8(ascii: "-")) }
        put(digits: magnitude / scale)
        var fraction = magnitude % scale
        if fraction != 0 {
            var places = Quantity.decimalPlaces
            while fraction % 10 == 0 {
                fraction /= 10
                places -= 1
            }
            put(UInt8(ascii: "."))
            put(digits: fraction, width: places)
        }
        needsComma = true
    }

    /// `true` or `false` (at most 6 bytes).
    mutating func bool(_ value: Bool) {
        separate()
        put(value ? "true" : "false")
        needsComma = true
    }

    /// `null` (at most 5 bytes).
    mutating func null() {
        separate()
        put("null")
        needsComma = true
    }

    // MARK: Bytes

    @inline(__always)
    private mutating func open(_ bracket: UInt8) {
        separate()
        put(bracket)
        needsComma = false
    }

    @inline(__always)
    private mutating func close(_ bracket: UInt8) {
        put(bracket)
        needsComma = true
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }

    @inline(__always)
    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    private mutating func put(_ text: StaticString) {
        (base + count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    @inline(__always)
    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let source = bytes.baseAddress { (base + count).copyMemory(from: source, byteCount: bytes.count) }
        count += bytes.count
    }

    /// The decimal digits of a non-negative integer, at least `width` of them (leading zeros: a fraction's).
    @inline(__always)
    private mutating func put(digits value: UInt64, width: Int = 1) {
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

    private mutating func putEscaped(_ byte: UInt8) {
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
