import PostgresReplicationWire
import Testing

/// Decodes real messages captured from PostgreSQL 15 (see PostgreSQL15Fixtures.swift).
@Suite struct CapturedFixtureTests {
    typealias F = PostgreSQL15Fixtures

    /// The time of the commits of the first capture's transaction T1 (µs since 2000-01-01).
    let firstCommitTime = PostgresTimestamp(rawValue: 0x0003_03EF_2E2E_4975)

    func xLogData(_ hex: String, insideStream: Bool = false) throws -> XLogData {
        let message = try ReplicationMessage.decode(bytes(hex: hex), insideStream: insideStream)
        guard case .xLogData(let data) = message else {
            Issue.record("expected XLogData, got \(message)")
            throw WireDecodingError(
                code: .unknownMessage, replicationMessageTag: nil, pgOutputMessageTag: nil, offset: 0,
                messageLength: 0, hexDump: "", detail: "test"
            )
        }
        return data
    }

    func text(_ values: String?...) -> TupleData {
        TupleData(values.map { $0.map(TupleData.Cell.string) ?? .null })
    }

    // MARK: Every fixture

    @Test(arguments: F.protocolVersion1Stream.map(\.name))
    func protocolVersion1FixtureDecodesAndReencodesByteForByte(_ name: String) throws {
        let hex = try #require(F.protocolVersion1Stream.first { $0.name == name }).hex
        let original = bytes(hex: hex)
        let decoded = try original.withUnsafeBytes { try ReplicationMessage.decode($0) }
        #expect(decoded.encoded == original)
    }

    @Test func protocolVersion2StreamDecodesInOrderAndReencodesByteForByte() throws {
        var decoder = ReplicationDecoder()
        var tags = ""
        for (name, hex) in F.protocolVersion2Stream {
            let original = bytes(hex: hex)
            let wasInsideStream = decoder.insideStream
            let decoded = try decoder.decode(original)
            #expect(decoded.encoded == original, "\(name)")
            if case .xLogData(let data) = decoded {
                tags += data.message.id.description
                // Data messages carry the xid exactly when they come inside a block.
                switch data.message {
                case .relation(let relation): #expect((relation.streamedTransactionID != nil) == wasInsideStream)
                case .insert(let insert): #expect((insert.streamedTransactionID != nil) == wasInsideStream)
                default: break
                }
            } else {
                tags += "k"
            }
        }
        #expect(tags == "kSRIESIEcSRIEABIICk")
        #expect(!decoder.insideStream)
    }

    @Test func protocolVersion1StreamHasTheExpectedMessages() throws {
        var tags = ""
        for (_, hex) in F.protocolVersion1Stream {
            switch try ReplicationMessage.decode(bytes(hex: hex)) {
            case .xLogData(let data): tags += data.message.id.description
            case .primaryKeepalive: tags += "k"
            }
        }
        #expect(tags == "kBYRIICBUCBUCBRIIUDCBDCBRRTCBRTCBMRICMBOICk")
    }

    // MARK: Streaming replication protocol

    @Test func keepalive() throws {
        let message = try ReplicationMessage.decode(bytes(hex: F.keepaliveBeforeData))
        #expect(
            message
                == .primaryKeepalive(
                    PrimaryKeepalive(
                        walEnd: LSN("0/151F068")!, sendTime: PostgresTimestamp(rawValue: 0x0003_03EF_2E47_03BA),
                        replyRequested: false)
                )
        )
        #expect(message.id == .primaryKeepalive)
    }

    @Test func xLogDataHeader() throws {
        let data = try xLogData(F.beginInserts)
        #expect(data.walStart == LSN("0/151FE88"))
        #expect(data.walEnd == LSN("0/151FE88"))
        #expect(data.sendTime == PostgresTimestamp(rawValue: 0x0003_03EF_2E47_14A8))
        #expect(data.sendTime.description.hasPrefix("2026-11-23T"))
    }

    // MARK: pgoutput protocol version 1

    @Test func beginAndCommit() throws {
        #expect(
            try xLogData(F.beginInserts).message
                == .begin(Begin(finalLSN: LSN("0/15200A0")!, commitTime: firstCommitTime, transactionID: 732)))
        #expect(
            try xLogData(F.commitInserts).message
                == .commit(
                    Commit(
                        flags: 0, commitLSN: LSN("0/15200A0")!, endLSN: LSN("0/15200D0")!, commitTime: firstCommitTime))
        )
    }

    @Test func typeMessage() throws {
        let data = try xLogData(F.typeMood)
        #expect(data.walStart == .invalid)
        #expect(data.message == .type(TypeMessage(id: 16385, namespace: "public", name: "mood")))
    }

    @Test func relation() throws {
        guard case .relation(let relation) = try xLogData(F.relationItems).message else {
            Issue.record("not a Relation")
            return
        }
        #expect(relation.id == 16391)
        #expect(relation.namespace == "public")
        #expect(relation.name == "wire_items")
        #expect(relation.replicaIdentity == .default)
        #expect(relation.streamedTransactionID == nil)
        #expect(
            relation.columns.map(\.name) == ["id", "qty", "name", "active", "code", "attrs", "note", "feeling", "big"])
        #expect(relation.columns.map(\.typeOID) == [23, 1700, 25, 16, 1043, 3802, 25, 16385, 25])
        // numeric(12,3): ((12 << 16) | 3) + VARHDRSZ; varchar(16): 16 + VARHDRSZ.
        #expect(relation.columns.map(\.typeModifier) == [-1, (12 << 16 | 3) + 4, -1, -1, 20, -1, -1, -1, -1])
        #expect(relation.columns.map(\.isKey) == [true, false, false, false, false, false, false, false, false])
        #expect(relation.columnIndex(named: "big") == 8)
        #expect(relation.columnIndex(named: "missing") == nil)
    }

    @Test func relationWithReplicaIdentityFull() throws {
        guard case .relation(let relation) = try xLogData(F.relationFull).message else {
            Issue.record("not a Relation")
            return
        }
        #expect(relation.replicaIdentity == .full)
        #expect(relation.columns.allSatisfy { $0.isKey })
        #expect(relation.columns.map(\.name) == ["id", "label"])
    }

    @Test func insertWithEveryTextKindAndAToastedValue() throws {
        guard case .insert(let insert) = try xLogData(F.insertWidget).message else {
            Issue.record("not an Insert")
            return
        }
        #expect(insert.relationID == 16391)
        #expect(insert.streamedTransactionID == nil)
        let cells = Array(insert.newTuple)
        #expect(cells.count == 9)
        #expect(
            cells[0..<6].map(\.stringValue) == [
                "1", "12.500", "Widget", "t", "W-001", #"{"color": "red", "sizes": [1, 2]}"#,
            ])
        #expect(cells[6] == .null)
        #expect(cells[7].stringValue == "happy")
        let big = try #require(cells[8].stringValue)
        #expect(big.utf8.count == 3200)
        #expect(big.hasPrefix("c4ca4238a0b923820dcc509a6f75849b"))  // md5('1')
        #expect(big.hasSuffix("f899139df5e1059396431415e770c6dd"))  // md5('100')
    }

    @Test func insertWithNullsAndUTF8() throws {
        guard case .insert(let insert) = try xLogData(F.insertGadget).message else {
            Issue.record("not an Insert")
            return
        }
        #expect(insert.newTuple == text("2", "-3.000", "Gadget ü", "f", "G-002", nil, "a note", nil, "short"))
    }

    @Test func updateWithAnUnchangedToastedValue() throws {
        guard case .update(let update) = try xLogData(F.updateUnchangedToast).message else {
            Issue.record("not an Update")
            return
        }
        #expect(update.oldTuple == nil)
        #expect(update.newTuple.count == 9)
        #expect(update.newTuple[column: 1].stringValue == "13.500")
        #expect(update.newTuple[column: 8] == .unchangedToast)
        #expect(update.newTuple[column: 8].isUnchangedToast)
        #expect(update.newTuple[column: 6].isNull)
    }

    @Test func updateWithOldKey() throws {
        let message = try xLogData(F.updateWithOldKey).message
        let expected = PgOutputMessage.update(
            Update(
                relationID: 16391,
                oldTuple: .key(text("2", nil, nil, nil, nil, nil, nil, nil, nil)),
                newTuple: text("20", "-3.000", "Gadget ü", "f", "G-002", nil, "a note", nil, "short")
            )
        )
        #expect(message == expected)
    }

    @Test func replicaIdentityFullSendsOldRows() throws {
        #expect(
            try xLogData(F.insertFullSeven).message == .insert(Insert(relationID: 16398, newTuple: text("7", "seven"))))
        #expect(try xLogData(F.insertFullEight).message == .insert(Insert(relationID: 16398, newTuple: text("8", nil))))
        #expect(
            try xLogData(F.updateWithOldRow).message
                == .update(
                    Update(relationID: 16398, oldTuple: .fullRow(text("7", "seven")), newTuple: text("7", "SEVEN")))
        )
        #expect(
            try xLogData(F.deleteWithOldRow).message
                == .delete(Delete(relationID: 16398, oldTuple: .fullRow(text("8", nil)))))
    }

    @Test func deleteWithOldKey() throws {
        #expect(
            try xLogData(F.deleteWithOldKey).message
                == .delete(
                    Delete(relationID: 16391, oldTuple: .key(text("20", nil, nil, nil, nil, nil, nil, nil, nil))))
        )
    }

    @Test func truncate() throws {
        #expect(
            try xLogData(F.truncateCascadeRestart).message
                == .truncate(Truncate(options: [.cascade, .restartIdentity], relationIDs: [16398, 16403]))
        )
        #expect(try xLogData(F.truncatePlain).message == .truncate(Truncate(options: [], relationIDs: [16403])))
    }

    @Test func logicalMessages() throws {
        let transactional = try xLogData(F.messageTransactional).message
        #expect(
            transactional
                == .message(
                    LogicalMessage(
                        flags: 1, lsn: LSN("0/1521B58")!, prefix: "stockd", content: Array("hello, transactional".utf8))
                )
        )
        guard case .message(let nonTransactional) = try xLogData(F.messageNonTransactional).message else {
            Issue.record("not a Message")
            return
        }
        #expect(!nonTransactional.isTransactional)
        #expect(nonTransactional.prefix == "stockd-nt")
        #expect(nonTransactional.lsn == LSN("0/1521CA8"))
        #expect(nonTransactional.content == [0x00, 0xFF, 0x10])
    }

    @Test func origin() throws {
        #expect(
            try xLogData(F.originMessage).message == .origin(Origin(commitLSN: LSN("0/ABCDEF")!, name: "wire_origin")))
    }

    // MARK: pgoutput protocol version 2 (streaming) and binary cells

    @Test func streamedBlockMessages() throws {
        #expect(
            try xLogData(F.streamStartFirst).message
                == .streamStart(StreamStart(transactionID: 743, isFirstSegment: true)))
        #expect(
            try xLogData(F.streamStartSecond).message
                == .streamStart(StreamStart(transactionID: 743, isFirstSegment: false)))
        #expect(try xLogData(F.streamStopFirst).message == .streamStop(StreamStop()))
        #expect(
            try xLogData(F.streamRelation, insideStream: true).message
                == .relation(
                    Relation(
                        streamedTransactionID: 743, id: 16420, namespace: "public", name: "wire_small",
                        replicaIdentity: .default,
                        columns: [
                            .init(flags: 1, name: "id", typeOID: 23, typeModifier: -1),
                            .init(flags: 0, name: "v", typeOID: 25, typeModifier: -1),
                        ]
                    )
                )
        )
        let x100 = ArraySlice(repeating: UInt8(ascii: "x"), count: 100)
        #expect(
            try xLogData(F.streamInsertFirst, insideStream: true).message
                == .insert(
                    Insert(
                        streamedTransactionID: 743, relationID: 16420,
                        newTuple: [.binary([0, 0, 0, 1]), .binary(x100)]))
        )
        #expect(
            try xLogData(F.streamInsertSecond, insideStream: true).message
                == .insert(
                    Insert(
                        streamedTransactionID: 743, relationID: 16420,
                        newTuple: [.binary([0, 0, 0x01, 0x11]), .binary(x100)]))
        )
    }

    @Test func streamCommitAndAbort() throws {
        let commit = try xLogData(F.streamCommit).message
        guard case .streamCommit(let streamCommit) = commit else {
            Issue.record("not a Stream Commit")
            return
        }
        #expect(streamCommit.transactionID == 743)
        #expect(streamCommit.flags == 0)
        #expect(streamCommit.commitLSN == LSN("0/155DC98"))
        #expect(streamCommit.endLSN == LSN("0/155DCC8"))
        #expect(
            try xLogData(F.streamAbort).message == .streamAbort(StreamAbort(transactionID: 744, subtransactionID: 744)))
    }

    @Test func streamedMessageOutsideItsBlockDoesNotDecode() throws {
        // Read as protocol version 1, the xid is taken for the relation OID and the OID's first byte for the marker.
        let error = try #require(decodingError(bytes(hex: F.streamInsertFirst)))
        #expect(error.code == .unexpectedByte)
        #expect(error.pgOutputMessageTag == UInt8(ascii: "I"))
        #expect(error.offset == 30)
    }

    @Test func binaryCells() throws {
        #expect(
            try xLogData(F.binaryInsert).message
                == .insert(
                    Insert(
                        relationID: 16420, newTuple: [.binary([0, 0, 0x13, 0x88]), .binary(Array("bin".utf8)[...])])))
        guard case .insert(let insert) = try xLogData(F.binaryInsertNull).message else {
            Issue.record("not an Insert")
            return
        }
        #expect(insert.newTuple[column: 0].bytes.map(Array.init) == [0, 0, 0x13, 0x89])
        #expect(insert.newTuple[column: 0].stringValue == nil)
        #expect(insert.newTuple[column: 1] == .null)
    }

    // MARK: A consumer's view

    @Test func followTheFirstCaptureByColumnName() throws {
        var relations: [UInt32: Relation] = [:]  // the latest Relation per OID, as pgoutput requires
        var items: [String: [String: TupleData.Cell]] = [:]  // id -> column -> value
        var committed: [LSN] = []
        for (_, hex) in F.protocolVersion1Stream {
            guard case .xLogData(let data) = try ReplicationMessage.decode(bytes(hex: hex)) else { continue }
            if case .relation(let relation) = data.message { relations[relation.id] = relation }
            switch data.message {
            case .insert(let insert) where relations[insert.relationID]?.name == "wire_items":
                let row = try values(insert.newTuple, relationID: insert.relationID, relations)
                items[try #require(row["id"]?.stringValue)] = row
            case .update(let update) where relations[update.relationID]?.name == "wire_items":
                var row = try values(update.newTuple, relationID: update.relationID, relations)
                let oldKey = try update.oldTuple.map { try values($0.tuple, relationID: update.relationID, relations) }
                let oldID = try #require(oldKey?["id"]?.stringValue ?? row["id"]?.stringValue)
                let old = items.removeValue(forKey: oldID) ?? [:]
                for (column, cell) in row where cell.isUnchangedToast { row[column] = old[column] }
                items[try #require(row["id"]?.stringValue)] = row
            case .delete(let delete) where relations[delete.relationID]?.name == "wire_items":
                let key = try values(delete.oldTuple.tuple, relationID: delete.relationID, relations)
                items[try #require(key["id"]?.stringValue)] = nil
            case .commit(let commit):
                committed.append(commit.endLSN)
            default:
                break
            }
        }
        #expect(committed.count == 9)
        #expect(committed == committed.sorted())
        #expect(Set(items.keys) == ["1"])
        #expect(items["1"]?["qty"]?.stringValue == "13.500")
        #expect(items["1"]?["big"]?.stringValue?.utf8.count == 3200)
        #expect(relations.count == 3)
        #expect(relations[16398]?.columnIndex(named: "label") == 1)
    }

    private func values(
        _ tuple: TupleData, relationID: UInt32, _ relations: [UInt32: Relation]
    ) throws -> [String: TupleData
        .Cell]
    {
        let relation = try #require(relations[relationID])
        #expect(relation.columns.count == tuple.count)
        var row: [String: TupleData.Cell] = [:]
        for (column, cell) in zip(relation.columns, tuple) { row[column.name] = cell }
        return row
    }
}
