import ArgumentParser
import CatalogueCommandLine
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
            print(
                try StockdCommands.simulate(
                    configuration: configuration, shape: shape.shape, seconds: seconds, transactionsPerSecond: rate,
                    logger: options.logger(configuration)))
        }
    }
}
