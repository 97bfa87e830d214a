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
}
