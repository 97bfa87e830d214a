import Benchmark
import BenchmarkFixtures
import StockCatalogue
import StockProjection

// In-memory projection: reads (point and batch look-ups, roll-ups, full pulls), snapshots, applying source
// transactions, and the memory a projection holds per stock level. See docs/benchmarks.md for the numbers.
//
// Every fixture (catalogue, projection, transactions) is built in `setup` or before `startMeasurement()`, never
// inside a measurement. CI gates on `mallocCountTotal` only (Thresholds/); wall clock is for information.

/// Any allocation at all is a regression (look-ups and snapshots must not allocate).
var zeroAllocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(absolute: [.p90: 0])] }
/// Allocation counts may drift by 5 % at p90 (batch answers, roll-ups, builds: near-deterministic counts; hash
/// seeds differ per process, so persistent hash tries split their nodes a little differently from run to run).
var fewAllocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(relative: [.p90: 5.0])] }
/// Writes allocate in proportion to the data they touch (copied chunks, hash-trie paths): allow 10 % at p90.
var writeAllocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(relative: [.p90: 10.0])] }
/// A few hundred allocations per sample (the flat tables copy each chunk a group first touches, and which chunks a
/// sample touches is random): ±10% is ±35 allocations, inside the sample-to-sample spread (p90 342 to 382 in CI-like
/// runs), so these get an absolute tolerance.
var fewWriteAllocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(absolute: [.p90: 100])] }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(1),
        maxIterations: 2_000
    )

    // MARK: Snapshot

    Benchmark(
        "snapshot",
        configuration: .init(scalingFactor: .kilo, thresholds: zeroAllocations),
        closure: { benchmark in
            let projection = CatalogueFixture.shared(5_000).projection
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(projection.snapshot())
            }
        },
        setup: { _ = CatalogueFixture.shared(5_000) }
    )

    for size in BenchmarkSizes.catalogues {
        let label = BenchmarkSizes.label(size)

        // MARK: Point look-ups

        // One variant's figures in one scope. The scope is resolved once, as a request handler resolves it once per
        // request; the variant changes on every call, in a seeded random order over the whole catalogue.
        for (scopeName, everywhere) in [("warehouse", false), ("everywhere", true)] {
            Benchmark(
                "point-lookup-\(scopeName)-\(label)",
                configuration: .init(scalingFactor: .kilo, thresholds: zeroAllocations),
                closure: { benchmark in
                    let fixture = CatalogueFixture.shared(size)
                    let snapshot = fixture.projection.snapshot()
                    let scope = everywhere ? fixture.everywhere : fixture.warehouseScope
                    let order = fixture.lookupOrder
                    let mask = fixture.lookupMask
                    let start = benchmark.currentIteration &* 1_000
                    benchmark.startMeasurement()
                    for index in benchmark.scaledIterations {
                        blackHole(snapshot.figures(for: order[(start &+ index) & mask], in: scope))
                    }
                },
                setup: { _ = CatalogueFixture.shared(size) }
            )
        }

        // MARK: Batch look-ups

        // `figures(for: [ids], in:)`: the batch API, answering an array of figures. The ids are a different
        // slice of the random order on every sample.
        for count in [100, 1_000] {
            Benchmark(
                "lookup-\(count)-variants-warehouse-\(label)",
                configuration: .init(thresholds: fewAllocations),
                closure: { benchmark in
                    let fixture = CatalogueFixture.shared(size)
                    let snapshot = fixture.projection.snapshot()
                    let order = fixture.lookupOrder
                    let start = (benchmark.currentIteration &* count) % (order.count - count)
                    let ids = Array(order[start..<(start + count)])
                    benchmark.startMeasurement()
                    blackHole(snapshot.figures(for: ids, in: fixture.warehouseScope))
                },
                setup: { _ = CatalogueFixture.shared(size) }
            )
        }

        // The same 100 variants answered one `figures(for:in:)` call at a time into a reused buffer: what the batch
        // API would cost without its per-variant allocations.
        Benchmark(
            "lookup-100-variants-one-by-one-warehouse-\(label)",
            configuration: .init(thresholds: zeroAllocations),
            closure: { benchmark in
                let fixture = CatalogueFixture.shared(size)
                let snapshot = fixture.projection.snapshot()
                let order = fixture.lookupOrder
                let start = (benchmark.currentIteration &* 100) % (order.count - 100)
                let scope = fixture.warehouseScope
                var answers = [StockFigures](repeating: .zero, count: 100)
                benchmark.startMeasurement()
                for index in 0..<100 {
                    answers[index] = snapshot.figures(for: order[start + index], in: scope)
                }
                benchmark.stopMeasurement()
                blackHole(answers)
            },
            setup: { _ = CatalogueFixture.shared(size) }
        )

        // MARK: Roll-up and full pull

        Benchmark(
            "warehouse-rollup-everywhere-\(label)",
            configuration: .init(scalingFactor: .kilo, thresholds: fewAllocations),
            closure: { benchmark in
                let fixture = CatalogueFixture.shared(size)
                let snapshot = fixture.projection.snapshot()
                let order = fixture.lookupOrder
                let mask = fixture.lookupMask
                let start = benchmark.currentIteration &* 1_000
                benchmark.startMeasurement()
                for index in benchmark.scaledIterations {
                    blackHole(snapshot.figuresByWarehouse(for: order[(start &+ index) & mask], in: fixture.everywhere))
                }
            },
            setup: { _ = CatalogueFixture.shared(size) }
        )

        // Every stocked variant of one warehouse, in pages of 1,000, as a channel's full resync pulls it.
        Benchmark(
            "full-warehouse-pull-\(label)",
            configuration: .init(maxIterations: 200, thresholds: fewAllocations),
            closure: { benchmark in
                let fixture = CatalogueFixture.shared(size)
                let snapshot = fixture.projection.snapshot()
                benchmark.startMeasurement()
                var cursor: VariantID?
                var pulled = 0
                repeat {
                    let page = snapshot.stockedVariants(in: fixture.warehouseScope, after: cursor, limit: 1_000)
                    pulled += page.items.count
                    cursor = page.next
                } while cursor != nil
                blackHole(pulled)
            },
            setup: { _ = CatalogueFixture.shared(size) }
        )

        // MARK: Memory per level

        // Builds the projection of the whole catalogue (as a restore does, without the change feed) and keeps it
        // past the measurement: `memoryLeakedBytes` is then the bytes the projection holds, as requested from
        // malloc (no allocator overhead), and `mallocFreeDelta` the number of live allocations. Divide by the
        // levels (docs/benchmarks.md); `MemoryFootprint` measures heap and RSS without the malloc interposer.
        let built = Holder<ProjectionState?>(nil)
        Benchmark(
            "build-projection-memory-\(label)",
            configuration: .init(
                metrics: [.wallClock, .mallocCountTotal, .memoryLeakedBytes, .mallocFreeDelta],
                warmupIterations: 1,
                maxDuration: .seconds(size >= 500_000 ? 20 : 2),
                maxIterations: size >= 500_000 ? 3 : 10,
                thresholds: fewAllocations
            ),
            closure: { benchmark in
                let catalogue = CatalogueFixture.shared(size).catalogue
                let changes = catalogue.allChanges
                built.value = nil
                benchmark.startMeasurement()
                var state = ProjectionState(checkpoint: Checkpoint(position: 1))
                for change in changes { state.load(change) }
                state.finishLoading()
                built.value = state
                benchmark.stopMeasurement()
                blackHole(changes)
            },
            setup: { _ = CatalogueFixture.shared(size) }
        )
    }

    // MARK: Apply in memory

    for size in BenchmarkSizes.writes {
        let label = BenchmarkSizes.label(size)
        let stream = Holder<OperationStream?>(nil)
        let setup: Benchmark.BenchmarkSetupHook = {
            let fixture = CatalogueFixture.shared(size)
            if stream.value == nil { stream.value = OperationStream(catalogue: fixture.catalogue) }
        }

        // 10,000 quant changes in one call: 5,000 transactions of 2 changes (moves, receipts, deliveries, scrap).
        // Transactions come from one stream with growing positions, so no sample re-applies (skips) anything.
        Benchmark(
            "apply-10000-changes-5000-txns-one-call-\(label)",
            configuration: .init(maxDuration: .seconds(3), maxIterations: 30, thresholds: fewWriteAllocations),
            closure: { benchmark in
                let projection = CatalogueFixture.shared(size).projection
                let batch = stream.value!.next(5_000)
                benchmark.startMeasurement()
                let report = try projection.apply(batch)
                benchmark.stopMeasurement()
                precondition(report.applied == 5_000 && report.rowChanges == 10_000, "fixture transactions were skipped")
            },
            setup: setup
        )

        // The same 8,192 transactions (16,384 changes) applied as the feed groups them while it works through a
        // backlog: 16 groups of 512 (one publish each, the feed's group while it follows live) or one group of 8,192
        // (its group while it is behind). A publish costs about the chunks the group touches, whatever the group
        // holds, so the difference is what larger catch-up groups save.
        for groupSize in [512, 8_192] {
            Benchmark(
                "apply-8192-txns-in-groups-of-\(groupSize)-\(label)",
                configuration: .init(maxDuration: .seconds(5), maxIterations: 20, thresholds: writeAllocations),
                closure: { benchmark in
                    let projection = CatalogueFixture.shared(size).projection
                    let batch = stream.value!.next(8_192)
                    let groups = stride(from: 0, to: batch.count, by: groupSize).map { Array(batch[$0..<min($0 + groupSize, batch.count)]) }
                    benchmark.startMeasurement()
                    for group in groups {
                        let report = try projection.apply(group)
                        precondition(report.applied == group.count, "fixture transactions were skipped")
                    }
                    benchmark.stopMeasurement()
                },
                setup: setup
            )
        }

        // 16,384 transactions (32,768 changes) in one group, the feed's largest catch-up group
        // (`FeedConfiguration.maxCatchUpGroupSize`): the copy of the level table that a large group pays once (the
        // chunks it touches, nearly all at 500k) spread over twice the changes of the group of 8,192 above.
        Benchmark(
            "apply-16384-txns-in-one-group-\(label)",
            configuration: .init(maxDuration: .seconds(5), maxIterations: 20, thresholds: writeAllocations),
            closure: { benchmark in
                let projection = CatalogueFixture.shared(size).projection
                let batch = stream.value!.next(16_384)
                benchmark.startMeasurement()
                let report = try projection.apply(batch)
                benchmark.stopMeasurement()
                precondition(report.applied == batch.count, "fixture transactions were skipped")
            },
            setup: setup
        )

        // One transaction (2 changes) per call: what a feed pays when every commit is published on its own.
        Benchmark(
            "apply-1-txn-per-call-\(label)",
            configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 30, thresholds: writeAllocations),
            closure: { benchmark in
                let projection = CatalogueFixture.shared(size).projection
                let singles = stream.value!.next(benchmark.scaledIterations.count).map { [$0] }
                benchmark.startMeasurement()
                for index in benchmark.scaledIterations {
                    try projection.apply(singles[index])
                }
                benchmark.stopMeasurement()
            },
            setup: setup
        )
    }
}
