/// Keys of stored rows: the 32-bit id, big-endian with the sign bit flipped, so LMDB's byte order is id order.
enum RowKey {
    static func encode(_ id: Int32) -> (UInt8, UInt8, UInt8, UInt8) {
        let value = UInt32(bitPattern: id) ^ 0x8000_0000
        return (UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value))
    }

    static func withKey<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: encode(id)) { try body($0) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(StoreError) -> Int32 {
        guard bytes.count == 4 else { throw StoreError.corruptRow("a row key has \(bytes.count) bytes, not 4") }
        let value = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        return Int32(bitPattern: value ^ 0x8000_0000)
    }

    /// A many-to-many row's key: both ids, each encoded as above, so cursor order is (first, second) order.
    static func withKey<R>(_ first: Int32, _ second: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let a = encode(first)
        let b = encode(second)
        return try withUnsafeBytes(of: (a.0, a.1, a.2, a.3, b.0, b.1, b.2, b.3)) { try body($0) }
    }

    static func decodePair(_ bytes: UnsafeRawBufferPointer) throws(StoreError) -> (Int32, Int32) {
        guard bytes.count == 8 else { throw StoreError.corruptRow("a link key has \(bytes.count) bytes, not 8") }
        return (try decode(UnsafeRawBufferPointer(rebasing: bytes[0..<4])), try decode(UnsafeRawBufferPointer(rebasing: bytes[4..<8])))
    }
}
