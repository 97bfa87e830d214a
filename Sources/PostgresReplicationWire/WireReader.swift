/// Big-endian reads over one complete message, each checked against the bytes left.
///
/// This is the only type in the module that touches raw memory. It reads from a buffer it does not own, so a
/// reader must not outlive the `UnsafeRawBufferPointer` it was made from; decoders create one, read a message and
/// drop it within one call. Every read throws ``WireDecodingError`` when the bytes run out, and the errors carry the
/// tags read so far, the offset of the offending field and a hex dump.
struct WireReader: ~Copyable {
    /// The whole message.
    let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    private(set) var offset = 0
    /// The CopyData tag, once read.
    var replicationMessageTag: UInt8?
    /// The pgoutput tag, once read.
    var pgOutputMessageTag: UInt8?

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - offset }

    // MARK: Errors

    /// An error at `offset` (default: the next byte).
    func error(_ code: WireDecodingError.Code, at offset: Int? = nil, _ detail: String) -> WireDecodingError {
        let at = offset ?? self.offset
        let start = max(0, at - 8)
        let end = min(bytes.count, at + 9)
        var parts: [String] = start > 0 ? ["…"] : []
        for index in start..<end {
            let byte = bytes[index]
            let hex = (byte < 16 ? "0" : "") + String(byte, radix: 16)
            parts.append(index == at ? "[" + hex + "]" : hex)
        }
        if at >= bytes.count {
            parts.append("[end]")
        } else if end < bytes.count {
            parts.append("…")
        }
        let dump = parts.joined(separator: " ")
        return WireDecodingError(
            code: code,
            replicationMessageTag: replicationMessageTag,
            pgOutputMessageTag: pgOutputMessageTag,
            offset: at,
            messageLength: bytes.count,
            hexDump: dump,
            detail: detail
        )
    }

    /// Throws ``WireDecodingError/Code/truncated`` unless `count` bytes remain.
    func need(_ count: Int, for what: StaticString) throws(WireDecodingError) {
        guard remaining >= count else {
            throw error(.truncated, "needs \(count) bytes for \(what), \(remaining) left")
        }
    }

    // MARK: Reads

    /// One byte.
    mutating func readUInt8(_ what: StaticString) throws(WireDecodingError) -> UInt8 {
        try need(1, for: what)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A big-endian integer.
    mutating func readInteger<T: FixedWidthInteger>(_: T.Type, _ what: StaticString) throws(WireDecodingError) -> T {
        try need(MemoryLayout<T>.size, for: what)
        defer { offset += MemoryLayout<T>.size }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func readUInt16(_ what: StaticString) throws(WireDecodingError) -> UInt16 {
        try readInteger(UInt16.self, what)
    }

    mutating func readUInt32(_ what: StaticString) throws(WireDecodingError) -> UInt32 {
        try readInteger(UInt32.self, what)
    }

    mutating func readInt32(_ what: StaticString) throws(WireDecodingError) -> Int32 {
        try readInteger(Int32.self, what)
    }

    mutating func readLSN(_ what: StaticString) throws(WireDecodingError) -> LSN {
        LSN(rawValue: try readInteger(UInt64.self, what))
    }

    mutating func readTimestamp(_ what: StaticString) throws(WireDecodingError) -> PostgresTimestamp {
        PostgresTimestamp(rawValue: try readInteger(Int64.self, what))
    }

    /// A one-byte marker that must be one of `allowed`.
    mutating func readMarker(_ allowed: StaticString, _ what: StaticString) throws(WireDecodingError) -> UInt8 {
        let at = offset
        let byte = try readUInt8(what)
        let ok = allowed.withUTF8Buffer { $0.contains(byte) }
        guard ok else {
            throw error(
                .unexpectedByte, at: at, "\(what) is \(WireDecodingError.printable(byte)), expected one of \(allowed)")
        }
        return byte
    }

    /// A NUL-terminated string, decoded as UTF-8 (invalid sequences become U+FFFD).
    mutating func readString(_ what: StaticString) throws(WireDecodingError) -> String {
        var end = offset
        while end < bytes.count, bytes[end] != 0 { end += 1 }
        guard end < bytes.count else {
            throw error(.unterminatedString, "\(what) has no terminating NUL in the \(remaining) bytes left")
        }
        defer { offset = end + 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
    }

    /// An `Int32` length, checked to be non-negative and at most the bytes left after it.
    mutating func readLength(_ what: StaticString) throws(WireDecodingError) -> Int {
        let at = offset
        let length = try readInt32(what)
        guard length >= 0, Int(length) <= remaining else {
            throw error(.invalidLength, at: at, "\(what) is \(length), \(remaining) bytes left")
        }
        return Int(length)
    }

    /// `count` bytes, copied into an array.
    mutating func readBytes(_ count: Int, _ what: StaticString) throws(WireDecodingError) -> [UInt8] {
        guard count >= 0 else { throw error(.invalidLength, "\(what) has a negative length \(count)") }
        try need(count, for: what)
        defer { offset += count }
        return [UInt8](UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
    }

    /// Skips `count` bytes.
    mutating func skip(_ count: Int, _ what: StaticString) throws(WireDecodingError) {
        try need(count, for: what)
        offset += count
    }

    /// A copy of the bytes in `range`, which must lie within the message.
    func copy(_ range: Range<Int>) -> [UInt8] {
        if range.isEmpty { return [] }
        return [UInt8](UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Throws ``WireDecodingError/Code/trailingBytes`` unless the whole message has been read.
    func expectEnd() throws(WireDecodingError) {
        guard remaining == 0 else {
            throw error(.trailingBytes, "\(remaining) bytes after the end of the message")
        }
    }
}
