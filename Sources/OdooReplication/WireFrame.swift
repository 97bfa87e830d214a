import OdooIngest

#if canImport(Glibc)
import Glibc
#endif

/// One CopyData message of the replication stream, decoded into what the feed acts on.
///
/// Layouts follow PostgreSQL's "Streaming Replication Protocol" (XLogData `w`, primary keepalive `k`) and
/// "Logical Replication Message Formats" (pgoutput protocol version 1). Every length is checked; bad bytes throw
/// ``WireFrameError``, never trap.
enum WireFrame: Equatable {
    /// `k`: the server's WAL end, and whether it wants a status update now.
    case keepalive(walEnd: UInt64, replyRequested: Bool)
    /// `w`: one pgoutput message.
    case data(walStart: UInt64, walEnd: UInt64, event: ReplicationEvent)

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(WireFrameError) -> WireFrame {
        var reader = WireReader(bytes)
        let tag = try reader.byte()
        switch tag {
        case UInt8(ascii: "k"):
            let walEnd = try reader.uint64()
            _ = try reader.uint64()  // send time
            let reply = try reader.byte() != 0
            try reader.finish()
            return .keepalive(walEnd: walEnd, replyRequested: reply)
        case UInt8(ascii: "w"):
            let walStart = try reader.uint64()
            let walEnd = try reader.uint64()
            _ = try reader.uint64()  // send time
            let event = try decodePgOutput(&reader)
            try reader.finish()
            return .data(walStart: walStart, walEnd: walEnd, event: event)
        default:
            throw reader.error("unknown replication message '\(Self.printable(tag))'")
        }
    }

    private static func decodePgOutput(_ reader: inout WireReader) throws(WireFrameError) -> ReplicationEvent {
        let tag = try reader.byte()
        switch tag {
        case UInt8(ascii: "B"):
            let finalLSN = try reader.uint64()
            let time = try reader.int64()
            let xid = try reader.uint32()
            return .begin(finalLSN: finalLSN, commitTime: PostgresEpoch.unixMicroseconds(time), xid: xid)
        case UInt8(ascii: "C"):
            _ = try reader.byte()  // flags
            let commitLSN = try reader.uint64()
            let endLSN = try reader.uint64()
            let time = try reader.int64()
            return .commit(commitLSN: commitLSN, endLSN: endLSN, commitTime: PostgresEpoch.unixMicroseconds(time))
        case UInt8(ascii: "R"):
            let oid = try reader.uint32()
            let namespace = try reader.string()
            let name = try reader.string()
            _ = try reader.byte()  // replica identity
            let count = Int(try reader.int16())
            guard count >= 0 else { throw reader.error("negative column count") }
            var columns: [String] = []
            columns.reserveCapacity(count)
            for _ in 0..<count {
                _ = try reader.byte()  // flags
                columns.append(try reader.string())
                _ = try reader.uint32()  // type oid
                _ = try reader.uint32()  // type modifier
            }
            return .relation(oid: oid, namespace: namespace, name: name, columns: columns)
        case UInt8(ascii: "I"):
            let oid = try reader.uint32()
            try reader.expect(UInt8(ascii: "N"))
            return .insert(oid: oid, new: try tuple(&reader))
        case UInt8(ascii: "U"):
            let oid = try reader.uint32()
            var old: [SourceCell]?
            var marker = try reader.byte()
            if marker == UInt8(ascii: "K") || marker == UInt8(ascii: "O") {
                old = try tuple(&reader)
                marker = try reader.byte()
            }
            guard marker == UInt8(ascii: "N") else { throw reader.error("update without a new tuple") }
            return .update(oid: oid, old: old, new: try tuple(&reader))
        case UInt8(ascii: "D"):
            let oid = try reader.uint32()
            let marker = try reader.byte()
            guard marker == UInt8(ascii: "K") || marker == UInt8(ascii: "O") else { throw reader.error("delete without an old tuple") }
            return .delete(oid: oid, old: try tuple(&reader))
        case UInt8(ascii: "T"):
            let count = Int(try reader.uint32())
            _ = try reader.byte()  // options
            guard count <= reader.remaining / 4 else { throw reader.error("truncate of \(count) relations exceeds the message") }
            var oids: [UInt32] = []
            for _ in 0..<count { oids.append(try reader.uint32()) }
            return .truncate(oids: oids)
        case UInt8(ascii: "O"):
            _ = try reader.uint64()
            _ = try reader.string()
            return .ignored
        case UInt8(ascii: "Y"):
            _ = try reader.uint32()
            _ = try reader.string()
            _ = try reader.string()
            return .ignored
        case UInt8(ascii: "M"):
            _ = try reader.byte()
            _ = try reader.uint64()
            _ = try reader.string()
            let length = Int(try reader.uint32())
            try reader.skip(length)
            return .ignored
        default:
            throw reader.error("unknown pgoutput message '\(printable(tag))'")
        }
    }

    private static func tuple(_ reader: inout WireReader) throws(WireFrameError) -> [SourceCell] {
        let count = Int(try reader.int16())
        guard count >= 0, count <= reader.remaining else { throw reader.error("tuple of \(count) columns exceeds the message") }
        var cells: [SourceCell] = []
        cells.reserveCapacity(count)
        for _ in 0..<count {
            let kind = try reader.byte()
            switch kind {
            case UInt8(ascii: "n"): cells.append(.null)
            case UInt8(ascii: "u"): cells.append(.unchanged)
            case UInt8(ascii: "t"): cells.append(.text(try reader.lengthPrefixedText()))
            case UInt8(ascii: "b"):
                // Binary values are only sent when the client asks for them (binary 'true'); stockd does not.
                throw reader.error("binary tuple value, which stockd does not request")
            default:
                throw reader.error("unknown tuple value kind '\(printable(kind))'")
            }
        }
        return cells
    }

    static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16)
    }
}

/// Why a replication message could not be read.
struct WireFrameError: Error, Equatable, CustomStringConvertible {
    var reason: String
    var offset: Int
    var excerpt: String

    var description: String { "undecodable replication message at byte \(offset): \(reason) [\(excerpt)]" }
}

/// PostgreSQL timestamps count microseconds from 2000-01-01; stockd uses the Unix epoch.
enum PostgresEpoch {
    static let offsetMicroseconds: Int64 = 946_684_800_000_000
    static func unixMicroseconds(_ postgres: Int64) -> Int64 { postgres &+ offsetMicroseconds }
    static func postgresMicroseconds(_ unix: Int64) -> Int64 { unix &- offsetMicroseconds }
}

/// Big-endian reads over one message, each checked against the bytes left.
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    func error(_ reason: String) -> WireFrameError {
        let start = max(0, offset - 8)
        let end = min(bytes.count, offset + 8)
        let excerpt = (start..<end).map { index in
            let hex = String(bytes[index], radix: 16)
            return (index == offset ? ">" : "") + (hex.count == 1 ? "0" + hex : hex)
        }.joined(separator: " ")
        return WireFrameError(reason: reason, offset: offset, excerpt: excerpt)
    }

    private mutating func need(_ count: Int) throws(WireFrameError) {
        guard count >= 0, remaining >= count else { throw error("needs \(count) more bytes, \(remaining) left") }
    }

    mutating func byte() throws(WireFrameError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func expect(_ value: UInt8) throws(WireFrameError) {
        let found = try byte()
        guard found == value else { throw error("expected '\(WireFrame.printable(value))', found '\(WireFrame.printable(found))'") }
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws(WireFrameError) -> T {
        try need(MemoryLayout<T>.size)
        defer { offset += MemoryLayout<T>.size }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func uint64() throws(WireFrameError) -> UInt64 { try integer(UInt64.self) }
    mutating func int64() throws(WireFrameError) -> Int64 { try integer(Int64.self) }
    mutating func uint32() throws(WireFrameError) -> UInt32 { try integer(UInt32.self) }
    mutating func int16() throws(WireFrameError) -> Int16 { try integer(Int16.self) }

    mutating func skip(_ count: Int) throws(WireFrameError) {
        try need(count)
        offset += count
    }

    /// A NUL-terminated string.
    mutating func string() throws(WireFrameError) -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw error("string without a terminating NUL") }
        defer { offset = end + 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
    }

    /// An Int32 length followed by that many bytes of text.
    mutating func lengthPrefixedText() throws(WireFrameError) -> String {
        let length = Int(try integer(Int32.self))
        try need(length)
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
    }

    func finish() throws(WireFrameError) {
        guard remaining == 0 else { throw error("\(remaining) unexpected bytes after the message") }
    }
}

/// The client's `r` message: what it has written, flushed and applied.
struct StandbyStatus: Equatable {
    var written: UInt64
    var flushed: UInt64
    var applied: UInt64
    var replyRequested = false

    /// The 34-byte message.
    func bytes(nowUnixMicroseconds: Int64 = currentUnixMicroseconds()) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "r")]
        bytes.reserveCapacity(34)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
        append(written)
        append(flushed)
        append(applied)
        append(PostgresEpoch.postgresMicroseconds(nowUnixMicroseconds))
        bytes.append(replyRequested ? 1 : 0)
        return bytes
    }
}

func currentUnixMicroseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
}
