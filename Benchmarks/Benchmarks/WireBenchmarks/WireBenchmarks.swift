import Benchmark
import OdooReplication
import PostgresReplicationWire
import StockProjection

// Decoding the replication stream: CopyData frames as PostgreSQL 15 sends them for Odoo stock moves (XLogData 'w'
// carrying pgoutput Begin, two stock_quant Updates, Commit). Two benchmarks on the same frames:
// - `pgoutput-decode-…`: `ReplicationDecoder` alone (bytes to pgoutput messages);
// - `feed-decode-…`: `ReplicationStreamDecoder`, the live feed's whole decode path (the same decoder, then text
//   cells, Odoo's columns by name, stock changes grouped per transaction): what `ReplicationFeed` runs per message.
// The figure of interest is MB/s: the names carry the bytes decoded per iteration, and docs/benchmarks.md divides.

/// Builds CopyData frames byte by byte, laid out as in "Logical Replication Message Formats" (protocol version 1).
struct FrameWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func integer<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ value: String) {
        bytes.append(contentsOf: value.utf8)
        bytes.append(0)
    }
    /// The XLogData header: 'w', WAL start, WAL end, send time.
    mutating func xlogHeader(_ lsn: UInt64) {
        byte(UInt8(ascii: "w"))
        integer(lsn)
        integer(lsn)
        integer(Int64(817_000_000_000_000))
    }
    /// A TupleData of text cells (`nil` = SQL NULL).
    mutating func tuple(_ cells: [String?]) {
        integer(UInt16(cells.count))
        for cell in cells {
            guard let cell else {
                byte(UInt8(ascii: "n"))
                continue
            }
            byte(UInt8(ascii: "t"))
            integer(Int32(cell.utf8.count))
            bytes.append(contentsOf: cell.utf8)
        }
    }
}

/// stock_quant's published columns, in Odoo 17's order (as `odoo-fixtures schema` creates them).
let quantColumns: [(String, UInt32)] = [
    ("id", 23), ("product_id", 23), ("company_id", 23), ("location_id", 23), ("storage_category_id", 23),
    ("lot_id", 23), ("package_id", 23), ("owner_id", 23), ("quantity", 1700), ("reserved_quantity", 1700),
    ("in_date", 1114), ("inventory_quantity", 1700), ("inventory_diff_quantity", 1700), ("inventory_date", 1082),
    ("user_id", 23), ("create_uid", 23), ("create_date", 1114), ("write_uid", 23), ("write_date", 1114),
]

/// One frame per message of `transactions` stock moves: Begin, Update (source quant), Update (destination), Commit.
/// Values have fixed widths, so every frame of a kind has the same size.
func stockMoveFrames(transactions: Int) -> [[UInt8]] {
    var frames: [[UInt8]] = []
    var relation = FrameWriter()
    relation.xlogHeader(0x1_0000_0000)
    relation.byte(UInt8(ascii: "R"))
    relation.integer(UInt32(16_500))
    relation.string("public")
    relation.string("stock_quant")
    relation.byte(UInt8(ascii: "d"))
    relation.integer(UInt16(quantColumns.count))
    for (index, column) in quantColumns.enumerated() {
        relation.byte(index == 0 ? 1 : 0)
        relation.string(column.0)
        relation.integer(column.1)
        relation.integer(Int32(-1))
    }
    frames.append(relation.bytes)
    var lsn: UInt64 = 0x1_0000_1000
    for transaction in 0..<transactions {
        var begin = FrameWriter()
        begin.xlogHeader(lsn)
        begin.byte(UInt8(ascii: "B"))
        begin.integer(lsn + 0x200)
        begin.integer(Int64(817_000_000_000_000 + transaction))
        begin.integer(UInt32(1_000 + transaction))
        frames.append(begin.bytes)
        for side in 0..<2 {
            let quant = 100_000 + (transaction * 2 + side) % 800_000
            var update = FrameWriter()
            update.xlogHeader(lsn + UInt64(side + 1) * 0x80)
            update.byte(UInt8(ascii: "U"))
            update.integer(UInt32(16_500))
            update.byte(UInt8(ascii: "N"))
            update.tuple([
                "\(quant)", "\(200_000 + quant % 100_000)", "1", "\(10 + side)", nil, nil, nil, nil,
                "\(1_000 + transaction % 9_000).000000", "\(10 + transaction % 90).000000", "2026-11-23 09:00:00.123456",
                nil, "0.000000", nil, nil, "2", "2026-11-23 08:00:00.000001", "2", "2026-11-23 09:00:00.654321",
            ])
            frames.append(update.bytes)
        }
        var commit = FrameWriter()
        commit.xlogHeader(lsn + 0x200)
        commit.byte(UInt8(ascii: "C"))
        commit.byte(0)
        commit.integer(lsn + 0x180)
        commit.integer(lsn + 0x200)
        commit.integer(Int64(817_000_000_000_000 + transaction))
        frames.append(commit.bytes)
        lsn += 0x400
    }
    return frames
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // 1,000 stock moves = 4,001 frames per iteration (Relation once, then Begin, 2 Updates, Commit each).
    let frames = stockMoveFrames(transactions: 1_000)
    let bytes = frames.reduce(0) { $0 + $1.count }
    // Every frame must decode, or the benchmark would time the error path.
    var check = ReplicationDecoder()
    for frame in frames {
        guard (try? frame.withUnsafeBytes { try check.decode($0) }) != nil else { fatalError("a generated frame does not decode") }
    }
    // The feed's path must turn every move into one transaction of two quant changes, or it would time errors.
    var feedCheck = ReplicationStreamDecoder()
    var transactions = 0
    for frame in frames {
        let output = frame.withUnsafeBytes { buffer in try? feedCheck.decode(buffer, current: nil) }
        if case .data(_, _, let transaction?) = output {
            guard transaction.changes.count == 2 else { fatalError("a generated move does not map to two quant changes") }
            transactions += 1
        }
    }
    guard transactions == 1_000, feedCheck.unmappedRows == 0 else { fatalError("the feed's decode path rejected generated frames") }
    Benchmark(
        "feed-decode-1000-moves-\(bytes)-bytes",
        configuration: .init(thresholds: [.mallocCountTotal: .init(relative: [.p90: 5.0])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            var stream = ReplicationStreamDecoder()
            for frame in frames {
                let output = frame.withUnsafeBytes { buffer in try? stream.decode(buffer, current: nil) }
                blackHole(output)
            }
        }
    }
    moveFilterBenchmarks()
    Benchmark(
        "pgoutput-decode-1000-moves-\(bytes)-bytes",
        configuration: .init(thresholds: [.mallocCountTotal: .init(relative: [.p90: 5.0])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = ReplicationDecoder()
            for frame in frames {
                let message = frame.withUnsafeBytes { buffer in try? decoder.decode(buffer) }
                blackHole(message)
            }
        }
    }
}
