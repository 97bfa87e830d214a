import OdooIngest
import PostgresReplicationWire
import StockProjection
import Testing

@testable import OdooReplication

/// The decode-time `stock_move` filter: moves that stay outside the open states are dropped before decoding, and
/// never a close that the forecast needs.
@Suite struct MoveFilterTests {
    static let moveColumns = ["id", "product_id", "product_qty", "state", "location_id", "location_dest_id", "date", "x_note"]
    static let moveOID: UInt32 = 16_600

    static func row(_ kind: Character, id: Int32, state: String?, oldKey: Int32? = nil) -> [UInt8] {
        MessageBuilder.xlog(start: 300, end: 400) { m in
            m.char(kind)
            m.int(moveOID)
            if let oldKey {
                m.char("K")
                m.tuple(["\(oldKey)", nil, nil, nil, nil, nil, nil, nil])
            }
            m.char("N")
            m.tuple(["\(id)", "42", "5.000000", state, "8", "9", "2026-12-08 10:00:00", "note"])
        }
    }

    /// Feeds frames; returns the transaction committed by the last one, if any.
    static func feed(
        _ frames: [[UInt8]], into stream: inout ReplicationStreamDecoder, current: ProjectionSnapshot?
    ) throws
        -> SourceTransaction?
    {
        var last: SourceTransaction?
        for frame in frames {
            let output = try frame.withUnsafeBytes { try stream.decode($0, current: current) }
            if case .data(_, _, let transaction) = output { last = transaction }
        }
        return last
    }

    static func transaction(_ rows: [[UInt8]]) -> [[UInt8]] { [WireFrameTests.begin] + rows + [WireFrameTests.commit] }

    static let relation = WireFrameTests.relation(oid: moveOID, name: "stock_move", columns: moveColumns)

    @Test func anUpdateOfAMoveNeverHeldThatStaysClosedIsDropped() throws {
        let empty = StockProjection().snapshot()
        var stream = ReplicationStreamDecoder()
        _ = try Self.feed([Self.relation], into: &stream, current: empty)
        let done = try Self.feed(
            Self.transaction([Self.row("U", id: 7, state: "done"), Self.row("U", id: 8, state: nil)]), into: &stream, current: empty)
        #expect(done?.changes == [])
        #expect(stream.droppedMoveRows == 2)
        // A draft insert is dropped too; an open one is kept.
        let inserted = try Self.feed(
            Self.transaction([Self.row("I", id: 9, state: "draft"), Self.row("I", id: 10, state: "assigned")]), into: &stream, current: empty)
        #expect(inserted?.changes.count == 1)
        if case .upsertMove(let move)? = inserted?.changes.first { #expect(move.id == MoveID(10)) } else { Issue.record("expected the open move") }
        #expect(stream.droppedMoveRows == 3)
    }

    @Test func aMoveHeldByTheSnapshotIsClosed() throws {
        let projection = StockProjection()
        let open = StockMove(
            id: MoveID(7), variantID: VariantID(42), quantity: Quantity(units: 5), state: .assigned, sourceID: LocationID(8),
            destinationID: LocationID(9), date: 0)
        _ = try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 1, commitTime: nil), changes: [.upsertMove(open)])])
        #expect(projection.snapshot().holdsOpenMove(MoveID(7)))
        var stream = ReplicationStreamDecoder()
        _ = try Self.feed([Self.relation], into: &stream, current: projection.snapshot())
        let done = try Self.feed(Self.transaction([Self.row("U", id: 7, state: "done")]), into: &stream, current: projection.snapshot())
        #expect(done?.changes == [.closeMove(MoveID(7))])
        #expect(stream.droppedMoveRows == 1)
    }

    @Test func aMoveOpenedInATransactionNotYetAppliedIsClosed() throws {
        let empty = StockProjection().snapshot()
        var stream = ReplicationStreamDecoder()
        _ = try Self.feed([Self.relation], into: &stream, current: empty)
        // Opened and closed in the same transaction.
        let same = try Self.feed(
            Self.transaction([Self.row("I", id: 11, state: "confirmed"), Self.row("U", id: 11, state: "cancel")]), into: &stream, current: empty)
        #expect(same?.changes.last == .closeMove(MoveID(11)))
        // Opened in a committed transaction the projection has not applied yet (the snapshot does not hold it).
        _ = try Self.feed(Self.transaction([Self.row("I", id: 12, state: "waiting")]), into: &stream, current: empty)
        let later = try Self.feed(Self.transaction([Self.row("U", id: 12, state: "done")]), into: &stream, current: empty)
        #expect(later?.changes == [.closeMove(MoveID(12))])
        // Once applied, the snapshot is the judge: one that does not hold the move lets the update drop.
        stream.transactionsApplied()
        let dropped = try Self.feed(Self.transaction([Self.row("U", id: 12, state: "done")]), into: &stream, current: empty)
        #expect(dropped?.changes == [])
    }

    @Test func withoutASnapshotOrWithAnOldKeyTheUpdateGoesTheOrdinaryWay() throws {
        var stream = ReplicationStreamDecoder()
        _ = try Self.feed([Self.relation], into: &stream, current: nil)
        let noSnapshot = try Self.feed(Self.transaction([Self.row("U", id: 7, state: "done")]), into: &stream, current: nil)
        #expect(noSnapshot?.changes == [.closeMove(MoveID(7))])
        let empty = StockProjection().snapshot()
        let rekeyed = try Self.feed(Self.transaction([Self.row("U", id: 7, state: "done", oldKey: 6)]), into: &stream, current: empty)
        #expect(rekeyed?.changes == [.closeMove(MoveID(7))])
    }

    @Test func aMalformedMoveFrameIsNotDroppedButReported() throws {
        let empty = StockProjection().snapshot()
        var stream = ReplicationStreamDecoder()
        _ = try Self.feed([Self.relation, WireFrameTests.begin], into: &stream, current: empty)
        var truncated = Self.row("U", id: 7, state: "done")
        truncated.removeLast()
        #expect(throws: WireDecodingError.self) { try truncated.withUnsafeBytes { try stream.decode($0, current: empty) } }
        var trailing = Self.row("U", id: 7, state: "done")
        trailing.append(0)
        #expect(throws: WireDecodingError.self) { try trailing.withUnsafeBytes { try stream.decode($0, current: empty) } }
        #expect(stream.droppedMoveRows == 0)
    }
}
