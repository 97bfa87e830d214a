import PostgresReplicationWire
import Testing

@Suite struct RowPeekTests {
    static func frame(_ message: PgOutputMessage) -> [UInt8] {
        var encoder = WireEncoder()
        encoder.replicationMessage(
            .xLogData(
                XLogData(walStart: LSN(rawValue: 0x10), walEnd: LSN(rawValue: 0x20), sendTime: PostgresTimestamp(rawValue: 5), message: message)))
        return encoder.bytes
    }

    static let row: TupleData = [.string("7"), .null, .unchangedToast, .string("done"), .binary([1, 2]), .string("")]

    static func text(_ cell: RowPeek.RawCell?) -> String? {
        guard case .text(let bytes)? = cell else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func peeksAnInsertInPlace() throws {
        let bytes = Self.frame(.insert(Insert(relationID: 16_600, newTuple: Self.row)))
        try bytes.withUnsafeBytes { frame in
            #expect(RowPeek.relationID(of: frame) == 16_600)
            let peek = try #require(RowPeek.peek(frame))
            #expect(peek.kind == .insert)
            #expect(peek.walStart == LSN(rawValue: 0x10) && peek.walEnd == LSN(rawValue: 0x20))
            #expect(peek.relationID == 16_600 && !peek.hasOldTuple && peek.newColumnCount == 6)
            #expect(Self.text(peek.newCell(0, in: frame)) == "7")
            if case .null? = peek.newCell(1, in: frame) {} else { Issue.record("column 1 is NULL") }
            if case .unchangedToast? = peek.newCell(2, in: frame) {} else { Issue.record("column 2 is unchanged") }
            #expect(Self.text(peek.newCell(3, in: frame)) == "done")
            if case .binary(let value)? = peek.newCell(4, in: frame) { #expect(Array(value) == [1, 2]) } else { Issue.record("column 4 is binary") }
            #expect(Self.text(peek.newCell(5, in: frame)) == "")
            #expect(peek.newCell(6, in: frame) == nil)
            #expect(peek.newCell(-1, in: frame) == nil)
        }
    }

    @Test func peeksAnUpdateWithAndWithoutTheOldKey() throws {
        let plain = Self.frame(.update(Update(relationID: 9, oldTuple: nil, newTuple: Self.row)))
        try plain.withUnsafeBytes { frame in
            let peek = try #require(RowPeek.peek(frame))
            #expect(peek.kind == .update && !peek.hasOldTuple)
            #expect(Self.text(peek.newCell(3, in: frame)) == "done")
        }
        let keyed = Self.frame(.update(Update(relationID: 9, oldTuple: .key([.string("6"), .null]), newTuple: Self.row)))
        try keyed.withUnsafeBytes { frame in
            let peek = try #require(RowPeek.peek(frame))
            #expect(peek.hasOldTuple && peek.newColumnCount == 6)
            #expect(Self.text(peek.newCell(0, in: frame)) == "7")
        }
    }

    @Test func givesNilForOtherMessagesAndMalformedFrames() throws {
        let begin = Self.frame(.begin(Begin(finalLSN: LSN(rawValue: 1), commitTime: PostgresTimestamp(rawValue: 2), transactionID: 3)))
        let delete = Self.frame(.delete(Delete(relationID: 9, oldTuple: .key([.string("6")]))))
        let insert = Self.frame(.insert(Insert(relationID: 9, newTuple: Self.row)))
        for other in [begin, delete] {
            other.withUnsafeBytes { frame in
                #expect(RowPeek.relationID(of: frame) == nil)
                #expect(RowPeek.peek(frame) == nil)
            }
        }
        insert.withUnsafeBytes { #expect(RowPeek.peek($0, insideStream: true) == nil) }
        // Every truncation, and a trailing byte, is refused, as the decoder refuses them.
        for length in 0..<insert.count {
            Array(insert[..<length]).withUnsafeBytes { #expect(RowPeek.peek($0) == nil) }
        }
        (insert + [0]).withUnsafeBytes { #expect(RowPeek.peek($0) == nil) }
        var badKind = insert
        badKind[33] = UInt8(ascii: "x")  // the first cell's kind byte (after the 2-byte column count)
        badKind.withUnsafeBytes { #expect(RowPeek.peek($0) == nil) }
    }
}
