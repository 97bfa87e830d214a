/// A 64-bit integer stored as two 32-bit halves, so a struct that holds it needs only 4-byte alignment.
@frozen
@usableFromInline
struct PackedInt64: Hashable, Sendable {
    @usableFromInline var low: UInt32
    @usableFromInline var high: UInt32

    @inlinable
    init(_ value: Int64) {
        low = UInt32(truncatingIfNeeded: value)
        high = UInt32(truncatingIfNeeded: value >> 32)
    }

    /// The value, exactly as stored.
    @inlinable
    var value: Int64 { Int64(bitPattern: UInt64(high) << 32 | UInt64(low)) }
}
