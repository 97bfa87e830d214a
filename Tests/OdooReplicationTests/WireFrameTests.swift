import OdooIngest
import PostgresReplicationWire
import StockProjection
import Testing

@testable import OdooReplication

/// Builds replication messages byte by byte, as PostgreSQL sends them.
struct MessageBuilder {
    var bytes: [UInt8] = []
    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func char(_ value: Character) { bytes.append(value.asciiValue!) }
    mutating func int<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ value: String) { bytes += Array(value.utf8) + [0] }
    mutating func tuple(_ cells: [String?]) {
        int(Int16(cells.count))
        for cell in cells {
            if let cell {
                char("t")
                int(Int32(cell.utf8.count))
                bytes += Array(cell.utf8)
            } else {
                char("n")
            }
        }
    }

    static func xlog(start: UInt64 = 100, end: UInt64 = 200, _ payload: (inout MessageBuilder) -> Void) -> [UInt8] {
        var builder = MessageBuilder()
        builder.char("w")
        builder.int(start)
        builder.int(end)
        builder.int(Int64(0))
        payload(&builder)
        return builder.bytes
    }
}

func decode(_ bytes: [UInt8]) throws -> WireFrame {
    var decoder = ReplicationDecoder()
    return try bytes.withUnsafeBytes { try WireFrame.decode($0, with: &decoder) }
}

@Suite struct WireFrameTests {
    static let quantColumns = ["id", "product_id", "location_id", "quantity", "reserved_quantity", "x_note"]

    static func relation(oid: UInt32 = 16_400, name: String = "stock_quant", columns: [String] = quantColumns) -> [UInt8] {
        MessageBuilder.xlog { m in
            m.char("R")
            m.int(oid)
            m.string("public")
            m.string(name)
            m.char("d")
            m.int(Int16(columns.count))
            for column in columns {
                m.byte(column == "id" ? 1 : 0)
                m.string(column)
                m.int(UInt32(23))
                m.int(Int32(-1))
            }
        }
    }

    static let begin = MessageBuilder.xlog { m in
        m.char("B")
        m.int(UInt64(0x1_0000_0100))
        m.int(Int64(1_000_000))
        m.int(UInt32(77))
    }
    static let commit = MessageBuilder.xlog { m in
        m.char("C")
        m.byte(0)
        m.int(UInt64(0x1_0000_0100))
        m.int(UInt64(0x1_0000_0180))
        m.int(Int64(1_000_000))
    }

    @Test func decodesKeepaliveAndStatusUpdateLayout() throws {
        var keepalive = MessageBuilder()
        keepalive.char("k")
        keepalive.int(UInt64(0xAB))
        keepalive.int(Int64(5))
        keepalive.byte(1)
        #expect(try decode(keepalive.bytes) == .keepalive(walEnd: 0xAB, replyRequested: true))
        let update = StandbyStatus(written: 3, flushed: 2, applied: 1).bytes(nowUnixMicroseconds: 946_684_800_000_000 + 9)
        #expect(update.count == 34)
        #expect(update[0] == UInt8(ascii: "r"))
        #expect(Array(update[1..<9]) == [0, 0, 0, 0, 0, 0, 0, 3])
        #expect(Array(update[25..<33]) == [0, 0, 0, 0, 0, 0, 0, 9])
    }

    @Test func decodesATransaction() throws {
        #expect(
            try decode(Self.begin)
                == .data(walStart: 100, walEnd: 200, event: .begin(finalLSN: 0x1_0000_0100, commitTime: 1_000_000 + 946_684_800_000_000, xid: 77)))
        #expect(
            try decode(Self.relation())
                == .data(
                    walStart: 100, walEnd: 200, event: .relation(oid: 16_400, namespace: "public", name: "stock_quant", columns: Self.quantColumns)))
        let insert = MessageBuilder.xlog { m in
            m.char("I")
            m.int(UInt32(16_400))
            m.char("N")
            m.tuple(["1", "42", "8", "12.5", "0", nil])
        }
        #expect(
            try decode(insert)
                == .data(
                    walStart: 100, walEnd: 200,
                    event: .insert(oid: 16_400, new: [.text("1"), .text("42"), .text("8"), .text("12.5"), .text("0"), .null])))
        var toast = MessageBuilder.xlog { m in
            m.char("U")
            m.int(UInt32(16_400))
            m.char("N")
            m.int(Int16(1))
            m.char("u")
        }
        #expect(try decode(toast) == .data(walStart: 100, walEnd: 200, event: .update(oid: 16_400, old: nil, new: [.unchanged])))
        toast.append(0)
        #expect(throws: (any Error).self) { try decode(toast) }
        let delete = MessageBuilder.xlog { m in
            m.char("D")
            m.int(UInt32(16_400))
            m.char("K")
            m.tuple(["1", nil, nil, nil, nil, nil])
        }
        #expect(
            try decode(delete)
                == .data(walStart: 100, walEnd: 200, event: .delete(oid: 16_400, old: [.text("1"), .null, .null, .null, .null, .null])))
        let truncate = MessageBuilder.xlog { m in
            m.char("T")
            m.int(UInt32(2))
            m.byte(0)
            m.int(UInt32(16_400))
            m.int(UInt32(16_401))
        }
        #expect(try decode(truncate) == .data(walStart: 100, walEnd: 200, event: .truncate(oids: [16_400, 16_401])))
        #expect(
            try decode(Self.commit)
                == .data(
                    walStart: 100, walEnd: 200,
                    event: .commit(commitLSN: 0x1_0000_0100, endLSN: 0x1_0000_0180, commitTime: 1_000_000 + 946_684_800_000_000)))
    }

    /// Every prefix of every message, and thousands of random mutations, throw or decode: nothing traps.
    @Test func badBytesNeverTrap() {
        let messages = [
            Self.begin, Self.commit, Self.relation(),
            MessageBuilder.xlog { m in
                m.char("I")
                m.int(UInt32(1))
                m.char("N")
                m.tuple(["1", "x"])
            },
        ]
        for message in messages {
            for length in 0..<message.count {
                #expect(throws: (any Error).self) { try decode(Array(message.prefix(length))) }
            }
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            var message = messages.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                message[Int.random(in: 0..<message.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = try? decode(message)
        }
    }
}

@Suite struct TransactionAssemblerTests {
    static func event(_ bytes: [UInt8]) -> ReplicationEvent {
        guard case .data(_, _, let event) = try! decode(bytes) else { fatalError("not data") }
        return event
    }

    @Test func assemblesWholeTransactionsMappingColumnsByName() {
        var assembler = TransactionAssembler()
        #expect(assembler.consume(Self.event(WireFrameTests.relation()), current: nil) == nil)
        #expect(assembler.consume(.begin(finalLSN: 10, commitTime: 5, xid: 1), current: nil) == nil)
        #expect(assembler.isInsideTransaction)
        _ = assembler.consume(.insert(oid: 16_400, new: [.text("1"), .text("42"), .text("8"), .text("12.5"), .text("0"), .null]), current: nil)
        _ = assembler.consume(
            .update(oid: 16_400, old: nil, new: [.text("1"), .text("42"), .text("8"), .text("7"), .text("2"), .text("x")]), current: nil)
        _ = assembler.consume(.delete(oid: 16_400, old: [.text("9"), .null, .null, .null, .null, .null]), current: nil)
        let transaction = assembler.consume(.commit(commitLSN: 10, endLSN: 18, commitTime: 5), current: nil)
        #expect(transaction?.checkpoint == Checkpoint(position: 18, commitTime: 5))
        #expect(
            transaction?.changes == [
                .upsertQuant(Quant(id: QuantID(1), variantID: VariantID(42), locationID: LocationID(8), quantity: "12.5", reserved: .zero)),
                .upsertQuant(Quant(id: QuantID(1), variantID: VariantID(42), locationID: LocationID(8), quantity: "7", reserved: "2")),
                .deleteQuant(QuantID(9)),
            ])
        #expect(!assembler.isInsideTransaction)
    }

    @Test func unknownTablesAreIgnoredAndBadRowsReported() {
        var assembler = TransactionAssembler()
        _ = assembler.consume(.relation(oid: 1, namespace: "public", name: "res_partner", columns: ["id", "name"]), current: nil)
        _ = assembler.consume(.relation(oid: 2, namespace: "public", name: "stock_quant", columns: ["id", "quantity"]), current: nil)
        _ = assembler.consume(Self.event(WireFrameTests.relation(oid: 3)), current: nil)
        _ = assembler.consume(.begin(finalLSN: 1, commitTime: 0, xid: 1), current: nil)
        _ = assembler.consume(.insert(oid: 1, new: [.text("1"), .text("Azure")]), current: nil)
        _ = assembler.consume(.insert(oid: 3, new: [.text("1"), .text("x"), .text("8"), .text("1"), .text("0"), .null]), current: nil)
        _ = assembler.consume(.insert(oid: 99, new: []), current: nil)
        _ = assembler.consume(.truncate(oids: [3]), current: nil)
        let transaction = assembler.consume(.commit(commitLSN: 1, endLSN: 2, commitTime: 0), current: nil)
        #expect(transaction?.changes == [.truncate(.quants)])
        #expect(assembler.ignoredRows == 1)
        #expect(assembler.takeProblems().map(\.relation) == ["stock_quant", "stock_quant", "oid 99"])
    }
}

extension Quantity: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { try! self.init(parsing: value) }
}

/// The domain prints a checkpoint's position itself (it does not import the wire module); it must print exactly
/// what `LSN` prints and parses, or `as_of.lsn` and the slot's positions would disagree.
@Suite struct CheckpointTextTests {
    @Test(arguments: [0, 1, 0x16B_3748, 0xFFFF_FFFF, 0x1_0000_0000, 0xAB_CDEF_0123_4567, UInt64.max])
    func checkpointPrintsItsPositionAsAnLSN(position: UInt64) {
        let text = Checkpoint(position: position).description
        #expect(text == LSN(position).description)
        #expect(LSN(text) == LSN(position))
    }
}
