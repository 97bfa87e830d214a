import PostgresReplicationWire
import Testing

/// One message to round-trip through the test encoder and the decoder.
struct RoundTripSample: Sendable, CustomTestStringConvertible {
    var name: String
    var message: PgOutputMessage
    var insideStream = false

    var testDescription: String { name }
}

private let time = PostgresTimestamp(rawValue: 817_000_000_123_456)
private let row: TupleData = [
    .string("42"), .string("12.500"), .null, .unchangedToast, .binary([0, 0, 0, 7]), .string(""),
]
private let key: TupleData = [.string("42"), .null, .null, .null, .null, .null]

private let samples: [RoundTripSample] = [
    .init(name: "Begin", message: .begin(Begin(finalLSN: LSN(0x16_B374_D848), commitTime: time, transactionID: 731))),
    .init(
        name: "Begin with extreme values",
        message: .begin(Begin(finalLSN: LSN(.max), commitTime: .negativeInfinity, transactionID: .max))),
    .init(
        name: "Commit", message: .commit(Commit(commitLSN: LSN(0x15200A0), endLSN: LSN(0x15200D0), commitTime: time))),
    .init(
        name: "Commit with flags",
        message: .commit(Commit(flags: 0xFF, commitLSN: .invalid, endLSN: .invalid, commitTime: .infinity))),
    .init(name: "Origin", message: .origin(Origin(commitLSN: LSN(0xABCDEF), name: "wire_origin"))),
    .init(name: "Origin with an empty name", message: .origin(Origin(commitLSN: .invalid, name: ""))),
    .init(
        name: "Relation",
        message: .relation(
            Relation(
                id: 16391,
                namespace: "public",
                name: "stock_quant",
                replicaIdentity: .default,
                columns: [
                    .init(flags: 1, name: "id", typeOID: 23, typeModifier: -1),
                    .init(flags: 0, name: "quantity", typeOID: 1700, typeModifier: 0x000C_0007),
                    .init(flags: 0, name: "lot_name", typeOID: 1043, typeModifier: 20),
                ]
            )
        )
    ),
    .init(
        name: "Relation without columns, pg_catalog, unknown identity",
        message: .relation(
            Relation(id: 1, namespace: "", name: "t", replicaIdentity: .init(rawValue: 0x7A), columns: []))
    ),
    .init(
        name: "Relation with UTF-8 names",
        message: .relation(
            Relation(
                id: 9, namespace: "sché", name: "tâble", replicaIdentity: .full,
                columns: [.init(flags: 1, name: "clé", typeOID: 25, typeModifier: -1)])
        )
    ),
    .init(
        name: "Relation inside a stream",
        message: .relation(
            Relation(
                streamedTransactionID: 743, id: 16420, namespace: "public", name: "wire_small", replicaIdentity: .index,
                columns: [])),
        insideStream: true
    ),
    .init(name: "Type", message: .type(TypeMessage(id: 16385, namespace: "public", name: "mood"))),
    .init(
        name: "Type inside a stream",
        message: .type(TypeMessage(streamedTransactionID: 5, id: 1, namespace: "", name: "x")), insideStream: true),
    .init(name: "Insert", message: .insert(Insert(relationID: 16391, newTuple: row))),
    .init(name: "Insert of an empty tuple", message: .insert(Insert(relationID: 1, newTuple: []))),
    .init(
        name: "Insert of a large text",
        message: .insert(Insert(relationID: 1, newTuple: [.string(String(repeating: "é", count: 40_000))]))),
    .init(
        name: "Insert inside a stream",
        message: .insert(Insert(streamedTransactionID: 743, relationID: 16420, newTuple: row)), insideStream: true),
    .init(name: "Update without old values", message: .update(Update(relationID: 16391, oldTuple: nil, newTuple: row))),
    .init(name: "Update with old key", message: .update(Update(relationID: 16391, oldTuple: .key(key), newTuple: row))),
    .init(
        name: "Update with old row", message: .update(Update(relationID: 16398, oldTuple: .fullRow(row), newTuple: row))
    ),
    .init(name: "Update of empty tuples", message: .update(Update(relationID: 3, oldTuple: .key([]), newTuple: []))),
    .init(
        name: "Update inside a stream",
        message: .update(Update(streamedTransactionID: 9, relationID: 3, oldTuple: .fullRow(key), newTuple: row)),
        insideStream: true
    ),
    .init(name: "Delete with old key", message: .delete(Delete(relationID: 16391, oldTuple: .key(key)))),
    .init(name: "Delete with old row", message: .delete(Delete(relationID: 16398, oldTuple: .fullRow(row)))),
    .init(
        name: "Delete inside a stream",
        message: .delete(Delete(streamedTransactionID: 1, relationID: 2, oldTuple: .key(key))), insideStream: true),
    .init(
        name: "Truncate",
        message: .truncate(Truncate(options: [.cascade, .restartIdentity], relationIDs: [16398, 16403]))),
    .init(
        name: "Truncate of nothing, unknown option bits",
        message: .truncate(Truncate(options: .init(rawValue: 0xF0), relationIDs: []))),
    .init(
        name: "Truncate inside a stream",
        message: .truncate(Truncate(streamedTransactionID: 7, options: [], relationIDs: [1])), insideStream: true),
    .init(
        name: "Message, transactional",
        message: .message(LogicalMessage(flags: 1, lsn: LSN(0x1521B58), prefix: "stockd", content: Array("hello".utf8)))
    ),
    .init(name: "Message, empty", message: .message(LogicalMessage(flags: 0, lsn: .invalid, prefix: "", content: []))),
    .init(
        name: "Message with NUL bytes",
        message: .message(LogicalMessage(flags: 0, lsn: LSN(1), prefix: "p", content: [0, 0, 255, 0]))),
    .init(
        name: "Message inside a stream",
        message: .message(LogicalMessage(streamedTransactionID: 743, flags: 1, lsn: LSN(2), prefix: "p", content: [1])),
        insideStream: true
    ),
    .init(
        name: "Stream Start, first segment",
        message: .streamStart(StreamStart(transactionID: 743, isFirstSegment: true))),
    .init(
        name: "Stream Start, later segment",
        message: .streamStart(StreamStart(transactionID: 743, isFirstSegment: false))),
    .init(name: "Stream Stop", message: .streamStop(StreamStop()), insideStream: true),
    .init(
        name: "Stream Commit",
        message: .streamCommit(
            StreamCommit(transactionID: 743, commitLSN: LSN(0x155DC98), endLSN: LSN(0x155DCC8), commitTime: time))),
    .init(name: "Stream Abort", message: .streamAbort(StreamAbort(transactionID: 744, subtransactionID: 745))),
    .init(
        name: "Stream Abort, protocol version 4",
        message: .streamAbort(
            StreamAbort(transactionID: 744, subtransactionID: 744, abortLSN: LSN(0x1595378), abortTime: time))
    ),
]

@Suite struct RoundTripTests {
    @Test(arguments: samples)
    func barePgOutputMessage(_ sample: RoundTripSample) throws {
        let encoded = sample.message.encoded
        let decoded = try PgOutputMessage.decode(encoded, insideStream: sample.insideStream)
        #expect(decoded == sample.message)
        #expect(decoded.encoded == encoded)
        #expect(decoded.id.rawValue == encoded[0])
    }

    @Test(arguments: samples)
    func xLogData(_ sample: RoundTripSample) throws {
        let message = ReplicationMessage.xLogData(
            XLogData(walStart: LSN(0x151FE88), walEnd: LSN(0x1521D70), sendTime: time, message: sample.message)
        )
        let encoded = message.encoded
        #expect(encoded.count == 25 + sample.message.encoded.count)
        let decoded = try encoded.withUnsafeBytes { buffer in
            try ReplicationMessage.decode(buffer, insideStream: sample.insideStream)
        }
        #expect(decoded == message)
        #expect(decoded.encoded == encoded)
    }

    @Test(arguments: [true, false])
    func primaryKeepalive(replyRequested: Bool) throws {
        let message = ReplicationMessage.primaryKeepalive(
            PrimaryKeepalive(walEnd: LSN(0x1521D70), sendTime: time, replyRequested: replyRequested)
        )
        let encoded = message.encoded
        #expect(encoded.count == 18)
        #expect(encoded[17] == (replyRequested ? 1 : 0))
        #expect(try ReplicationMessage.decode(encoded) == message)
    }

    @Test func anyNonZeroReplyFlagMeansReplyRequested() throws {
        var encoded = ReplicationMessage.primaryKeepalive(
            PrimaryKeepalive(walEnd: .invalid, sendTime: time, replyRequested: true)
        ).encoded
        encoded[17] = 0x80
        guard case .primaryKeepalive(let keepalive) = try ReplicationMessage.decode(encoded) else {
            Issue.record("not a keepalive")
            return
        }
        #expect(keepalive.replyRequested)
    }

    @Test func nonContiguousCollectionsDecodeToo() throws {
        let message = PgOutputMessage.insert(Insert(relationID: 5, newTuple: row))
        let encoded = message.encoded
        // A lazily mapped collection has no contiguous storage, so the decoder copies it first.
        let lazy = encoded.lazy.map { $0 }
        #expect(try PgOutputMessage.decode(lazy) == message)
        #expect(try PgOutputMessage.decode(encoded[...]) == message)
    }

    @Test func everyMessageIDIsCovered() {
        let covered = Set(samples.map(\.message.id))
        #expect(covered == Set(PgOutputMessage.ID.allCases))
    }
}
