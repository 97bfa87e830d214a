import Benchmark
import BenchmarkFixtures
import StockCatalogue
import StockProjection

// Forecast look-ups (issue 14): incoming, outgoing and forecast of one variant in one scope, beside the plain
// figures look-up on the same projection (50k variants, two open moves per variant). CI does not run these; the
// numbers are in docs/benchmarks.md ("Forecast").

/// Any allocation at all is a regression (look-ups must not allocate).
var zeroAllocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(absolute: [.p90: 0])] }

/// The projection with open moves, built once.
let fixture: (projection: StockProjection, order: [VariantID], warehouse: ResolvedScope, everywhere: ResolvedScope) = {
    let catalogue = OdooCatalogue(shape: .benchmark(variants: 50_000))
    let projection = MoveFixture.projection(of: catalogue, moves: MoveFixture.moves(of: catalogue, movesPerVariant: 2))
    var random = SeededGenerator(seed: 2_024)
    let ids = catalogue.variants.map(\.id)
    let order = (0..<65_536).map { _ in ids.randomElement(using: &random)! }
    let snapshot = projection.snapshot()
    return (projection, order, try! snapshot.resolve(.warehouse(catalogue.warehouses[0].id)), try! snapshot.resolve(.everywhere))
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(1),
        maxIterations: 2_000
    )
    for (scopeName, everywhere) in [("warehouse", false), ("everywhere", true)] {
        Benchmark(
            "plain-lookup-\(scopeName)-50k-100k-moves",
            configuration: .init(scalingFactor: .kilo, thresholds: zeroAllocations),
            closure: { benchmark in
                let snapshot = fixture.projection.snapshot()
                let scope = everywhere ? fixture.everywhere : fixture.warehouse
                let start = benchmark.currentIteration &* 1_000
                benchmark.startMeasurement()
                for index in benchmark.scaledIterations {
                    blackHole(snapshot.figures(for: fixture.order[(start &+ index) & 65_535], in: scope))
                }
            },
            setup: { _ = fixture }
        )
        Benchmark(
            "forecast-lookup-\(scopeName)-50k-100k-moves",
            configuration: .init(scalingFactor: .kilo, thresholds: zeroAllocations),
            closure: { benchmark in
                let snapshot = fixture.projection.snapshot()
                let scope = everywhere ? fixture.everywhere : fixture.warehouse
                let start = benchmark.currentIteration &* 1_000
                benchmark.startMeasurement()
                for index in benchmark.scaledIterations {
                    blackHole(snapshot.forecast(for: fixture.order[(start &+ index) & 65_535], in: scope))
                }
            },
            setup: { _ = fixture }
        )
    }
}
