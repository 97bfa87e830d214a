import ArgumentParser
import CatalogueCommandLine
import Logging
import StockCatalogue
import StockProjection
import StockStorage
import StockdApp

/// `stockd simulate`: apply random Odoo-style operations to a generated store, durably.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply random Odoo-style stock operations to a store made by `stockd generate`, committing to LMDB."
    )

    @OptionGroup var options: CommonOptions
    @OptionGroup var shape: CatalogueShapeOptions

    @Option(help: "How long to run, in seconds.")
    var seconds: Double = 10

    @Option(help: "Target transactions per second.")
    var rate = 1_000

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            let logger = options.logger(configuration)
            let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
            let catalogue = OdooCatalogue(shape: shape.shape)
            if runtime.projection.snapshot().checkpoint == nil {
                try CatalogueImport.run(shape: shape.shape, into: runtime.projection, store: runtime.store)
            }
            let summary = try OperationSimulator.run(
                catalogue: catalogue, runtime: runtime, seconds: seconds, transactionsPerSecond: rate, logger: logger
            )
            let perSecond = Int(Double(summary.transactions) / max(summary.seconds, 0.001))
            print(
                "applied \(summary.transactions) transactions (\(summary.rowChanges) row changes) in \(summary.commits) LMDB commits over \(String(summary.seconds.rounded())) s: \(perSecond) transactions/s"
            )
            print("checkpoint \(runtime.projection.snapshot().checkpoint?.description ?? "-")")
        }
    }
}
