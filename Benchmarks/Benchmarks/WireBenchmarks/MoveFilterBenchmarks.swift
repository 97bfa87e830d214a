import Benchmark
import OdooReplication
import StockProjection

// The decode-time stock_move filter (issue 14) and the mapped path per row (issue 12), per 1,000 pgoutput messages
// inside one transaction (Begin and Commit included):
// - `feed-filter-done-move-update-…`: Updates of moves that are `done` and not held (Odoo writing to finished
//   moves): dropped from the bytes, so nothing may allocate (gate: 0 mallocs);
// - `feed-decode-done-move-update-unfiltered-…`: the same frames without a snapshot, so the filter cannot drop
//   them and they go the ordinary way (decoded, mapped, a close by id): what every such message cost before;
// - `feed-decode-quant-update-…`: Updates of stock_quant, the busiest mapped row: decoded, mapped, appended.

/// stock_move's published columns, in Odoo 17's order as `odoo-fixtures schema` creates them (the mapped ones
/// plus a few that Odoo writes and stockd never reads).
let moveColumns: [(String, UInt32)] = [
    ("id", 23), ("product_id", 23), ("company_id", 23), ("product_qty", 1700), ("product_uom_qty", 1700), ("state", 1043),
    ("location_id", 23), ("location_dest_id", 23), ("date", 1114), ("restrict_partner_id", 23), ("reference", 1043),
    ("picked", 16), ("write_date", 1114),
]

/// A Relation frame.
func relationFrame(oid: UInt32, name: String, columns: [(String, UInt32)]) -> [UInt8] {
    var relation = FrameWriter()
    relation.xlogHeader(0x1_0000_0000)
    relation.byte(UInt8(ascii: "R"))
    relation.integer(oid)
    relation.string("public")
    relation.string(name)
    relation.byte(UInt8(ascii: "d"))
    relation.integer(UInt16(columns.count))
    for (index, column) in columns.enumerated() {
        relation.byte(index == 0 ? 1 : 0)
        relation.string(column.0)
        relation.integer(column.1)
        relation.integer(Int32(-1))
    }
    return relation.bytes
}

/// Begin and Commit frames of one transaction.
func transactionFrames(_ lsn: UInt64) -> (begin: [UInt8], commit: [UInt8]) {
    var begin = FrameWriter()
    begin.xlogHeader(lsn)
    begin.byte(UInt8(ascii: "B"))
    begin.integer(lsn + 0x200)
    begin.integer(Int64(817_000_000_000_000))
    begin.integer(UInt32(1_000))
    var commit = FrameWriter()
    commit.xlogHeader(lsn + 0x200)
    commit.byte(UInt8(ascii: "C"))
    commit.byte(0)
    commit.integer(lsn + 0x180)
    commit.integer(lsn + 0x200)
    commit.integer(Int64(817_000_000_000_000))
    return (begin.bytes, commit.bytes)
}

/// One Update frame per row.
func updateFrames(oid: UInt32, rows: [[String?]]) -> [[UInt8]] {
    rows.enumerated().map { index, row in
        var update = FrameWriter()
        update.xlogHeader(0x2_0000_0000 + UInt64(index) * 0x80)
        update.byte(UInt8(ascii: "U"))
        update.integer(oid)
        update.byte(UInt8(ascii: "N"))
        update.tuple(row)
        return update.bytes
    }
}

/// 1,000 Updates of done moves (ids from 5,000,000, never held), as Odoo writes `picked` or `write_date` on them.
let doneMoveUpdates = updateFrames(
    oid: 16_700,
    rows: (0..<1_000).map { index in
        [
            "\(5_000_000 + index)", "\(200_000 + index)", "1", "3.000000", "3.000000", "done", "8", "9", "2026-11-23 09:00:00",
            nil, "WH/OUT/\(10_000 + index)", "t", "2026-11-23 09:00:00.654321",
        ]
    })

/// 1,000 Updates of stock_quant rows (the same shape as `stockMoveFrames`).
let quantUpdates = updateFrames(
    oid: 16_500,
    rows: (0..<1_000).map { index in
        let quant = 100_000 + index
        return [
            "\(quant)", "\(200_000 + quant % 100_000)", "1", "10", nil, nil, nil, nil, "\(1_000 + index).000000", "\(10 + index % 90).000000",
            "2026-11-23 09:00:00.123456", nil, "0.000000", nil, nil, "2", "2026-11-23 08:00:00.000001", "2", "2026-11-23 09:00:00.654321",
        ]
    })

/// A projection holding 1,000 open moves (ids 1 to 1,000), so the filter's look-up finds a populated index.
let moveSnapshot: ProjectionSnapshot = {
    let projection = StockProjection()
    let moves = (1...1_000).map { id in
        StockChange.upsertMove(
            StockMove(
                id: MoveID(Int32(id)), variantID: VariantID(Int32(id % 300)), quantity: Quantity(units: 2), state: .assigned,
                sourceID: LocationID(8), destinationID: LocationID(9), date: 0))
    }
    _ = try! projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 1, commitTime: nil), changes: moves)])
    return projection.snapshot()
}()

/// A stream decoder that knows both relations.
func preparedStream() -> ReplicationStreamDecoder {
    var stream = ReplicationStreamDecoder()
    for frame in [
        relationFrame(oid: 16_700, name: "stock_move", columns: moveColumns), relationFrame(oid: 16_500, name: "stock_quant", columns: quantColumns),
    ] {
        _ = frame.withUnsafeBytes { try? stream.decode($0, current: nil) }
    }
    return stream
}

/// The Begin and Commit around each iteration's rows (built once: building frames allocates).
let benchmarkTransaction = transactionFrames(0x3_0000_0000)

/// Decodes Begin, the rows and Commit `iterations` times; returns the rows that reached a transaction.
@inline(__always)
func decodeTransactions(_ rows: [[UInt8]], stream: inout ReplicationStreamDecoder, current: ProjectionSnapshot?, iterations: Range<Int>) -> Int {
    let (begin, commit) = benchmarkTransaction
    var changes = 0
    for _ in iterations {
        _ = begin.withUnsafeBytes { try? stream.decode($0, current: current) }
        for frame in rows { blackHole(frame.withUnsafeBytes { try? stream.decode($0, current: current) }) }
        if case .data(_, _, let transaction?)? = commit.withUnsafeBytes({ try? stream.decode($0, current: current) }) {
            changes += transaction.changes.count
        }
    }
    return changes
}

func moveFilterBenchmarks() {
    // Check the premises once: the filter drops every done move with a snapshot, none without; quants all map.
    var check = preparedStream()
    guard decodeTransactions(doneMoveUpdates, stream: &check, current: moveSnapshot, iterations: 0..<1) == 0, check.droppedMoveRows == 1_000,
        decodeTransactions(doneMoveUpdates, stream: &check, current: nil, iterations: 0..<1) == 1_000,
        decodeTransactions(quantUpdates, stream: &check, current: moveSnapshot, iterations: 0..<1) == 1_000, check.unmappedRows == 0
    else { fatalError("the move filter benchmark's frames do not behave as intended") }

    Benchmark(
        "feed-filter-done-move-update-1000",
        configuration: .init(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])
    ) { benchmark in
        var stream = preparedStream()
        let snapshot = moveSnapshot
        benchmark.startMeasurement()
        blackHole(decodeTransactions(doneMoveUpdates, stream: &stream, current: snapshot, iterations: benchmark.scaledIterations))
        benchmark.stopMeasurement()
    }
    Benchmark(
        "feed-decode-done-move-update-unfiltered-1000",
        configuration: .init(thresholds: [.mallocCountTotal: .init(relative: [.p90: 5.0])])
    ) { benchmark in
        var stream = preparedStream()
        benchmark.startMeasurement()
        blackHole(decodeTransactions(doneMoveUpdates, stream: &stream, current: nil, iterations: benchmark.scaledIterations))
        benchmark.stopMeasurement()
    }
    Benchmark(
        "feed-decode-quant-update-1000",
        configuration: .init(thresholds: [.mallocCountTotal: .init(relative: [.p90: 5.0])])
    ) { benchmark in
        var stream = preparedStream()
        let snapshot = moveSnapshot
        benchmark.startMeasurement()
        blackHole(decodeTransactions(quantUpdates, stream: &stream, current: snapshot, iterations: benchmark.scaledIterations))
        benchmark.stopMeasurement()
    }
}
