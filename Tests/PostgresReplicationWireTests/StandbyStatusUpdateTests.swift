import PostgresReplicationWire
import Testing

@Suite struct StandbyStatusUpdateTests {
    let update = StandbyStatusUpdate(
        written: LSN(0x0102_0304_0506_0708),
        flushed: LSN(0x1112_1314_1516_1718),
        applied: LSN(0x2122_2324_2526_2728),
        clientTime: PostgresTimestamp(rawValue: 0x3132_3334_3536_3738),
        replyRequested: true
    )

    @Test func isExactly34BytesInTheDocumentedLayout() {
        let bytes = update.bytes
        #expect(bytes.count == 34)
        #expect(StandbyStatusUpdate.byteCount == 34)
        #expect(
            bytes == [
                0x72,  // 'r'
                0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // written
                0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // flushed
                0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,  // applied
                0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,  // client time
                0x01,  // reply requested
            ]
        )
    }

    @Test func replyNotRequestedByDefault() {
        let bytes = StandbyStatusUpdate(written: LSN(1), flushed: LSN(1), applied: LSN(1), clientTime: .postgresEpoch)
            .bytes
        #expect(bytes.count == 34)
        #expect(bytes[33] == 0)
    }

    @Test func negativeClientTimeIsTwosComplement() {
        var copy = update
        copy.clientTime = PostgresTimestamp(unixMicroseconds: 0)  // before 2000: negative on the wire
        let bytes = copy.bytes
        let wire = bytes[25..<33].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(Int64(bitPattern: wire) == -946_684_800_000_000)
    }

    @Test func encodeAppends() {
        var buffer: [UInt8] = [0xAA]
        update.encode(into: &buffer)
        update.encode(into: &buffer)
        #expect(buffer.count == 1 + 2 * 34)
        #expect(buffer[0] == 0xAA)
        #expect(Array(buffer[1..<35]) == update.bytes)
        #expect(Array(buffer[35...]) == update.bytes)
    }

    @Test func decodeRoundTrip() throws {
        #expect(try StandbyStatusUpdate.decode(update.bytes) == update)
        let decoded = try update.bytes.withUnsafeBytes { try StandbyStatusUpdate.decode($0) }
        #expect(decoded == update)
    }

    @Test func decodeRejectsBadMessages() throws {
        var wrongTag = update.bytes
        wrongTag[0] = UInt8(ascii: "k")
        #expect(throws: WireDecodingError.self) { try StandbyStatusUpdate.decode(wrongTag) }
        do {
            _ = try StandbyStatusUpdate.decode(Array(update.bytes.dropLast()))
            Issue.record("a 33-byte update decoded")
        } catch {
            #expect(error.code == .truncated)
            #expect(error.offset == 33)
        }
        do {
            _ = try StandbyStatusUpdate.decode(update.bytes + [0])
            Issue.record("a 35-byte update decoded")
        } catch {
            #expect(error.code == .trailingBytes)
            #expect(error.offset == 34)
            #expect(error.replicationMessageTag == UInt8(ascii: "r"))
        }
    }
}
