import Benchmark
import BenchmarkFixtures
import Foundation
import StockCatalogue
import StockProjection
import StockStorage

// LMDB: group commit (apply + persist + publish) and reloading a store into a projection state.
//
// Stores live in a fresh directory under $STOCKD_BENCH_TMPDIR (default: the system temporary directory; use a
// directory on the disk you want to measure: a tmpfs makes `.full` durability free) and are removed afterwards.

/// Allocation counts of commits drift with the data written (copied chunks, hash-trie paths, LMDB page splits):
/// 10 % at p90 for groups, and an absolute 5 for single-transaction commits (about 20 allocations each).
func commitAllocations(group: Int) -> [BenchmarkMetric: BenchmarkThresholds] {
    group == 1 ? [.mallocCountTotal: .init(absolute: [.p90: 5])] : [.mallocCountTotal: .init(relative: [.p90: 10.0])]
}
/// Reloading the same store allocates the same way every time, up to hash-trie node splits: 5 % at p90.
var reloadAllocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(relative: [.p90: 5.0])] }

/// A store in a temporary directory, filled with a generated catalogue, and (for writers) the projection that
/// wrote it and a stream of further transactions.
final class StoreFixture: @unchecked Sendable {
    let directory: URL
    let store: LMDBProjectionStore
    let projection: StockProjection?
    let stream: OperationStream?

    /// - Parameter openMoves: Adds one open move on every other variant (issue 14's shape: 500,000 at 1M variants).
    init(variants: Int, durability: StoreDurability, keepWriter: Bool, openMoves: Bool = false) throws {
        let base =
            ProcessInfo.processInfo.environment["STOCKD_BENCH_TMPDIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        directory = base.appendingPathComponent("stockd-bench-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 30, durability: durability)
        let catalogue = OdooCatalogue(shape: .benchmark(variants: variants))
        let writer = StockProjection()
        try writer.apply([SourceTransaction(checkpoint: Checkpoint(position: 1), changes: catalogue.allChanges)], persistingTo: store)
        if openMoves {
            let moves = MoveFixture.moves(of: catalogue, movesPerVariant: 1).filter { $0.variantID.rawValue % 2 == 0 }
            try writer.apply([SourceTransaction(checkpoint: Checkpoint(position: 2), changes: moves.map { .upsertMove($0) })], persistingTo: store)
        }
        projection = keepWriter ? writer : nil
        stream = keepWriter ? OperationStream(catalogue: catalogue) : nil
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // MARK: Group commit

    // `apply(group, persistingTo: store)`: apply a group of source transactions (2 quant changes each) to a copy,
    // write them and the checkpoint in one LMDB transaction, publish. Throughput is groups per second; multiply by
    // the group size for transactions per second.
    for size in BenchmarkSizes.writes {
        let label = BenchmarkSizes.label(size)
        for durability in [StoreDurability.full, .noSync] {
            for group in [1, 64, 512] {
                let fixture = Holder<StoreFixture?>(nil)
                Benchmark(
                    "lmdb-commit-\(group)-txns-\(durability.rawValue)-\(label)",
                    configuration: .init(maxIterations: group == 512 ? 200 : 1_000, thresholds: commitAllocations(group: group)),
                    closure: { benchmark in
                        let fixture = fixture.value!
                        let transactions = fixture.stream!.next(group)
                        benchmark.startMeasurement()
                        let report = try fixture.projection!.apply(transactions, persistingTo: fixture.store)
                        benchmark.stopMeasurement()
                        precondition(report.applied == group, "fixture transactions were skipped")
                    },
                    setup: { fixture.value = try StoreFixture(variants: size, durability: durability, keepWriter: true) },
                    teardown: { fixture.value?.remove() }
                )
            }
        }
    }

    // MARK: Reload

    // `store.load(settings:)` (the bulk load) and `store.loadRowByRow(settings:)` (every row through the apply
    // path, the reference): read every row back into a projection state, as stockd does at start-up. The state
    // is kept past the measurement, so `memoryLeakedBytes` is what the loaded projection holds (requested bytes).
    // 175k variants hold about 500,000 levels (the size of the reload target in docs/benchmarks.md).
    // `STOCKD_BENCH_RELOAD_SIZES=500000,1000000` replaces the sizes, and `STOCKD_BENCH_RELOAD_MOVES=1` adds an open
    // move on every other variant (by hand; the gated runs use neither).
    let environment = ProcessInfo.processInfo.environment
    let reloadSizes = environment["STOCKD_BENCH_RELOAD_SIZES"].map { $0.split(separator: ",").compactMap { Int($0) } } ?? BenchmarkSizes.reloads
    let openMoves = environment["STOCKD_BENCH_RELOAD_MOVES"] == "1"
    for size in reloadSizes {
        for rowByRow in [false, true] {
            let label = BenchmarkSizes.label(size) + (openMoves ? "-moves" : "")
            let fixture = Holder<StoreFixture?>(nil)
            let loaded = Holder<ProjectionState?>(nil)
            Benchmark(
                rowByRow ? "reload-row-by-row-from-lmdb-\(label)" : "reload-from-lmdb-\(label)",
                configuration: .init(
                    metrics: [.wallClock, .mallocCountTotal, .memoryLeakedBytes],
                    warmupIterations: 1,
                    maxDuration: .seconds(size >= 500_000 ? 30 : 5),
                    maxIterations: size >= 100_000 ? 5 : 20,
                    thresholds: reloadAllocations
                ),
                closure: { benchmark in
                    let fixture = fixture.value!
                    loaded.value = nil
                    benchmark.startMeasurement()
                    let state =
                        rowByRow
                        ? try fixture.store.loadRowByRow(settings: ProjectionSettings()) : try fixture.store.load(settings: ProjectionSettings())
                    benchmark.stopMeasurement()
                    precondition(state.quantCount > 0)
                    loaded.value = state
                },
                setup: { fixture.value = try StoreFixture(variants: size, durability: .noSync, keepWriter: false, openMoves: openMoves) },
                teardown: {
                    loaded.value = nil
                    fixture.value?.remove()
                }
            )
        }
    }
}
