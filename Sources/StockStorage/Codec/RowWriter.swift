/// Appends a row's fields to a reusable byte buffer in stockd's storage format: little-endian fixed-width
/// integers, a presence byte before optional values, and UTF-8 strings prefixed by their length.
struct RowWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func write(_ value: String?) {
        write(value != nil)
        if let value { write(value) }
    }

    mutating func write(_ value: Int32?) {
        write(value != nil)
        if let value { write(value) }
    }

    mutating func write(_ value: Int64?) {
        write(value != nil)
        if let value { write(value) }
    }
}

/// Reads fields written by ``RowWriter``, checking every length; a short or malformed row throws instead of
/// trapping, so a damaged store is reported, never misread.
struct RowReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(StoreError) -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else {
            throw StoreError.corruptRow("a \(size)-byte integer at offset \(offset) runs past the row's \(bytes.count) bytes")
        }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    mutating func readBool() throws(StoreError) -> Bool {
        let byte: UInt8 = try read()
        guard byte <= 1 else { throw StoreError.corruptRow("byte \(byte) at offset \(offset - 1) is not a boolean") }
        return byte == 1
    }

    mutating func readString() throws(StoreError) -> String {
        let count = Int(try read(UInt32.self))
        guard bytes.count - offset >= count else { throw StoreError.corruptRow("a \(count)-byte string at offset \(offset) runs past the row") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
        offset += count
        return text
    }

    /// The bytes of a string, without building a `String` (they stay valid while the row's memory does).
    mutating func readStringBytes() throws(StoreError) -> UnsafeRawBufferPointer {
        let count = Int(try read(UInt32.self))
        guard bytes.count - offset >= count else { throw StoreError.corruptRow("a \(count)-byte string at offset \(offset) runs past the row") }
        let text = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        offset += count
        return text
    }

    /// The bytes of an optional string (``readOptionalString()`` without the `String`).
    mutating func readOptionalStringBytes() throws(StoreError) -> UnsafeRawBufferPointer? {
        try readBool() ? try readStringBytes() : nil
    }

    mutating func readOptionalString() throws(StoreError) -> String? {
        try readBool() ? try readString() : nil
    }

    mutating func readOptional<T: FixedWidthInteger>(_: T.Type = T.self) throws(StoreError) -> T? {
        try readBool() ? try read(T.self) : nil
    }

    func finish() throws(StoreError) {
        guard isAtEnd else { throw StoreError.corruptRow("\(bytes.count - offset) unexpected bytes at the end of a row") }
    }
}
