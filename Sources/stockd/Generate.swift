import ArgumentParser
import CatalogueCommandLine
import StockdApp

/// `stockd generate`: fill an empty store with a generated Odoo-shaped catalogue.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty store with a generated Odoo-shaped catalogue (for demos and benchmarks)."
    )

    @OptionGroup var options: CommonOptions
    @OptionGroup var shape: CatalogueShapeOptions

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            print(try StockdCommands.generate(configuration: configuration, shape: shape.shape, logger: options.logger(configuration)))
        }
    }
}
