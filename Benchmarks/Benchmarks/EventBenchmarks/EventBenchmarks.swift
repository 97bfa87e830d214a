import Benchmark
import BenchmarkFixtures
import StockCatalogue
import StockEvents
import StockProjection

// Stock events (issue 13): what evaluating rules at every commit boundary adds to applying transactions in
// memory. The same 5,000 Odoo-style transactions (2 quant changes each) are applied in one call to the 50k
// catalogue without an observer and with an `EventEvaluator` holding 1,000 rules shaped like
// `scripts/bench-events.sh`'s (SKU rules of the four conditions, a third of them per warehouse, plus two `all`
// rules and a SKU pattern): the ratio of the two is the in-memory share of the ingest ratio.

/// The rules of `scripts/bench-events.sh`, over the catalogue's SKUs.
func benchmarkRules(count: Int, catalogue: OdooCatalogue) -> [EventRule] {
    let skus = catalogue.variants.compactMap(\.sku)
    let conditions: [(RuleCondition, WatchedFigure)] = [
        (.outOfStock, .available), (.backInStock, .available), (.changed, .onHand),
        (.lowStock(threshold: Quantity(units: 5), rearm: Quantity(units: 8)), .available),
    ]
    var rules = [
        EventRule(id: "all-out", products: ProductSelector(all: true), condition: .outOfStock),
        EventRule(id: "all-back", products: ProductSelector(all: true), scope: .eachWarehouse, condition: .backInStock),
        EventRule(id: "pattern", products: ProductSelector(skuPatterns: ["CHAIR-*"]), condition: .changed),
    ]
    for index in 0..<max(0, count - rules.count) {
        let (condition, figure) = conditions[index % conditions.count]
        rules.append(
            EventRule(
                id: "r\(index)", products: ProductSelector(skus: [skus[index % skus.count]]), scope: index % 3 == 0 ? .eachWarehouse : .total,
                figure: figure, condition: condition))
    }
    return Array(rules.prefix(count))
}

let benchmarks: @Sendable () -> Void = {
    // With rules, tens of thousands of allocations per sample: ±10%. Without, a few hundred whose count depends on
    // which chunks a sample happens to touch first: an absolute ±100.
    let ruleAllocations: [BenchmarkMetric: BenchmarkThresholds] = [.mallocCountTotal: .init(relative: [.p90: 10])]
    let plainAllocations: [BenchmarkMetric: BenchmarkThresholds] = [.mallocCountTotal: .init(absolute: [.p90: 100])]
    for size in BenchmarkSizes.writes {
        let label = BenchmarkSizes.label(size)
        for rules in [0, 1, 1_000] {
            let stream = Holder<OperationStream?>(nil)
            let projection = Holder<StockProjection?>(nil)
            let name = rules == 0 ? "no-rules" : "\(rules)-rules"
            // Each sample applies the next 5,000 transactions of one stream, so both variants see the same kinds
            // of operations; positions grow, so nothing is skipped.
            Benchmark(
                "apply-5000-txns-\(name)-\(label)",
                configuration: .init(maxDuration: .seconds(3), maxIterations: 30, thresholds: rules == 0 ? plainAllocations : ruleAllocations),
                closure: { benchmark in
                    let batch = stream.value!.next(5_000)
                    benchmark.startMeasurement()
                    let report = try projection.value!.apply(batch)
                    benchmark.stopMeasurement()
                    precondition(report.applied == 5_000, "fixture transactions were skipped")
                    blackHole(report.outbox)
                },
                setup: {
                    let fixture = CatalogueFixture.shared(size)
                    guard projection.value == nil else { return }
                    stream.value = OperationStream(catalogue: fixture.catalogue)
                    // Each benchmark runs in a process of its own: the fixture's projection is this one's alone.
                    if rules > 0 {
                        fixture.projection.setTransactionObserver(EventEvaluator(rules: benchmarkRules(count: rules, catalogue: fixture.catalogue)))
                    }
                    projection.value = fixture.projection
                }
            )
        }
    }
}
